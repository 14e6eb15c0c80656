"""Index updates after renames and moves (issue 29); prints its figures.

    python -m benchmarks.renames_bench [--work DIR] [--articles 10000] [--tagged 500]

Builds a corpus of recombined newstest2014 sentences (folders of 1,000), tags `--tagged` articles,
indexes it, then times `Engine.update()` with nothing changed, after one tagged article is renamed,
after a whole folder (1,000 articles, its tagged ones among them) is moved, and the orphan listing.
Run it with PYTHONPATH at an older checkout for figures before the change (it reads `moved` only when
the update reports it).
"""

from __future__ import annotations

import argparse
import shutil
import time
from pathlib import Path

from benchmarks.synthetic import make_corpus


def timed(label: str, action) -> object:
    started = time.perf_counter()
    result = action()
    print(f"{label:<48} {time.perf_counter() - started:8.3f} s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=Path("/tmp/reader-renames-bench"))
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--tagged", type=int, default=500)
    args = parser.parse_args()

    from reader.core.engine import Engine
    from reader.core.userdata.sidecars import update_sidecar

    corpus = args.work / "corpus"
    shutil.rmtree(args.work, ignore_errors=True)
    make_corpus(corpus, args.articles)
    files = sorted(corpus.rglob("*.txt"))
    step = max(1, len(files) // args.tagged)
    tagged = files[::step][:args.tagged]
    for path in tagged:
        update_sidecar(path, add_tags=["bench"])
    engine = Engine(corpus)
    timed(f"full build, {len(files):,} articles", engine.update)
    timed("update, nothing changed", engine.update)
    first = tagged[len(tagged) // 2]
    first.rename(first.with_name("renamed-" + first.name))
    report = timed("update after renaming one tagged article", engine.update)
    print(f"  moved sidecars: {len(getattr(report, 'moved', []))}, tag:bench finds "
          f"{engine.count('tag:bench'):,} of {len(tagged):,}")
    folder = tagged[-1].parent
    (corpus / "moved").mkdir()
    folder.rename(corpus / "moved" / folder.name)
    report = timed("update after moving a folder of 1,000 articles", engine.update)
    print(f"  moved sidecars: {len(getattr(report, 'moved', []))}, tag:bench finds "
          f"{engine.count('tag:bench'):,} of {len(tagged):,}")
    if hasattr(engine, "orphans"):
        timed("orphan listing (a full scan)", engine.orphans)
    engine.close()


if __name__ == "__main__":
    main()
