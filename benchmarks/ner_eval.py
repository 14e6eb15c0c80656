"""Names and their types against outside NER gold data, on a tuning part and a held-out part.

Usage: python benchmarks/ner_eval.py [--part heldout|tune] [--lang en,fr,de,ru] [--errors N] [--limit N]

Reads `<lang>.jsonl` from $READER_NER_DATA (default ../devdata/ner: records with text, id, source and
entities [{start, end, text, type}]). Scores as analysts see entities: the distinct names of each article,
MISC and GermEval's derived words (deutschen: LOCderiv) ignored. "names" counts a name found whatever
its type; "typed" needs the type too.
Parts: CoNLL-2003 train / dev, GermEval 2014 dev / test, factRuEval-2016 dev / test (Cyrillic news),
Europeana newspapers (French) split by record id. CoNLL-2003 test is never read.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import zlib
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reader.core.entities.recognise import recognise  # noqa: E402
from reader.core.entities.spans import NAME_KINDS  # noqa: E402

DATA = Path(os.environ.get("READER_NER_DATA", "../devdata/ner"))
HELD_OUT_SOURCES = ("CoNLL-2003 dev", "GermEval 2014 test", "factRuEval-2016 testset")


def part_of(record: dict) -> str:
    """`heldout` or `tune`: fixed by the record's source, else by a hash of its id (one in two held out)."""
    source = record.get("source", "")
    if "test" in source.lower() and "CoNLL" in source:
        return "never"
    if any(source == held for held in HELD_OUT_SOURCES):
        return "heldout"
    if any(source.startswith(name) for name in ("CoNLL", "GermEval", "factRuEval")):
        return "tune"
    return "heldout" if zlib.crc32(record["id"].encode()) % 2 else "tune"


def _key(text: str) -> str:
    return " ".join(text.split())


def names(record: dict, lang: str) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """(gold, predicted) distinct (name, type) pairs of one record."""
    gold = {(_key(e["text"]), e["type"]) for e in record["entities"]
            if e["type"] in NAME_KINDS and not e.get("label", "").endswith(("deriv", "part"))}
    found = {(_key(s.text), s.type) for s in recognise(record["text"], lang) if s.type in NAME_KINDS}
    return gold, found


def _prf(hit: float, pred: float, gold: float) -> tuple[float, float, float]:
    p = hit / pred if pred else 0.0
    r = hit / gold if gold else 0.0
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


def score(records: list[dict], lang: str) -> dict[str, tuple[float, float, float]]:
    """P/R/F1 of `names`, `typed` and each of person, organisation, place over `records`."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for record in records:
        gold, found = names(record, lang)
        gold_names, found_names = {n for n, _ in gold}, {n for n, _ in found}
        rows = {"names": (gold_names, found_names), "typed": (gold, found)}
        for kind in NAME_KINDS:
            rows[kind] = ({g for g in gold if g[1] == kind}, {f for f in found if f[1] == kind})
        for label, (g, f) in rows.items():
            counts[label].update(hit=len(g & f), pred=len(f), gold=len(g))
    return {label: _prf(c["hit"], c["pred"], c["gold"]) for label, c in counts.items()}


def load(lang: str, part: str, data: Path = DATA) -> list[dict]:
    path = data / f"{lang}.jsonl"
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in records if part_of(r) == part]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=("heldout", "tune"), default="heldout")
    parser.add_argument("--lang", default="en,fr,de,ru")
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--limit", type=int, default=0, help="at most this many records per language")
    parser.add_argument("--errors", type=int, default=0, help="list false and missed names of N records")
    args = parser.parse_args(argv)
    print(f"{'lang':<5}{'records':>8}  {'row':<13}{'P':>6}{'R':>6}{'F1':>6}")
    for lang in args.lang.split(","):
        if not (args.data / f"{lang}.jsonl").exists():
            print(f"{lang:<5} no data in {args.data}")
            continue
        records = load(lang, args.part, args.data)[: args.limit or None]
        started = time.perf_counter()
        for label, (p, r, f) in score(records, lang).items():
            print(f"{lang:<5}{len(records):>8}  {label:<13}{p:>6.2f}{r:>6.2f}{f:>6.2f}")
        print(f"{lang:<5} {time.perf_counter() - started:.1f} s")
        for record in records[: args.errors]:
            gold, found = names(record, lang)
            print(f"-- {record['id']}\n  false: {sorted(found - gold)}\n  missed: {sorted(gold - found)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
