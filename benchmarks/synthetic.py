"""Synthetic corpora of any size, recombining real newstest2014 sentences per language."""

from __future__ import annotations

import random
from pathlib import Path

from benchmarks.newstest import FILES, load

FILES_PER_FOLDER = 1000


def sentence_pools() -> dict[str, list[str]]:
    """All newstest2014 sentences by language."""
    pools: dict[str, list[str]] = {}
    for pair, lang in FILES:
        for doc in load(pair, lang):
            pools.setdefault(lang, []).extend(doc.sentences)
    return pools


def make_corpus(target: Path, count: int, seed: int = 7) -> Path:
    """Write `count` articles (en/fr/de, 8–40 sentences each) into folders of 1,000 under `target`."""
    rng = random.Random(seed)
    pools = sentence_pools()
    langs = sorted(pools)
    target.mkdir(parents=True, exist_ok=True)
    for number in range(count):
        lang = langs[number % len(langs)]
        pool = pools[lang]
        title = rng.choice(pool)
        sentences = rng.sample(pool, rng.randint(8, 40))
        paragraphs = [" ".join(sentences[i:i + 3]) for i in range(0, len(sentences), 3)]
        folder = target / f"{lang}-{number // FILES_PER_FOLDER:03d}"
        folder.mkdir(exist_ok=True)
        (folder / f"{number:06d}.txt").write_text(title + "\n\n" + "\n\n".join(paragraphs) + "\n",
                                                  encoding="utf-8")
    return target


if __name__ == "__main__":
    import sys

    make_corpus(Path(sys.argv[1]), int(sys.argv[2]))
