"""Cross-language search on held-out translations (issue 18's protocol), tier by tier and fused.

Translated document pairs are sorted by document id. The even-numbered half goes into the corpus
whole (both sides: the corpus's own translations), plus English distractors; of the odd half only
one side goes in. The query is the two longest words of the missing side's title, searched with
`lang:` set to the present side's language; success@10 = the present side is in the top 10. Both
directions (en→xx with the xx side present, xx→en with the English side present).

Also measured: same-language known-item search (the two longest words of a present article's own
title find it first, with expansion, as a share of the articles it found first without), and the
in-process query time with expansion.

    python -m benchmarks.xlang_eval                       # newstest2014 fr-en and de-en
    python -m benchmarks.xlang_eval --pairs ru-en,cs-en --parallel DIR

`--parallel DIR` reads `DIR/<xx>-en.jsonl` (see `_load_parallel`).
Data come from $READER_NEWSTEST (default ../shared/data/newstest2014). Small sizes only.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks import newstest
from reader.core.engine import Engine
from reader.core.semantic import model
from reader.core.text import TOKEN_RE
from reader.core.translation.expansion import Expander

TIERS = ("as-typed", "gazetteer", "world", "script", "learned", "dictionary", "fused", "semantic", "with-sem")


def _load_pair(pair: str, parallel: Path | None) -> list[tuple[newstest.Document, newstest.Document]]:
    """(English document, other-language document) pairs with the same id, sorted by id."""
    other = pair.split("-")[0]
    if parallel is None or pair in ("fr-en", "de-en"):
        data = Path(os.environ.get("READER_NEWSTEST", "../shared/data/newstest2014"))
        english = {d.docid: d for d in newstest.load(pair, "en", data)}
        foreign = {d.docid: d for d in newstest.load(pair, other, data)}
    else:
        english, foreign = _load_parallel(parallel, pair)
    return [(english[i], foreign[i]) for i in sorted(english.keys() & foreign.keys())]


def _load_parallel(folder: Path, pair: str) -> tuple[dict, dict]:
    """The English and the other side of `folder/<pair>.jsonl` (see `newstest.load_parallel`)."""
    sides = newstest.load_parallel(folder, pair)
    return sides["en"], sides[pair.split("-")[0]]


def _key(title: str) -> str:
    return re.sub(r"\W", "", title.casefold())


def _query(title: str) -> str:
    """The two longest words of a title (first ones on ties), as a query."""
    words = [w for w in TOKEN_RE.findall(title) if not w.isdigit()]
    longest = sorted(range(len(words)), key=lambda i: (-len(words[i]), i))[:2]
    return " ".join(words[i] for i in sorted(longest))


def _write(folder: Path, name: str, doc: newstest.Document) -> str:
    path = folder / f"{name}.md"
    path.write_text(f"---\nlang: {doc.lang}\n---\n{doc.as_text()}", encoding="utf-8")
    return path.name


def _corpus(folder: Path, pairs, distractors, present: str) -> list[tuple[str, str, str]]:
    """Write the corpus for one direction; the (query, language, expected article id) cases."""
    cases = []
    for n, (english, foreign) in enumerate(pairs):
        if n % 2 == 0:
            _write(folder, f"even_{n}_en", english)
            _write(folder, f"even_{n}_{foreign.lang}", foreign)
        else:
            shown, missing = (foreign, english) if present != "en" else (english, foreign)
            article = _write(folder, f"odd_{n}_{shown.lang}", shown)
            cases.append((_query(missing.title), shown.lang, article))
    for n, doc in enumerate(distractors):
        _write(folder, f"distractor_{n}_en", doc)
    return cases


def _expanders(engine: Engine) -> dict[str, Expander | None]:
    """An expander per tier (and all together) over the engine's index."""
    from reader.core.translation.expanders import expander_for

    index = engine._require_index()
    fused = expander_for(engine, index)
    by_kind = {type(source).__name__: source for source in fused.sources}
    names = {"gazetteer": "GazetteerNames", "world": "PlaceNames", "script": "ScriptNames",
             "learned": "LexiconSource", "dictionary": "Dictionaries"}
    tiers: dict[str, Expander | None] = {"as-typed": None}
    for tier, kind in names.items():
        if kind in by_kind:
            tiers[tier] = Expander([by_kind[kind]], index.langs())
    tiers["fused"] = fused
    return tiers


def _search(engine: Engine, query: str, lang: str, expander: Expander | None, meaning=None) -> list[str]:
    index = engine._require_index()
    if expander is None and meaning is not None:  # the semantic tier alone
        return [article_id for article_id, _ in meaning(query, lambda i: index.stored(i).lang == lang, 10)]
    return [hit.id for hit in index.search(f"{query} lang:{lang}", limit=10, expander=expander,
                                           resolve_entity=engine._resolve_entity, meaning=meaning).hits]


def run_direction(pair: str, pairs, distractors, present: str) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="xlang-"))
    try:
        cases = _corpus(folder, pairs, distractors, present)
        engine = Engine(folder)
        started = time.perf_counter()
        engine.update()
        engine.learn_translations()  # as `reader index` does after its build
        build = time.perf_counter() - started
        tiers = _expanders(engine)
        meaning = None
        if model.available():
            started = time.perf_counter()
            report = engine.make_vectors()
            embed = report.articles / max(1e-9, time.perf_counter() - started)
            meaning = engine._meaning(False)
        result = {"pair": pair, "direction": f"en→{pair[:2]}" if present != "en" else f"{pair[:2]}→en",
                  "cases": len(cases), "build_s": round(build, 1),
                  "embed_per_s": round(embed, 1) if meaning else None}
        times = []
        runs = [(tier, expander, None) for tier, expander in tiers.items()]
        if meaning is not None:
            runs += [("semantic", None, meaning), ("with-sem", tiers["fused"], meaning)]
        for tier, expander, near in runs:
            found = 0
            for query, lang, expected in cases:
                started = time.perf_counter()
                hits = _search(engine, query, lang, expander, near)
                if tier == ("with-sem" if meaning is not None else "fused"):
                    times.append(time.perf_counter() - started)
                found += expected in hits
            result[tier] = round(found / max(1, len(cases)), 3)
        result["p95_ms"] = round(1000 * statistics.quantiles(times, n=20)[-1], 1) if len(times) > 1 else None
        result["known_item"] = _known_item(engine, tiers["fused"], meaning)
        engine.close()
        return result
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _known_item(engine: Engine, expander: Expander | None, meaning=None) -> float:
    """Of the articles whose two longest title words find them first as typed, the share still found
    first with expansion."""
    index = engine._require_index()
    kept = total = 0
    for article_id in engine.all_ids():
        stored = index.stored(article_id)
        query = _query(stored.title)
        if not query.strip():
            continue
        first = index.search(query, limit=1).hits
        if first and first[0].id == article_id:
            total += 1
            again = index.search(query, limit=1, expander=expander, meaning=meaning).hits
            kept += bool(again) and again[0].id == article_id
    return round(kept / max(1, total), 3)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", default="fr-en,de-en")
    parser.add_argument("--parallel", type=Path, default=None, help="folder of other parallel sets")
    parser.add_argument("--distractors", type=int, default=100, help="English distractor articles")
    args = parser.parse_args(argv)
    data = Path(os.environ.get("READER_NEWSTEST", "../shared/data/newstest2014"))
    pool = newstest.load("de-en", "en", data) + newstest.load("fr-en", "en", data)
    print("pair   direction  cases  " + "  ".join(f"{t:>10}" for t in TIERS) + "  known-item  p95 ms  embed/s")
    for pair in args.pairs.split(","):
        pairs = _load_pair(pair, args.parallel)
        titles = {_key(english.title) for english, _ in pairs}  # other sets reuse newstest's English
        distractors = [d for d in pool if _key(d.title) not in titles][:args.distractors]
        for present in (pair.split("-")[0], "en"):
            row = run_direction(pair, pairs, distractors, present)
            print(f"{row['pair']:<6} {row['direction']:<9} {row['cases']:>6}  "
                  + "  ".join(f"{row.get(t, float('nan')):>10.3f}" for t in TIERS)
                  + f"  {row['known_item']:>10.3f}  {row['p95_ms']}  {row['embed_per_s']}", flush=True)


if __name__ == "__main__":
    main()
