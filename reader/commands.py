"""The CLI's subcommands: parse arguments, call the engine, print."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from reader.core.engine import Engine, IndexBusy, SearchResults
from reader.core.errors import ReaderError
from reader.core.text import one_line, safe_text
from reader.output import ProgressBar, export_row, write_export, write_hits, write_json


class UsageProblem(ReaderError):
    """Arguments that make no sense together."""


def open_engine(args: argparse.Namespace) -> Engine:
    """The engine for the corpus and index folders named on the command line."""
    from reader.cli import corpus_dir

    index, data = getattr(args, "index", None), getattr(args, "data", None)
    engine = Engine(corpus_dir(args), Path(index) if index else None, Path(data) if data else None)
    _tell(engine)  # where the analyst's files of a read-only corpus go, the first time
    return engine


def _tell(engine: Engine) -> None:
    for message in engine.messages:  # they name files and values from the corpus
        print(f"reader: {one_line(safe_text(message))}", file=sys.stderr)
    engine.messages.clear()


def cmd_index(args: argparse.Namespace) -> int:
    """`reader index`: build or update the index, with a progress bar on a terminal."""
    engine = open_engine(args)
    bar = ProgressBar()
    try:
        report = engine.update(rebuild=args.rebuild, wait=False, progress=bar)
    except IndexBusy:
        print("reader: another process is updating the index; waiting for it…", file=sys.stderr)
        report = engine.update(rebuild=args.rebuild, wait=True, progress=bar)
    bar.finish()
    _tell(engine)
    if report.rebuilt:
        print(f"reader: rebuilt the index ({report.rebuilt})", file=sys.stderr)
    print(f"Indexed {report.total - len(report.skipped):,} articles in {report.seconds:.1f} s: "
          f"{report.added:,} added, {report.changed:,} changed, {report.removed:,} removed.", file=sys.stderr)
    if report.skipped:
        print(f"{len(report.skipped):,} files skipped"
              + ("" if args.verbose else " (--verbose lists them)") + ".", file=sys.stderr)
    if report.warnings:
        print(f"{len(report.warnings):,} warnings" + ("" if args.verbose else " (--verbose lists them)")
              + ".", file=sys.stderr)
    if args.verbose:
        for line in report.skipped:
            print(f"  skipped: {one_line(safe_text(line))}", file=sys.stderr)
        for line in report.warnings:
            print(f"  warning: {one_line(safe_text(line))}", file=sys.stderr)
    return 0


def _search_query(args: argparse.Namespace) -> str:
    """The query of `reader search`: the words given, or the saved search `@name` stands for."""
    from reader.core.saved import resolve_saved

    from reader.cli import corpus_dir

    text = " ".join(args.query)
    saved = resolve_saved(text, corpus=corpus_dir(args))
    return saved[1] if saved else text


def _new_ids(engine: Engine, since) -> set[str]:
    from reader.core.batch import first_seen

    return {article_id for article_id, when in first_seen(engine.index_dir).items() if when >= since}


def _run_query(engine: Engine, args: argparse.Namespace, query: str, new_ids: set[str] | None):
    """Hits of one query with the command's filters; only articles in `new_ids` when it is given."""
    snippets = args.format != "paths"
    if new_ids is None:
        return engine.search(query, limit=args.limit, lang=args.lang, tag=args.tag, snippets=snippets,
                             sort=args.sort)
    results = engine.search(query, limit=None, lang=args.lang, tag=args.tag, snippets=False, sort=args.sort)
    hits = [hit for hit in results.hits if hit.id in new_ids]
    for hit in hits[:args.limit] if snippets else []:
        hit.snippet = engine.snippet(hit.id, hit.lang, results.terms, hit.title)
    return SearchResults(len(hits), hits[:args.limit], results.terms)


def cmd_search(args: argparse.Namespace) -> int:
    """`reader search QUERY|@name` or `--batch FILE`: ranked hits; exit 1 when nothing is found."""
    from reader.core.batch import parse_since

    if bool(args.query) == bool(args.batch):
        raise UsageProblem("usage: reader search QUERY (or @saved-name), or reader search --batch FILE")
    if args.batch:
        return _search_batch(args)
    if args.new_since == "last":
        raise UsageProblem("--new-since last needs --batch FILE (it means: since that batch last ran)")
    args.format = args.format or "text"
    if args.facets and args.format in ("csv", "paths"):
        raise UsageProblem("--facets works with --format text, json, jsonl and md")
    since = parse_since(args.new_since) if args.new_since else None
    engine = open_engine(args)  # first: it knows where the corpus's saved searches are
    query = _search_query(args)
    engine.ensure_fresh()
    try:
        results = _run_query(engine, args, query, _new_ids(engine, since) if since else None)
        facets = engine.facets(query, lang=args.lang, tag=args.tag) if args.facets else None
    finally:
        _tell(engine)  # the first search is what finds (and rebuilds) a damaged index
    if since and facets is not None:
        raise UsageProblem("--facets and --new-since cannot be combined")
    _write_results(engine, results, args.format, facets)
    return 0 if results.total else 1


def _write_results(engine: Engine, results: SearchResults, fmt: str, facets: dict | None) -> None:
    from reader.output import facet_record, hit_record, write_facets_text

    if fmt in ("csv", "md"):
        write_export([export_row(hit, engine.notes(hit.id)) for hit in results.hits], fmt)
        if facets is not None:
            write_facets_text(facets, results.total)
    elif facets is not None and fmt == "json":
        write_json({"total": results.total, "hits": [hit_record(h) for h in results.hits],
                    "facets": facet_record(facets)})
    else:
        write_hits(results.hits, fmt)
        if facets is not None and fmt == "jsonl":
            write_json([{"total": results.total, "facets": facet_record(facets)}], lines=True)
        elif facets is not None:
            write_facets_text(facets, results.total)


def _search_batch(args: argparse.Namespace) -> int:
    """`reader search --batch FILE`: every query of the file, one JSON hit record per line."""
    from reader.core.batch import last_run, now_utc, parse_since, read_batch, record_run
    from reader.output import hit_record

    if (args.format or "jsonl") != "jsonl" or args.facets:
        raise UsageProblem("--batch prints JSONL (--format jsonl); --facets does not apply")
    args.format = "jsonl"
    queries = read_batch(Path(args.batch))
    engine = open_engine(args)
    engine.ensure_fresh()
    _tell(engine)
    started = now_utc()  # articles indexed after this are new for the next run
    since = None
    if args.new_since == "last":
        since = last_run(engine.index_dir, Path(args.batch))
    elif args.new_since:
        since = parse_since(args.new_since)
    new_ids = _new_ids(engine, since) if since else None
    found = False
    for item in queries:
        try:
            results = _run_query(engine, args, item.query, new_ids)
        except ReaderError as exc:
            raise UsageProblem(f"batch query '{safe_text(item.name)}': {exc}") from None
        finally:
            _tell(engine)
        found = found or bool(results.hits)
        write_json([{**hit_record(hit), "query_name": safe_text(item.name), "query": safe_text(item.query)}
                    for hit in results.hits], lines=True)
    record_run(engine.index_dir, Path(args.batch), started)
    return 0 if found else 1


def cmd_save(args: argparse.Namespace) -> int:
    """`reader save NAME QUERY`: save a search for `reader search @NAME`."""
    from reader.cli import corpus_dir
    from reader.core.saved import save_search, saved_searches_path

    corpus = corpus_dir(args)
    if corpus.is_dir():  # a corpus with a data folder keeps its own saved searches there
        open_engine(args)
    save_search(args.name, " ".join(args.query), corpus=corpus)
    print(f"saved @{args.name.lstrip('@')} in {saved_searches_path(corpus)}", file=sys.stderr)
    return 0


def cmd_story(args: argparse.Namespace) -> int:
    """`reader story ID`: the article's story (translations, rewrites) in date order, undated last."""
    from reader.core.story import story_timeline

    engine = open_engine(args)
    engine.ensure_fresh()
    _tell(engine)
    article_id = engine.resolve_id(args.id)
    rows = [{key: safe_text(value) if isinstance(value, str) else value for key, value in row.items()}
            for row in story_timeline(engine, article_id)]
    if args.format == "json":
        write_json({"id": safe_text(article_id), "story": rows})
    else:
        for row in rows:
            mark = "*" if row["id"] == safe_text(article_id) else " "
            print(f"{mark} {row['date'] or '(undated)':<10}  {row['lang']:<3}  {row['source'] or '-'}  "
                  f"{row['id']}  {row['title']}")
    return 0 if len(rows) > 1 else 1


def cmd_show(args: argparse.Namespace) -> int:
    """`reader show ID`: the article as plain text."""
    engine = open_engine(args)
    engine.ensure_fresh()
    article = engine.article(args.id)
    details = " · ".join(filter(None, [article.id, article.lang, article.date, article.source,
                                       article.url, ", ".join(article.tags)]))
    sys.stdout.write(f"{safe_text(article.title)}\n{safe_text(details)}\n\n{safe_text(article.body)}\n")
    if article.sidecar_error:  # its tags and notes are not shown until the file is mended
        engine.messages.append(article.sidecar_error)
    _tell(engine)
    return 0


def cmd_entities(args: argparse.Namespace) -> int:
    """`reader entities ID`: text, type, canonical id, count and source of each entity, most frequent first."""
    from reader.core.entities import summarise

    engine = open_engine(args)
    engine.ensure_fresh()
    _tell(engine)
    if engine.gazetteer_error():
        print(f"reader: {engine.gazetteer_error()}", file=sys.stderr)
    rows = summarise(engine.entities(engine.article(args.id)))
    rows = [{**row, "text": safe_text(row["text"])} for row in rows]
    if args.format == "json":
        write_json(rows)
    else:
        width = max((len(row["text"]) for row in rows), default=4)
        id_width = max((len(row["id"] or "-") for row in rows), default=2)
        for row in rows:
            print(f"{row['text']:<{width}}  {row['type']:<12}  {row['id'] or '-':<{id_width}}  "
                  f"{row['count']:>4}  {row['source']}")
    return 0 if rows else 1


def cmd_related(args: argparse.Namespace) -> int:
    """`reader related ID… | --all`: one record per article with its related list, best first."""
    if bool(args.ids) == bool(args.all):
        raise UsageProblem("usage: reader related ID… or reader related --all")
    engine = open_engine(args)
    engine.ensure_fresh()
    _tell(engine)
    ids = engine.all_ids() if args.all else [engine.resolve_id(i) for i in args.ids]
    found = False
    for article_id in ids:
        stored = engine.stored(article_id)
        relations = engine.related(article_id, limit=args.limit, lang=args.lang)
        found = found or bool(relations)
        record = {"id": safe_text(article_id), "lang": stored.lang if stored else "",
                  "related": [{"id": safe_text(r.id), "title": safe_text(r.title), "lang": r.lang,
                               "score": round(r.score, 4), "reasons": [safe_text(x) for x in r.reasons],
                               "same_story": r.same_story} for r in relations]}
        if args.format == "jsonl":
            write_json([record], lines=True)
        elif args.format == "json":
            write_json(record)
        else:
            title = safe_text(stored.title) if stored else ""
            print(f"{record['id']} · {record['lang']} · {title}")
            for item in record["related"]:
                story = "  [same story]" if item["same_story"] else ""
                print(f"  {item['score']:.3f}  {item['lang']}  {item['id']}  {item['title']}{story}")
                for reason in item["reasons"]:
                    print(f"         {reason}")
            print()
    _tell(engine)  # a damaged relatedness store is found (and refilled) by the first related list
    return 0 if found else 1


def cmd_tag(args: argparse.Namespace) -> int:
    """`reader tag ID… +TAG -TAG`: change tags in the sidecars, then the index, at once."""
    from reader.core.sidecars import normalise_tag, update_sidecar

    ids = [item for item in args.items if item[:1] not in "+-"]
    try:
        add = [normalise_tag(item[1:]) for item in args.items if item.startswith("+") and item[1:].strip()]
        remove = [normalise_tag(item[1:]) for item in args.items if item.startswith("-") and item[1:].strip()]
    except ValueError as exc:  # a tag with control characters
        raise UsageProblem(str(exc)) from None
    if not ids or not (add or remove):
        raise UsageProblem("usage: reader tag ID… +TAG -TAG (at least one id and one +tag or -tag)")
    engine = open_engine(args)
    engine.ensure_fresh()
    resolved = [engine.resolve_id(i) for i in ids]
    for article_id in resolved:
        data = update_sidecar(engine.corpus / article_id, add_tags=add, remove_tags=remove)
        print(f"{safe_text(article_id)}: {', '.join(safe_text(t) for t in data.get('tags') or []) or '(no tags)'}")
    engine.reindex(resolved)
    return 0


def cmd_tags(args: argparse.Namespace) -> int:
    """`reader tags`: every tag with its article count, most used first."""
    engine = open_engine(args)
    engine.ensure_fresh()
    counts = sorted(engine.tag_counts().items(), key=lambda item: (-item[1], item[0]))
    if args.format == "json":
        write_json([{"tag": tag, "count": count} for tag, count in counts])
    else:
        for tag, count in counts:
            print(f"{count:6d}  {safe_text(tag)}")
    return 0 if counts else 1


def run_tui(args: argparse.Namespace) -> int:
    """`reader` without a subcommand: the interactive app (needs a terminal)."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()) or os.environ.get("TERM") in ("dumb", None, ""):
        print("reader: the interactive reader needs a terminal; for scripts use `reader search QUERY`",
              file=sys.stderr)
        return 2
    from reader.ui.app import run_app

    return run_app(args)
