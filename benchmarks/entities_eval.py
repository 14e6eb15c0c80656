"""Quality and speed of entity recognition against hand-annotated newstest2014 articles.

Usage: python benchmarks/entities_eval.py [--gold FILE] [--data DIR] [--gazetteer FILE] [--errors]

Prints precision/recall/F1 per language and kind, matched exactly (same offsets and type) and by
overlap (same type, overlapping offsets), then recognise() time per article on the sample and on
the whole newstest2014 SGML files.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reader.core.entities.gazetteer import Gazetteer  # noqa: E402
from reader.core.entities.recognise import recognise  # noqa: E402
from reader.core.entities.spans import AUTO_KINDS, Span  # noqa: E402

GOLD = ROOT / "tests" / "fixtures" / "entities_gold.yaml"
DATA = Path(os.environ.get("READER_NEWSTEST") or ROOT.parent / "shared" / "data" / "newstest2014")
SGML_LANGS = {"newstest2014-fren-src.en.sgm": "en", "newstest2014-fren-ref.fr.sgm": "fr",
              "newstest2014-deen-src.en.sgm": "en", "newstest2014-deen-ref.de.sgm": "de"}
_DOC_RE = re.compile(r"<doc\b[^>]*\bdocid=\"([^\"]+)\"[^>]*>(.*?)</doc>", re.S)
_SEG_RE = re.compile(r"<seg\b[^>]*>(.*?)</seg>", re.S)

Mention = tuple[int, int, str]


def read_sgml(path: Path) -> dict[str, str]:
    """Documents of a WMT SGML file: docid -> its segments joined by newlines."""
    text = path.read_text(encoding="utf-8")
    return {docid: "\n".join(_SEG_RE.findall(body)) for docid, body in _DOC_RE.findall(text)}


def load_gold(path: Path = GOLD) -> list[dict]:
    """The annotated articles, each with its gold mentions expanded to offsets under `mentions`."""
    articles = yaml.safe_load(path.read_text(encoding="utf-8"))["articles"]
    for article in articles:
        article["mentions"] = gold_mentions(article["text"], article["entities"])
    return articles


def gold_mentions(text: str, entities: list[list[str]]) -> list[Mention]:
    """Every whole-word occurrence of each gold form, leaving out those inside a longer gold occurrence."""
    found: list[Mention] = []
    for form, kind in entities:
        pattern = re.compile(rf"(?<!\w){re.escape(form)}(?!\w)")
        found += [(m.start(), m.end(), kind) for m in pattern.finditer(text)]
    found.sort(key=lambda m: (m[0], m[0] - m[1]))
    kept: list[Mention] = []
    for mention in found:
        if not any(k[0] <= mention[0] and mention[1] <= k[1] and k != mention for k in kept):
            kept.append(mention)
    return kept


def _overlaps(a: Mention, b: Mention) -> bool:
    return a[2] == b[2] and a[0] < b[1] and b[0] < a[1]


def score(articles: list[dict], gazetteer: Gazetteer | None = None) -> dict[tuple[str, str], dict[str, float]]:
    """Counts and P/R/F1 per (lang, kind), plus ("all", kind) and (lang, "all"), exact and overlap."""
    counts: dict[tuple[str, str], dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for article in articles:
        predicted = [(s.start, s.end, s.type) for s in recognise(article["text"], article["lang"], gazetteer)]
        gold = article["mentions"]
        for lang in (article["lang"], "all"):
            for kind in (*AUTO_KINDS, "all"):
                pred_k = [p for p in predicted if kind in ("all", p[2])]
                gold_k = [g for g in gold if kind in ("all", g[2])]
                row = counts[(lang, kind)]
                row["pred"] += len(pred_k)
                row["gold"] += len(gold_k)
                row["exact"] += len(set(pred_k) & set(gold_k))
                row["pred_overlap"] += sum(any(_overlaps(p, g) for g in gold_k) for p in pred_k)
                row["gold_overlap"] += sum(any(_overlaps(g, p) for p in pred_k) for g in gold_k)
    for row in counts.values():
        row["p"] = row["exact"] / row["pred"] if row["pred"] else 0.0
        row["r"] = row["exact"] / row["gold"] if row["gold"] else 0.0
        row["po"] = row["pred_overlap"] / row["pred"] if row["pred"] else 0.0
        row["ro"] = row["gold_overlap"] / row["gold"] if row["gold"] else 0.0
        for f, p, r in (("f", "p", "r"), ("fo", "po", "ro")):
            row[f] = 2 * row[p] * row[r] / (row[p] + row[r]) if row[p] + row[r] else 0.0
    return counts


def errors(article: dict, gazetteer: Gazetteer | None = None) -> tuple[list[Span], list[Mention]]:
    """Predictions not exactly in the gold, and gold mentions not exactly predicted."""
    spans = recognise(article["text"], article["lang"], gazetteer)
    gold = set(article["mentions"])
    predicted = {(s.start, s.end, s.type) for s in spans}
    return [s for s in spans if (s.start, s.end, s.type) not in gold], sorted(gold - predicted)


def time_per_article(texts: list[tuple[str, str]], gazetteer: Gazetteer | None, repeat: int = 3) -> list[float]:
    """Best-of-`repeat` recognise() time in milliseconds for each (text, lang)."""
    times = []
    for text, lang in texts:
        best = float("inf")
        for _ in range(repeat):
            started = time.perf_counter()
            recognise(text, lang, gazetteer)
            best = min(best, time.perf_counter() - started)
        times.append(best * 1000)
    return times


def _timing_line(label: str, texts: list[tuple[str, str]], times: list[float]) -> str:
    chars = sum(len(text) for text, _ in texts)
    return (f"{label:<34} {len(texts):>4} articles  mean {statistics.mean(times):.3f} ms  "
            f"median {statistics.median(times):.3f} ms  max {max(times):.3f} ms  "
            f"{1000 * sum(times) / chars * 3:.3f} ms per 3,000 chars")


def _row_order(item: tuple[tuple[str, str], object]) -> tuple:
    (lang, kind), _ = item
    return lang == "all", lang, kind == "all", kind


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=GOLD)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--gazetteer", type=Path, default=ROOT / "corpus" / "entities.yaml")
    parser.add_argument("--errors", action="store_true", help="list false and missed finds per article")
    args = parser.parse_args(argv)
    articles = load_gold(args.gold)
    gazetteer = Gazetteer.load(args.gazetteer)
    for label, gaz in (("automatic only", None), (f"with gazetteer {args.gazetteer.name}", gazetteer)):
        counts = score(articles, gaz)
        print(f"\n== {label}: {len(articles)} articles, {int(counts[('all', 'all')]['gold'])} gold mentions")
        print(f"{'lang':<5}{'kind':<13}{'gold':>5}{'pred':>6}   {'P':>5}{'R':>6}{'F1':>6}"
              f"   {'P~':>5}{'R~':>6}{'F1~':>6}")
        for (lang, kind), row in sorted(counts.items(), key=_row_order):
            if row["gold"] or row["pred"]:
                print(f"{lang:<5}{kind:<13}{int(row['gold']):>5}{int(row['pred']):>6}"
                      f"   {row['p']:>5.2f}{row['r']:>6.2f}{row['f']:>6.2f}"
                      f"   {row['po']:>5.2f}{row['ro']:>6.2f}{row['fo']:>6.2f}")
    print("\n(P, R, F1: exact offsets and type; P~, R~, F1~: same type, overlapping offsets)")
    if args.errors:
        for article in articles:
            false, missed = errors(article)
            print(f"\n-- {article['docid']} ({article['lang']})")
            print("  false: " + "; ".join(f"{s.text!r}/{s.type}" for s in false))
            print("  missed: " + "; ".join(f"{article['text'][a:b]!r}/{k}" for a, b, k in missed))
    print()
    sample = [(article["text"], article["lang"]) for article in articles]
    print(_timing_line("gold sample, automatic only", sample, time_per_article(sample, None)))
    print(_timing_line("gold sample, with gazetteer", sample, time_per_article(sample, gazetteer)))
    for name, lang in SGML_LANGS.items():
        path = args.data / name
        if not path.exists():
            continue
        texts = [(text, lang) for text in read_sgml(path).values()]
        times = time_per_article(texts, gazetteer)
        print(_timing_line(name, texts, times) + f"  (whole file {sum(times):.0f} ms)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
