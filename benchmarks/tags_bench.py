"""Tag panel and tag completion with 10,000 distinct tags; prints its figures.

    python -m benchmarks.tags_bench [--work DIR] [--tags 10000] [--articles 2000]

Builds a corpus whose sidecars hold `--tags` distinct tags, indexes it, tags one article (so the
index has deletions, as after any tagging), then measures in the real app (Pilot, 120×40): counting
the tags, opening the tag panel, opening the add-tag prompt, and each keystroke of completion.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import shutil
import statistics
import time
from pathlib import Path


def make_corpus(root: Path, tags: int, articles: int) -> None:
    """Short articles whose sidecars use every one of `tags` distinct tags."""
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    rng = random.Random(7)
    syllables = ["po", "li", "ce", "ar", "ms", "de", "al", "gov", "ern", "sa", "nc", "tio", "ns", "ru", "ss"]
    names = sorted({"-".join(rng.choice(syllables) + rng.choice(syllables) for _ in range(2)) + f"-{n}"
                    for n in range(tags)})
    for n in range(articles):
        chosen = names[n::articles] + rng.sample(names, 5)
        (root / f"a{n:05}.txt").write_text(f"Article {n}\n\nThe police said on Tuesday that {n} arms were seized.\n",
                                           encoding="utf-8")
        (root / f"a{n:05}.txt.yaml").write_text("tags: [" + ", ".join(f"'{t}'" for t in chosen) + "]\n",
                                                encoding="utf-8")


async def measure(corpus: Path) -> dict[str, list[float]]:
    from reader.ui.actions import load_config
    from reader.ui.app import ReaderApp
    from reader.ui.screens.dialogs import TagPanel, TagPrompt

    timings: dict[str, list[float]] = {"count tags": [], "open tag panel": [], "open add-tag prompt": [],
                                       "completion keystroke": []}
    app = ReaderApp(corpus, None, load_config(None))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        while not (screen.usable and screen.ran is not None and screen.tag_counts):
            await pilot.pause(0.01)
        for _ in range(3):
            started = time.perf_counter()
            screen.engine.tag_counts()
            timings["count tags"].append(time.perf_counter() - started)
        screen.results.focus()
        for _ in range(3):
            started = time.perf_counter()
            await pilot.press("number_sign")
            while not isinstance(app.screen, TagPanel):
                await pilot.pause(0.002)
            await pilot.pause()
            timings["open tag panel"].append(time.perf_counter() - started)
            await pilot.press("escape")
            started = time.perf_counter()
            await pilot.press("t")
            while not isinstance(app.screen, TagPrompt):
                await pilot.pause(0.002)
            await pilot.pause()
            timings["open add-tag prompt"].append(time.perf_counter() - started)
            for key in "polic":
                started = time.perf_counter()
                await pilot.press(key)
                await pilot.pause()
                timings["completion keystroke"].append(time.perf_counter() - started)
            await pilot.press("escape")
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--work", type=Path, default=Path("/tmp/reader-bench"))
    parser.add_argument("--tags", type=int, default=10_000)
    parser.add_argument("--articles", type=int, default=2_000)
    args = parser.parse_args()
    corpus = args.work / f"tags-{args.tags}"
    make_corpus(corpus, args.tags, args.articles)
    from reader.core.engine import Engine
    from reader.core.userdata.sidecars import update_sidecar

    engine = Engine(corpus)
    engine.update()
    update_sidecar(corpus / "a00000.txt", add_tags=["fresh"], remove_tags=[])
    engine.reindex(["a00000.txt"])
    engine.close()
    timings = asyncio.run(measure(corpus))
    print(f"{args.tags:,} distinct tags over {args.articles:,} articles")
    for name, values in timings.items():
        print(f"{name:22s} median {statistics.median(values) * 1000:6.1f} ms   max {max(values) * 1000:6.1f} ms")


if __name__ == "__main__":
    main()
