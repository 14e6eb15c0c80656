"""Synthetic corpora of any size, recombining real news sentences per language.

English, French and German come from newstest2014 (`READER_NEWSTEST`); with a folder of prepared parallel
sets (`READER_PARALLEL` or `parallel=`: files `<xx>-en.jsonl`, see `newstest.load_parallel`) the other
side of each set adds its language and script (Russian, Hindi, Chinese…), its paragraphs cut into sentences.
"""

from __future__ import annotations

import os
import random
from pathlib import Path

from benchmarks.newstest import FILES, load, load_parallel
from reader.core.related.align import split_sentences

FILES_PER_FOLDER = 1000
PARALLEL_DIR = os.environ.get("READER_PARALLEL")


def sentence_pools(parallel: Path | None = None) -> dict[str, list[str]]:
    """All sentences by language: newstest2014's, then those of each parallel set's other language."""
    pools: dict[str, list[str]] = {}
    for pair, lang in FILES:
        for doc in load(pair, lang):
            pools.setdefault(lang, []).extend(doc.sentences)
    for path in sorted(parallel.glob("*-en.jsonl")) if parallel else []:
        lang = path.name.split("-")[0]
        if lang not in pools:
            pools[lang] = [sentence for doc in load_parallel(parallel, path.stem)[lang].values()
                           for paragraph in [doc.title, *doc.sentences] for sentence in split_sentences(paragraph)]
    return pools


def make_corpus(target: Path, count: int, seed: int = 7, parallel: Path | None = None) -> Path:
    """Write `count` articles (8–40 sentences each, the languages in turn) into folders of 1,000 under
    `target`; `parallel` (default: READER_PARALLEL) adds the languages of its sets."""
    rng = random.Random(seed)
    pools = sentence_pools(parallel or (Path(PARALLEL_DIR) if PARALLEL_DIR else None))
    langs = sorted(pools)
    target.mkdir(parents=True, exist_ok=True)
    for number in range(count):
        lang = langs[number % len(langs)]
        pool = pools[lang]
        title = rng.choice(pool)
        sentences = rng.sample(pool, min(len(pool), rng.randint(8, 40)))
        paragraphs = [" ".join(sentences[i:i + 3]) for i in range(0, len(sentences), 3)]
        folder = target / f"{lang}-{number // FILES_PER_FOLDER:04d}"
        folder.mkdir(exist_ok=True)
        (folder / f"{number:07d}.txt").write_text(title + "\n\n" + "\n\n".join(paragraphs) + "\n",
                                                  encoding="utf-8")
    return target


if __name__ == "__main__":
    import sys

    make_corpus(Path(sys.argv[1]), int(sys.argv[2]))
