"""Main-text quality and build speed of saved HTML pages.

Quality: word-4-gram precision, recall and F1 of each page's article body against hand-made ground
truth (the measure of the article-extraction benchmark github.com/scrapinghub/article-extraction-benchmark:
per-page shares of true/false positives and false negatives, summed over pages), and how many pages a
date was found for; the whole-page text (the reader before main-text extraction) for comparison.
Speed: a fresh `Engine.update()` of the pages saved as `.html` files, copied to `--pages` files.

Data: READER_HTML_BENCH, a folder with `html/<key>.html.gz` pages and `ground-truth.json`
({key: {"articleBody": …}}), default `<repo>/../../devdata/html/scrapinghub-aeb`.

    python -m benchmarks.html_eval [--pages 1000] [--no-build]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import tempfile
import time
from collections import Counter
from pathlib import Path

DEFAULT = Path(__file__).resolve().parent.parent.parent.parent / "devdata" / "html" / "scrapinghub-aeb"
_WORD = re.compile(r"\w+")


def shingles(text: str, n: int = 4) -> Counter:
    words = _WORD.findall(text)
    return Counter(tuple(words[i:i + n]) for i in range(len(words) - n + 1))


def page_scores(true: str, predicted: str) -> tuple[float, float, float]:
    """(tp, fp, fn) shares of one page's 4-grams (each page weighs the same)."""
    expected, got = shingles(true), shingles(predicted)
    tp, fp, fn = sum((expected & got).values()), sum((got - expected).values()), sum((expected - got).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def scores(pairs: list[tuple[str, str]]) -> dict[str, float]:
    tp, fp, fn = (sum(column) for column in zip(*(page_scores(t, p) for t, p in pairs)))
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    return {"precision": precision, "recall": recall, "f1": 2 * precision * recall / (precision + recall)}


def load_pages(folder: Path) -> dict[str, tuple[str, str]]:
    """{key: (page html, true article text)}."""
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    return {key: (gzip.decompress((folder / "html" / f"{key}.html.gz").read_bytes()).decode("utf-8", "replace"),
                  value.get("articleBody", "")) for key, value in truth.items()}


def quality(pages: dict[str, tuple[str, str]], corpus: Path) -> None:
    from reader.core.corpus.articles import parse_file
    from reader.core.corpus.html_text import page_text

    main, whole, dated = [], [], 0
    started = time.perf_counter()
    for key, (_, truth) in pages.items():
        parsed = parse_file(corpus / f"{key}.html")
        main.append((truth, parsed.body))  # the ground truth is the article's body, without its headline
        dated += bool(parsed.meta.get("date"))
    seconds = time.perf_counter() - started
    for page, truth in pages.values():
        whole.append((truth, page_text(page)[1]))
    for name, pairs in (("main text (reader)", main), ("whole page (before)", whole)):
        got = scores(pairs)
        print(f"{name:<22} precision {got['precision']:.3f}  recall {got['recall']:.3f}  F1 {got['f1']:.3f}")
    print(f"date found for {dated}/{len(pages)} pages ({dated / len(pages):.0%}); "
          f"extraction {seconds / len(pages) * 1000:.1f} ms a page in one process")


def build_speed(pages: dict[str, tuple[str, str]], count: int) -> None:
    from reader.core.engine import Engine

    with tempfile.TemporaryDirectory() as temporary:
        corpus = Path(temporary) / "pages"
        corpus.mkdir()
        keys = list(pages)
        for number in range(count):
            (corpus / f"p{number:05}.html").write_text(pages[keys[number % len(keys)]][0], encoding="utf-8")
        engine = Engine(corpus)
        started, cpu = time.perf_counter(), _cpu_seconds()
        report = engine.update()
        seconds, cpu = time.perf_counter() - started, _cpu_seconds() - cpu
        engine.close()
    cores = os.cpu_count() or 1
    print(f"build of {count} saved pages: {seconds:.1f} s, {count / seconds:.0f} pages/s on {cores} cores "
          f"({len(report.skipped)} skipped); {cpu:.1f} CPU seconds: {count / cpu * cores:.0f} pages/s "
          f"on {cores} cores not shared with other work")


def _cpu_seconds() -> float:
    """CPU time of this process and its finished children (the loader processes)."""
    import resource

    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000, help="pages in the build-speed corpus")
    parser.add_argument("--no-build", action="store_true", help="quality only")
    args = parser.parse_args()
    folder = Path(os.environ.get("READER_HTML_BENCH", DEFAULT))
    if not (folder / "ground-truth.json").exists():
        raise SystemExit(f"no benchmark pages in {folder} (set READER_HTML_BENCH)")
    pages = load_pages(folder)
    with tempfile.TemporaryDirectory() as temporary:
        corpus = Path(temporary)
        for key, (page, _) in pages.items():
            (corpus / f"{key}.html").write_text(page, encoding="utf-8")
        print(f"{len(pages)} pages with ground truth from {folder}")
        quality(pages, corpus)
    if not args.no_build:
        build_speed(pages, args.pages)


if __name__ == "__main__":
    main()
