"""The CLI's subcommands: parse arguments, call the engine, print."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from reader.core.engine import Engine, IndexBusy
from reader.core.errors import ReaderError
from reader.core.text import safe_text
from reader.output import ProgressBar, write_hits, write_json


class UsageProblem(ReaderError):
    """Arguments that make no sense together."""





def open_engine(args: argparse.Namespace) -> Engine:
    """The engine for the corpus and index folders named on the command line."""
    from reader.cli import corpus_dir

    index = getattr(args, "index", None)
    engine = Engine(corpus_dir(args), Path(index) if index else None)
    return engine


def _tell(engine: Engine) -> None:
    for message in engine.messages:
        print(f"reader: {message}", file=sys.stderr)
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
            print(f"  skipped: {safe_text(line)}", file=sys.stderr)
        for line in report.warnings:
            print(f"  warning: {safe_text(line)}", file=sys.stderr)
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    """`reader search QUERY`: ranked hits; exit 1 when nothing is found."""
    engine = open_engine(args)
    engine.ensure_fresh()
    _tell(engine)
    results = engine.search(" ".join(args.query), limit=args.limit, lang=args.lang,
                            tag=args.tag, snippets=args.format != "paths")
    write_hits(results.hits, args.format)
    return 0 if results.total else 1


def cmd_show(args: argparse.Namespace) -> int:
    """`reader show ID`: the article as plain text."""
    engine = open_engine(args)
    engine.ensure_fresh()
    article = engine.article(args.id)
    details = " · ".join(filter(None, [article.id, article.lang, article.date, article.source,
                                       article.url, ", ".join(article.tags)]))
    sys.stdout.write(f"{safe_text(article.title)}\n{safe_text(details)}\n\n{safe_text(article.body)}\n")
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
    return 0 if found else 1


def cmd_tag(args: argparse.Namespace) -> int:
    """`reader tag ID… +TAG -TAG`: change tags in the sidecars, then the index, at once."""
    from reader.core.sidecars import normalise_tag, update_sidecar

    ids = [item for item in args.items if item[:1] not in "+-"]
    add = [normalise_tag(item[1:]) for item in args.items if item.startswith("+") and item[1:].strip()]
    remove = [normalise_tag(item[1:]) for item in args.items if item.startswith("-") and item[1:].strip()]
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
