"""The CLI's subcommands: parse arguments, call the engine, print."""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import replace
from pathlib import Path

from reader.core.engine import Engine, IndexBusy, SearchResults
from reader.core.errors import ReaderError
from reader.core.related.store import translation_note
from reader.core.text import one_line, safe_text
from reader.output import ProgressBar, export_row, write_export, write_hits, write_json

SKIPPED_SHOWN = 20  # files not indexed listed by `reader index` without --verbose


class UsageProblem(ReaderError):
    """Arguments that make no sense together."""


def corpus_dir(args: argparse.Namespace) -> Path:
    """The corpus folder: --corpus, else $READER_CORPUS, else ./corpus."""
    return Path(getattr(args, "corpus", None) or os.environ.get("READER_CORPUS") or "corpus")


def index_dir(args: argparse.Namespace) -> Path | None:
    """The index folder given with --index (None: the engine's default)."""
    index = getattr(args, "index", None)
    return Path(index) if index else None


def open_engine(args: argparse.Namespace) -> Engine:
    """The engine for the corpus and index folders named on the command line."""
    data = getattr(args, "data", None)
    engine = Engine(corpus_dir(args), index_dir(args), Path(data) if data else None)
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
        report = engine.update(rebuild=args.rebuild, wait=False, progress=bar, quick=args.quick)
    except IndexBusy:
        print("reader: another process is updating the index; waiting for it…", file=sys.stderr)
        report = engine.update(rebuild=args.rebuild, wait=True, progress=bar, quick=args.quick)
    bar.finish()
    _read_dictionaries(engine, args.dictionaries)
    _tell(engine)
    if args.format == "json":
        write_json({"articles": report.total - len(report.skipped), "added": report.added,
                    "changed": report.changed, "removed": report.removed, "seconds": round(report.seconds, 3),
                    "rebuilt": report.rebuilt, "skipped": [{"name": safe_text(item.name), "reason": safe_text(
                        item.reason)} for item in report.skipped],
                    "warnings": [safe_text(line) for line in report.warnings],
                    "moved": [{"from": safe_text(a), "to": safe_text(b)} for a, b in report.moved],
                    "ambiguous": [safe_text(line) for line in report.ambiguous],
                    "orphans": [safe_text(i + ".yaml") for i in report.orphans]})
    if report.rebuilt:
        print(f"reader: rebuilt the index ({report.rebuilt})", file=sys.stderr)
    print(f"Indexed {report.total - len(report.skipped):,} articles in {report.seconds:.1f} s: "
          f"{report.added:,} added, {report.changed:,} changed, {report.removed:,} removed.", file=sys.stderr)
    shown = report.skipped if args.verbose else report.skipped[:SKIPPED_SHOWN]
    if report.skipped:  # never in silence: each by name and reason
        print(f"{len(report.skipped):,} files not indexed:", file=sys.stderr)
    for line in shown:
        print(f"  skipped: {one_line(safe_text(line))}", file=sys.stderr)
    if len(shown) < len(report.skipped):
        print(f"  … and {len(report.skipped) - len(shown):,} more (--verbose lists them).", file=sys.stderr)
    if report.warnings:
        print(f"{len(report.warnings):,} warnings" + ("" if args.verbose else " (--verbose lists them)")
              + ".", file=sys.stderr)
    if args.verbose:
        for line in report.warnings:
            print(f"  warning: {one_line(safe_text(line))}", file=sys.stderr)
    _tell_renames(report)
    _merge_segments(engine, args.optimize, report.seconds)
    _learn_translations(engine)
    if not args.no_vectors:
        _make_vectors(engine)
    return 0


def _read_dictionaries(engine: Engine, asked: bool) -> None:
    """With `--dictionaries`, compile the installed bilingual dictionaries for cross-language search;
    without, say when some are installed but not read yet."""
    if asked:
        print(f"reader: {_dictionaries(engine.read_dictionaries())} ready for cross-language search", file=sys.stderr)
    elif unread := engine.dictionaries_not_read():
        names = ", ".join(map(safe_text, unread))
        print(f"reader: {_dictionaries(len(unread), 'installed ')} not read yet ({one_line(names)}); "
              "`reader index --dictionaries` reads them for cross-language search", file=sys.stderr)


def _dictionaries(count: int, kind: str = "") -> str:
    return f"{count} {kind}dictionar{'y' if count == 1 else 'ies'}"


def _learn_translations(engine: Engine) -> None:
    """After `reader index`: learn word translations from the articles the update brought (searches go on)."""
    pending = engine.learning_pending()
    if not pending:
        return
    print(f"reader: learning translations from {pending:,} changed articles…", file=sys.stderr)
    report = engine.learn_translations()
    if report.busy:
        print("reader: another process is learning translations; left to it", file=sys.stderr)
    else:
        print(f"Learned translations in {report.seconds:.1f} s.", file=sys.stderr)


def _make_vectors(engine: Engine) -> None:
    """After `reader index`, with the semantic extra installed: embed the articles that have no vector."""
    wanted = engine.vectors_wanted()
    if not wanted:
        return
    print(f"reader: computing meaning vectors of {wanted:,} articles…", file=sys.stderr)
    bar = ProgressBar()
    report = engine.make_vectors(progress=bar)
    bar.finish()
    if report.busy:
        print("reader: another process is computing meaning vectors; left to it", file=sys.stderr)
    else:
        print(f"Computed {report.articles:,} meaning vectors in {report.seconds:.1f} s "
              f"({report.articles / max(report.seconds, 1e-9):.0f} articles/s).", file=sys.stderr)


def _merge_segments(engine: Engine, optimize: bool, updating: float) -> None:
    """After `reader index`: merge segments as the policy wants (docs/index-segments.md), each merge taking
    at most as long as the update did (`updating` seconds; 2 s at least), or all into one."""
    if optimize:
        cost = engine.optimize_estimate()
        if cost.segments > 1:
            print(f"reader: merging {cost.segments} segments ({cost.articles:,} articles, "
                  f"{cost.bytes / 2**20:,.0f} MiB)"
                  f" into one: about {_duration(cost.seconds)}", file=sys.stderr)
    bar = ProgressBar(label="Merging", unit="steps")
    report = engine.maintain(optimize=optimize, progress=bar, budget=updating)
    bar.finish()
    if report.busy:
        print("reader: another process is merging the index's segments; left to it", file=sys.stderr)
    elif report.merges:
        print(f"Merged {sum(report.merges):,} segments into {len(report.merges)} in {report.seconds:.1f} s: "
              f"{report.segments_after} segments (were {report.segments_before}).", file=sys.stderr)
    if report.arrays_written:
        count = report.arrays_written
        print(f"Wrote the posting arrays of {count:,} segment{'s' * (count != 1)} of an earlier version.",
              file=sys.stderr)
    if report.left is not None:
        print(f"reader: a merge of {report.left.segments} segments (about {_duration(report.left.seconds)}) is "
              "left to the app when idle, or to `reader index --optimize`", file=sys.stderr)


def _duration(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 90 else f"{seconds / 60:.0f} min"


def _tell_renames(report) -> None:
    """Sidecars that followed their article, renames not guessed, and sidecars left without an article."""
    for old, new in report.moved:
        print(f"reader: {safe_text(old)} is now {safe_text(new)}: its sidecar moved with it", file=sys.stderr)
    for line in report.ambiguous:
        print(f"reader: {one_line(safe_text(line))}", file=sys.stderr)
    if report.orphans:
        shown = ", ".join(safe_text(i + ".yaml") for i in report.orphans[:10])
        more = f" and {len(report.orphans) - 10:,} more" if len(report.orphans) > 10 else ""
        count = f"{len(report.orphans):,} sidecar" + ("s" if len(report.orphans) > 1 else "")
        print(f"reader: {count} without their article (tags and notes kept; "
              f"`reader orphans` lists them, re-attaches or archives one): {one_line(shown)}{more}", file=sys.stderr)


def cmd_orphans(args: argparse.Namespace) -> int:
    """`reader orphans [--attach ORPHAN ARTICLE | --archive ORPHAN]`: sidecars whose article is gone."""
    engine = open_engine(args)
    if args.attach:
        article_id = engine.attach_orphan(*args.attach)
        print(f"reader: {safe_text(args.attach[0])} now belongs to {safe_text(article_id)}", file=sys.stderr)
        return 0
    if args.archive:
        where = engine.archive_orphan(args.archive)
        print(f"reader: {safe_text(args.archive)} archived as {safe_text(str(where))}", file=sys.stderr)
        return 0
    rows = [{key: [safe_text(t) for t in value] if isinstance(value, list) else safe_text(value)
             for key, value in row.items()} for row in engine.orphans()]
    if args.format == "json":
        write_json(rows)
    else:
        for row in rows:
            tags = ", ".join(row["tags"]) or "(no tags)"
            print(f"{row['sidecar']}  {tags}  {one_line(row['notes'])}".rstrip())
    return 0 if rows else 1


def _search_query(args: argparse.Namespace) -> str:
    """The query of `reader search`: the words given, or the saved search `@name` stands for."""
    from reader.core.userdata.saved import resolve_saved, saved_searches_path

    text = " ".join(args.query)
    saved = resolve_saved(text, saved_searches_path(corpus_dir(args)))
    return saved[1] if saved else text


def _new_ids(engine: Engine, since) -> set[str]:
    from reader.core.userdata.batch import first_seen

    return {article_id for article_id, when in first_seen(engine.index_dir).items() if when >= since}


def _run_query(engine: Engine, args: argparse.Namespace, query: str, new_ids: set[str] | None):
    """Hits of one query with the command's filters; only articles in `new_ids` when it is given."""
    snippets = args.format != "paths"
    if new_ids is None:
        return engine.search(query, limit=args.limit, lang=args.lang, tag=args.tag, snippets=snippets,
                             sort=args.sort, as_typed=args.as_typed or None)
    results = engine.search(query, limit=None, lang=args.lang, tag=args.tag, snippets=False, sort=args.sort,
                            as_typed=args.as_typed or None)
    hits = [hit for hit in results.hits if hit.id in new_ids]
    for hit in hits[:args.limit] if snippets else []:
        hit.snippet, hit.matched = engine.excerpt(hit.id, hit.lang, results.terms, hit.title, results.via)
    return replace(results, total=len(hits), hits=hits[:args.limit])


def cmd_search(args: argparse.Namespace) -> int:
    """`reader search QUERY|@name` or `--batch FILE`: ranked hits; exit 1 when nothing is found."""
    from reader.core.userdata.batch import parse_since

    if bool(args.query) == bool(args.batch):
        raise UsageProblem("usage: reader search QUERY (or @saved-name), or reader search --batch FILE")
    if args.batch:
        return _search_batch(args)
    if args.new_since == "last":
        raise UsageProblem("--new-since last needs --batch FILE (it means: since that batch last ran)")
    args.format = args.format or "text"
    since = parse_since(args.new_since) if args.new_since else None
    if since and args.facets:
        raise UsageProblem("--facets and --new-since cannot be combined")
    engine = open_engine(args)  # first: it knows where the corpus's saved searches are
    query = _search_query(args)
    engine.ensure_fresh()
    try:
        results = _run_query(engine, args, query, _new_ids(engine, since) if since else None)
        if args.with_stories:
            terms = results.terms if args.format != "paths" else None
            results = replace(results, hits=engine.with_stories(results.hits, terms=terms))
        facets = (engine.facets(query, lang=args.lang, tag=args.tag, as_typed=args.as_typed or None)
                  if args.facets else None)
    finally:
        _tell(engine)  # the first search is what finds (and rebuilds) a damaged index
    _write_results(engine, results, args.format)
    _note_unshown(results)
    if facets is not None:
        _write_facets(facets, results.total, args.format)
    return 0 if results.total else 1


def _note_unshown(results: SearchResults, query_name: str = "") -> None:
    """Say on stderr how many matching articles the limit left out (stdout stays as it is)."""
    unshown = (results.total or 0) - len(results.hits)
    if unshown > 0:
        where = f"batch query '{safe_text(query_name)}': " if query_name else ""
        print(f"reader: {where}{unshown:,} more hits not shown (of {results.total:,}; --limit 0 shows all)",
              file=sys.stderr)


def _write_results(engine: Engine, results: SearchResults, fmt: str) -> None:
    if fmt in ("csv", "md"):
        write_export([export_row(hit, engine.notes(hit.id)) for hit in results.hits], fmt)
    else:
        write_hits(results.hits, fmt)


def _write_facets(facets: dict, total: int | None, fmt: str) -> None:
    """Facet counts on stderr: one JSON object for json and jsonl, else the text block."""
    from reader.output import facet_record, write_facets_text

    if fmt in ("json", "jsonl"):
        write_json([{"total": total, "facets": facet_record(facets)}], sys.stderr, lines=True)
    else:
        write_facets_text(facets, total or 0, sys.stderr)


def _search_batch(args: argparse.Namespace) -> int:
    """`reader search --batch FILE`: every query of the file, one JSON hit record per line."""
    from reader.core.userdata.batch import last_run, now_utc, parse_since, read_batch, record_run
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
        _note_unshown(results, item.name)
        write_json([{**hit_record(hit), "query_name": safe_text(item.name), "query": safe_text(item.query)}
                    for hit in results.hits], lines=True)
    record_run(engine.index_dir, Path(args.batch), started)
    return 0 if found else 1


def cmd_lexicon(args: argparse.Namespace) -> int:
    """`reader lexicon WORD`: its translations with their evidence; `--add`/`--forbid` edit lexicon.yaml."""
    engine = open_engine(args)
    change = args.add or args.forbid
    if change:
        if not args.lang or (args.add and args.forbid):
            raise UsageProblem("--add or --forbid needs --lang L (one of them at a time)")
        path = engine.add_translation(args.word, args.lang, change, forbid=bool(args.forbid))
        print(f"{'forbade' if args.forbid else 'added'} {safe_text(args.word)} → {safe_text(change)} "
              f"({args.lang}) in {path}", file=sys.stderr)
        return 0
    engine.ensure_fresh()
    rows = engine.lexicon(args.word, args.lang)
    _tell(engine)
    rows = [{key: safe_text(value) if isinstance(value, str) else value for key, value in row.items()} for row in rows]
    if args.format == "json":
        write_json({"word": safe_text(args.word), "translations": rows})
    else:
        langs: dict[tuple, list[str]] = {}  # a name is the same in every language: one line
        for row in rows:
            key = (row["translation"], row["source"], row["probability"], row["pairs"])
            langs.setdefault(key, []).append(row["lang"])
        for (translation, source, probability, pairs), codes in langs.items():
            evidence = f"  p={probability:.2f}" + (f" in {pairs} aligned paragraphs" if pairs else "")
            print(f"{','.join(codes):<6} {translation:<24} {source}{evidence}")
    return 0 if rows else 1


def cmd_save(args: argparse.Namespace) -> int:
    """`reader save NAME QUERY`: save a search for `reader search @NAME`."""
    from reader.core.userdata.saved import save_search, saved_searches_path

    corpus = corpus_dir(args)
    if corpus.is_dir():  # a corpus with a data folder keeps its saved searches there
        open_engine(args)
    path = saved_searches_path(corpus)
    save_search(args.name, " ".join(args.query), path)
    print(f"saved @{args.name.lstrip('@')} in {path}", file=sys.stderr)
    return 0


def cmd_story(args: argparse.Namespace) -> int:
    """`reader story ID`: the article's story (translations, rewrites) in date order, undated last."""
    engine = open_engine(args)
    engine.ensure_fresh()
    _tell(engine)
    article_id = engine.resolve_id(args.id)
    rows = [{key: safe_text(value) if isinstance(value, str) else value for key, value in row.items()}
            for row in engine.story_timeline(article_id)]
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
    from reader.core.entities.recognise import summarise

    engine = open_engine(args)
    engine.ensure_fresh()
    _tell(engine)
    if engine.gazetteer_error():
        print(f"reader: {engine.gazetteer_error()}", file=sys.stderr)
    rows = summarise(engine.entities(engine.article(args.id)), engine.gazetteer())
    rows = [{**row, "text": safe_text(row["text"]), "names": [safe_text(name) for name in row["names"]]}
            for row in rows]
    if args.format == "json":
        write_json(rows)
    else:
        width = max((len(row["text"]) for row in rows), default=4)
        id_width = max((len(row["id"] or "-") for row in rows), default=2)
        for row in rows:
            also = f"  (also {', '.join(row['names'])})" if row["names"] else ""
            print(f"{row['text']:<{width}}  {row['type']:<12}  {row['id'] or '-':<{id_width}}  "
                  f"{row['count']:>4}  {row['source']}{also}")
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
            note = translation_note(relations, record["lang"]) if args.lang is None and relations else ""
            if note:
                print(f"  ({safe_text(one_line(note))})")
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
    from reader.core.userdata.sidecars import normalise_tag, update_sidecar

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
    engine.maintain(quick=True)  # tags in a row leave small segments: merged a few at a time, cheaply
    return 0


def cmd_git_setup(args: argparse.Namespace) -> int:
    """`reader git-setup`: register reader's merge driver for the corpus's git repository."""
    from reader.core.git.gitsetup import git_setup

    done = git_setup(corpus_dir(args))
    for line in done or ["git is already set up for this corpus: nothing changed"]:
        print(f"reader: {safe_text(line)}", file=sys.stderr)
    return 0


def cmd_merge_file(args: argparse.Namespace) -> int:
    """`reader merge-file BASE OURS THEIRS [PATH]`: git's three-way merge of a data file, into OURS."""
    from reader.core.git.gitsetup import merge_file

    status, lines = merge_file(Path(args.base), Path(args.ours), Path(args.theirs), args.path or args.ours)
    for line in lines:
        print(f"reader merge-file: {one_line(safe_text(line))}", file=sys.stderr)
    return status


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

    data = getattr(args, "data", None)
    return run_app(corpus_dir(args), index_dir(args), getattr(args, "keymap", None), Path(data) if data else None)
