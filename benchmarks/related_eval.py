"""Evaluate the relatedness engine on newstest2014 translations and print its figures.

For each language pair (fr-en, de-en) the corpus holds the foreign articles, their English originals or
translations, and the English articles of the other pair as distractors. An English distractor with
the same docid as an article already in the corpus is the same article, so it is left out. For every
article we rank its true counterpart among all candidates of the other language (P@1, MRR), in both
directions, on full articles and on articles cut to the title and first five sentences.

    python benchmarks/related_eval.py [--data DIR] [--scale N]
    python benchmarks/related_eval.py --parallel DIR [--langs hi,ru,...] [--distractors N] [--no-lexicon]

`--parallel DIR` evaluates instead on document-level parallel data in any language and script: files
`<xx>-en.jsonl`, one record a line with `title_a`, `text_a` (language `lang_a`) and `title_b`, `text_b`
(English); the English sides of the other files are the distractors. Figures come per language and per
script family (the script most letters of the language's articles are written in).

`--scale N` also builds a synthetic corpus of N articles (sentences of newstest2014 recombined, numbers
varied) to time bulk indexing and related() at that size.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import random
import re
import sys
import tempfile
import time
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reader.core.related.align import align_paragraphs  # noqa: E402
from reader.core.related.features import clear_caches, extract_features  # noqa: E402
from reader.core.related.store import RelatedIndex, Translated  # noqa: E402
from reader.core.related.translated import translated_features  # noqa: E402
from reader.core.translation.lexicon import AnalystLexicon, LexiconSource, mutual_best, update_learned  # noqa: E402

DATA = Path(os.environ.get("READER_NEWSTEST", "../shared/data/newstest2014"))
PAIRS = {"fr": ("newstest2014-fren-ref.fr.sgm", "newstest2014-fren-src.en.sgm"),
         "de": ("newstest2014-deen-ref.de.sgm", "newstest2014-deen-src.en.sgm")}
SHORT_SENTENCES = 5
_DOC_RE = re.compile(r'<doc[^>]*docid="([^"]*)"[^>]*>(.*?)</doc>', re.S)
_SEG_RE = re.compile(r"<seg[^>]*>(.*?)</seg>", re.S)
_SENTENCE_RE = re.compile(r"(?<=[.!?\u0964\u061f\u06d4])\s+|(?<=[\u3002\uff01\uff1f])\s*|\n+")


def load_sgm(path: Path) -> dict[str, list[str]]:
    """docid -> segments (the first one is the title) of one newstest file."""
    text = path.read_text(encoding="utf-8")
    return {m.group(1): [html.unescape(s) for s in _SEG_RE.findall(m.group(2))] for m in _DOC_RE.finditer(text)}


def article(segments: list[str], short: bool) -> tuple[str, str]:
    """Title and body of an article, optionally cut to the title and the first five sentences."""
    body = segments[1 : 1 + SHORT_SENTENCES] if short else segments[1:]
    return segments[0], "\n".join(body)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def ranks(index: RelatedIndex, queries: list[str], counterpart: dict[str, str], lang: str,
          translated: Translated | None = None) -> list[float]:
    """Rank of each query's counterpart among the candidates in `lang` (inf when not listed)."""
    found = []
    for query in queries:
        ids = [relation.id for relation in index.related(query, limit=10_000, lang=lang, translated=translated)]
        found.append(ids.index(counterpart[query]) + 1 if counterpart[query] in ids else float("inf"))
    return found


def evaluate_pair(data: Path, foreign: str, short: bool, lexicon: bool = True) -> dict:
    """Build the newstest2014 corpus of one pair with distractors and measure it (see `evaluate`)."""
    other = "de" if foreign == "fr" else "fr"
    foreign_docs = load_sgm(data / PAIRS[foreign][0])
    english_docs = load_sgm(data / PAIRS[foreign][1])
    distractors = {k: v for k, v in load_sgm(data / PAIRS[other][1]).items() if k not in english_docs}
    corpus = [(f"{foreign}/{k}", foreign, *article(v, short)) for k, v in foreign_docs.items()]
    corpus += [(f"en/{k}", "en", *article(v, short)) for k, v in english_docs.items()]
    corpus += [(f"en/{k}", "en", *article(v, short)) for k, v in distractors.items()]
    return evaluate(corpus, {f"{foreign}/{k}": f"en/{k}" for k in foreign_docs}, foreign, len(distractors),
                    lexicon)


def evaluate(corpus: list[tuple[str, str, str, str]], pairs: dict[str, str], foreign: str,
             distractors: int, lexicon: bool = True) -> dict:
    """Index `corpus` (id, lang, title, body) and measure ranking, same-story links and latency. With
    `lexicon`, a lexicon is learned from the corpus's own translations as `reader index` learns it, and
    its translations are evidence too (see `related.translated`).

    `pairs` maps each `foreign` article to its English counterpart. P@1 and MRR rank the counterpart among
    the candidates of its language; `first` is the share of articles whose whole related list (every
    language, ordered by evidence) starts with the counterpart.
    """
    clear_caches()
    started = time.perf_counter()
    for _, lang, title, body in corpus:
        extract_features(title, body, lang)
    extract_ms = (time.perf_counter() - started) * 1000 / len(corpus)
    titles = {article_id: title for article_id, _, title, _ in corpus}
    counterpart = {**pairs, **{v: k for k, v in pairs.items()}}
    with tempfile.TemporaryDirectory() as directory:
        index = RelatedIndex(Path(directory))
        started = time.perf_counter()
        for article_id, lang, title, body in corpus:
            index.add(article_id, lang, title, body)
        index.commit()
        add_ms = (time.perf_counter() - started) * 1000 / len(corpus)
        translated = lexicon_evidence(index, corpus, Path(directory)) if lexicon else None
        forward = ranks(index, list(pairs), counterpart, "en", translated)
        backward = ranks(index, list(pairs.values()), counterpart, foreign, translated)
        latencies, links, first = [], set(), 0
        for article_id, _, _, _ in corpus:
            started = time.perf_counter()
            relations = index.related(article_id, translated=translated)
            latencies.append((time.perf_counter() - started) * 1000)
            links.update(tuple(sorted((article_id, r.id))) for r in relations if r.same_story)
            first += article_id in counterpart and bool(relations) and relations[0].id == counterpart[article_id]
        index.close()
    cross = [link for link in links if link[0].split("/")[0] != link[1].split("/")[0]]
    correct = sum(1 for a, b in cross if counterpart.get(a) == b)
    return {
        "articles": len(corpus), "pairs": len(pairs), "distractors": distractors,
        "p1_forward": sum(r == 1 for r in forward) / len(forward),
        "mrr_forward": sum(1 / r for r in forward) / len(forward),
        "p1_backward": sum(r == 1 for r in backward) / len(backward),
        "mrr_backward": sum(1 / r for r in backward) / len(backward),
        "first": first / (2 * len(pairs)),
        "story_links_cross": len(cross), "story_precision": correct / len(cross) if cross else 0.0,
        "story_recall": correct / len(pairs), "story_links_same_lang": len(links) - len(cross),
        "latency_p50_ms": percentile(latencies, 0.5), "latency_p95_ms": percentile(latencies, 0.95),
        "extract_ms": extract_ms, "add_ms": add_ms,
        "same_lang_links": sorted((titles[a], titles[b]) for a, b in links if (a, b) not in cross),
    }


def lexicon_evidence(index: RelatedIndex, corpus: list[tuple[str, str, str, str]], directory: Path) -> Translated:
    """Learn the lexicon from the corpus's same-story and mutual best pairs as `reader index` does, and
    return the related-article evidence its translations give (an article's translated stems, memoised)."""
    texts = {article_id: (lang, title, body) for article_id, lang, title, body in corpus}
    langs = index.languages()

    def best(article_id: str, lang: str) -> str | None:
        return next((relation.id for relation in index.related(article_id, limit=1, lang=lang)), None)

    learned = update_learned(
        directory, texts.get, lambda article_id: [r.id for r in index.related(article_id, limit=10) if r.same_story],
        list(texts), [], lambda article_id, lang: mutual_best(best, article_id, lang, langs))
    source = LexiconSource(learned, AnalystLexicon())
    memo: dict[str, tuple[dict[str, float], dict[str, str]]] = {}

    def translated(article_id: str) -> tuple[dict[str, float], dict[str, str]]:
        if article_id not in memo:
            lang, title, body = texts[article_id]
            others = [other for other in langs if other != lang]
            memo[article_id] = translated_features(title, body, lambda word: source.written(word, lang, others))
        return memo[article_id]

    return translated


def cut(title: str, text: str, short: bool) -> tuple[str, str]:
    """Title and body, optionally cut to the first five sentences (one a line)."""
    if not short:
        return title, text
    return title, "\n".join([s.strip() for s in _SENTENCE_RE.split(text) if s.strip()][:SHORT_SENTENCES])


def script_family(texts: list[str]) -> str:
    """The script most letters of `texts` are written in (Han, kana and Hangul are one family: CJK)."""
    found: Counter[str] = Counter()
    for text in texts:
        for char in text[:2000]:
            if char.isalpha():
                script = unicodedata.name(char, "UNKNOWN").split()[0]
                found["CJK" if script in {"CJK", "HIRAGANA", "KATAKANA", "HANGUL"} else script] += 1
    return found.most_common(1)[0][0].capitalize() if found else "?"


def parallel_corpus(directory: Path, foreign: str, short: bool, max_distractors: int, domains: set[str]):
    """Corpus, pairs, distractor count and script family of one `<foreign>-en.jsonl` file (documents of
    `domains` only, every domain when empty); distractors are English articles of the other files
    (never one of this file's documents)."""
    def read(path: Path) -> list[dict]:
        records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        return [record for record in records if not domains or record.get("domain") in domains]

    records = read(directory / f"{foreign}-en.jsonl")
    corpus, pairs = [], {}
    for n, record in enumerate(records):
        corpus.append((f"{foreign}/{n}", foreign, *cut(record["title_a"], record["text_a"], short)))
        corpus.append((f"en/{foreign}{n}", "en", *cut(record["title_b"], record["text_b"], short)))
        pairs[f"{foreign}/{n}"] = f"en/{foreign}{n}"
    docids = {record["docid"] for record in records}
    seen = {(record["title_b"], record["text_b"]) for record in records}
    pool = []
    for path in sorted(directory.glob("*-en.jsonl")):
        if path.name != f"{foreign}-en.jsonl":
            for record in read(path):
                if record["docid"] not in docids and (record["title_b"], record["text_b"]) not in seen:
                    seen.add((record["title_b"], record["text_b"]))
                    pool.append(record)
    pool = random.Random(11).sample(pool, min(max_distractors, len(pool)))
    corpus += [(f"en/d{n}", "en", *cut(r["title_b"], r["text_b"], short)) for n, r in enumerate(pool)]
    return corpus, pairs, len(pool), script_family([record["text_a"] for record in records[:50]])


def parallel_evaluation(directory: Path, langs: list[str], max_distractors: int, domains: set[str],
                        lexicon: bool = True) -> None:
    """Evaluate every language of a parallel folder; print its figures, then a table per language and
    per script family."""
    table: dict[tuple[str, str], dict] = {}
    families: dict[str, str] = {}
    for foreign in langs:
        for short in (False, True):
            corpus, pairs, distractors, family = parallel_corpus(directory, foreign, short, max_distractors,
                                                                 domains)
            families[foreign] = family
            figures = evaluate(corpus, pairs, foreign, distractors, lexicon)
            table[foreign, "short" if short else "full"] = figures
            report(f"{foreign} ({family})", short, figures)
    columns = ("p1_forward", "p1_backward", "mrr_forward", "mrr_backward", "first", "story_precision",
               "story_recall")
    print("\n| language | script | cut | pairs | P@1 xx→en | P@1 en→xx | MRR xx→en | MRR en→xx | first "
          "| same-story precision | recall |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for (foreign, kind), f in table.items():
        print(f"| {foreign} | {families[foreign]} | {kind} | {f['pairs']} | "
              + " | ".join(f"{f[c]:.3f}" for c in columns) + " |")
    pooled: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for (foreign, kind), f in table.items():
        pooled[families[foreign], kind].append(f)
    print("\n| script family | cut | languages | pairs | " + " | ".join(columns) + " |")
    print("|---|---|---|---|" + "---|" * len(columns))
    for (family, kind), rows in sorted(pooled.items()):
        total = sum(f["pairs"] for f in rows)
        means = [sum(f[c] * f["pairs"] for f in rows) / total for c in columns]
        print(f"| {family} | {kind} | {len(rows)} | {total} | " + " | ".join(f"{m:.3f}" for m in means) + " |")


def report(foreign: str, short: bool, figures: dict[str, float]) -> None:
    f = figures
    cold = "features (cold cache)"
    print(f"{foreign}-en {'short' if short else 'full '}: {f['articles']} articles ({f['pairs']} pairs, "
          f"{f['distractors']} distractors)")
    print(f"  {foreign}->en P@1 {f['p1_forward']:.3f} MRR {f['mrr_forward']:.3f}   "
          f"en->{foreign} P@1 {f['p1_backward']:.3f} MRR {f['mrr_backward']:.3f}   "
          f"first in the whole list {f['first']:.3f}")
    print(f"  same story: {f['story_links_cross']} cross-language links, precision {f['story_precision']:.3f}, "
          f"recall {f['story_recall']:.3f}; {f['story_links_same_lang']} same-language links")
    print(f"  related() p50 {f['latency_p50_ms']:.1f} ms p95 {f['latency_p95_ms']:.1f} ms; "
          f"{cold} {f['extract_ms']:.2f} ms/article; add {f['add_ms']:.2f} ms/article")
    for left, right in f["same_lang_links"]:
        print(f"    same-language story: {left[:60]!r} ~ {right[:60]!r}")


def alignment_accuracy(data: Path, foreign: str, drop_every: int) -> float:
    """Share of foreign sentences aligned right when sentences stand for paragraphs.

    Every `drop_every`-th English sentence is removed (0: none), so its foreign one must get a gap row.
    """
    foreign_docs = load_sgm(data / PAIRS[foreign][0])
    english_docs = load_sgm(data / PAIRS[foreign][1])
    correct = total = 0
    for docid, segments in foreign_docs.items():
        kept = [n for n in range(len(english_docs[docid])) if not drop_every or n % drop_every != drop_every // 2]
        rows = align_paragraphs(segments, [english_docs[docid][n] for n in kept])
        for left, right in rows:
            if left is not None:
                total += 1
                correct += kept[right] == left if right is not None else left not in kept
    return correct / total


def synthetic_articles(data: Path, count: int, seed: int = 7):
    """Yield `count` articles recombined from newstest2014 sentences, numbers varied to keep them apart."""
    pools = {}
    for foreign, files in PAIRS.items():
        for name, lang in zip(files, (foreign, "en")):
            pools.setdefault(lang, []).extend(s for doc in load_sgm(data / name).values() for s in doc)
    rng = random.Random(seed)
    langs = sorted(pools)
    for number in range(count):
        lang = langs[number % len(langs)]
        pool = pools[lang]
        sentences = [pool[rng.randrange(len(pool))] for _ in range(rng.randint(8, 30))]
        text = re.sub(
            r"\d+", lambda m: str(rng.randrange(10, 100_000)) if rng.random() < 0.5 else m.group(), "\n".join(sentences)
        )
        yield f"synthetic/{number}", lang, sentences[0], text


def scale_benchmark(data: Path, count: int, commit_every: int = 0) -> None:
    """Time bulk indexing and related() on `count` synthetic articles."""
    articles = list(synthetic_articles(data, count))
    clear_caches()
    started = time.perf_counter()
    for _, lang, title, text in articles:
        extract_features(title, text, lang)
    extract_ms = (time.perf_counter() - started) * 1000 / count
    with tempfile.TemporaryDirectory() as directory:
        index = RelatedIndex(Path(directory))
        started = time.perf_counter()
        for number, (article_id, lang, title, text) in enumerate(articles, 1):
            index.add(article_id, lang, title, text)
            if commit_every and number % commit_every == 0:
                index.commit()
        index.commit()
        add_ms = (time.perf_counter() - started) * 1000 / count
        rng = random.Random(3)
        latencies = []
        for article_id, _, _, _ in rng.sample(articles, 200):
            started = time.perf_counter()
            index.related(article_id)
            latencies.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        for article_id, lang, title, text in articles[:100]:
            index.remove(article_id)
            index.add(article_id, lang, title, text)
            index.commit()
        update_ms = (time.perf_counter() - started) * 1000 / 100
        index.close()
        size_mb = sum(p.stat().st_size for p in Path(directory).iterdir()) / 1e6
    print(f"scale {count}: features {extract_ms:.2f} ms/article; add+commit {add_ms:.2f} ms/article "
          f"(commit every {commit_every or count}); {size_mb:.0f} MB after close; "
          f"remove+add+commit {update_ms:.1f} ms/article")
    print(f"  related() p50 {percentile(latencies, 0.5):.1f} ms p95 {percentile(latencies, 0.95):.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--parallel", type=Path, help="evaluate on <xx>-en.jsonl parallel files in this folder")
    parser.add_argument("--langs", help="languages of --parallel to evaluate (default: every file)")
    parser.add_argument("--distractors", type=int, default=1000, help="English distractors with --parallel")
    parser.add_argument("--domains", default="news",
                        help="documents of these domains (comma-separated; 'all' for every one) with --parallel")
    parser.add_argument("--scale", type=int, default=0, help="also time a synthetic corpus of N articles")
    parser.add_argument("--no-lexicon", action="store_true", help="relate without the learned lexicon's evidence")
    parser.add_argument("--commit-every", type=int, default=0, help="commit every N articles in --scale")
    args = parser.parse_args()
    if args.parallel:
        langs = args.langs.split(",") if args.langs else sorted(
            p.name.split("-")[0] for p in args.parallel.glob("*-en.jsonl"))
        domains = set() if args.domains == "all" else set(args.domains.split(","))
        parallel_evaluation(args.parallel, langs, args.distractors, domains, not args.no_lexicon)
        return
    for short in (False, True):
        for foreign in PAIRS:
            report(foreign, short, evaluate_pair(args.data, foreign, short, not args.no_lexicon))
    for foreign in PAIRS:
        print(f"{foreign}-en paragraph alignment (sentences as paragraphs): "
              f"{alignment_accuracy(args.data, foreign, 0):.3f} all kept, "
              f"{alignment_accuracy(args.data, foreign, 7):.3f} with every 7th English one removed")
    if args.scale:
        scale_benchmark(args.data, args.scale, args.commit_every)


if __name__ == "__main__":
    main()
