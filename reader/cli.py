"""Command line: `reader` opens the TUI; subcommands answer headless (SPEC §9)."""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import sys

from reader import commands
from reader.core.errors import ReaderError, environment_failure
from reader.core.text import one_line, safe_text

EXIT_FOUND, EXIT_NOTHING, EXIT_USAGE = 0, 1, 2
EXIT_INTERNAL, EXIT_ENVIRONMENT = 3, 4


class UsageError(Exception):
    """Bad usage, bad query or missing corpus: exit status 2 with a one-line message."""


class _Parser(argparse.ArgumentParser):
    """argparse with one-line usage errors."""

    def error(self, message: str):  # type: ignore[override]
        self.exit(EXIT_USAGE, f"{self.prog}: {message} (see `{self.prog} --help`)\n")


def _common(parser: argparse.ArgumentParser, top: bool = False) -> None:
    default = None if top else argparse.SUPPRESS
    parser.add_argument("--corpus", metavar="DIR", default=default,
                        help="corpus folder (default: $READER_CORPUS, else ./corpus)")
    parser.add_argument("--index", metavar="DIR", default=default,
                        help="index folder (default: <corpus>/.reader/index)")
    parser.add_argument("--data", metavar="DIR", default=default,
                        help="folder for tags, notes, entities.yaml, lexicon.yaml and saved searches of the corpus "
                             "(default: $READER_DATA; beside the articles, or a per-user folder when "
                             "the corpus is read-only)")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for `reader` and its subcommands."""
    parser = _Parser(prog="reader", description="Explore a multilingual news corpus.")
    _common(parser, top=True)
    parser.add_argument("--keymap", metavar="NAME|PATH", help="keymap: default, vim, emacs or a YAML file")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("index", help="build or update the index (progress on stderr)")
    _common(p)
    p.add_argument("--rebuild", action="store_true", help="start the index over")
    p.add_argument("--quick", action="store_true",
                   help="read only the folders whose listing changed (files added, removed or replaced, as git "
                        "and rsync do); a file edited in place waits for a plain `reader index`")
    p.add_argument("--optimize", action="store_true",
                   help="then merge every segment into one (says how long it will take; searches go on)")
    p.add_argument("--verbose", "-v", action="store_true", help="list every skipped file, and the warnings")
    p.add_argument("--format", choices=("text", "json"), default="text",
                   help="json: the report (articles, skipped files with reasons, warnings) on stdout")
    p.add_argument("--dictionaries", action="store_true",
                   help="also read the installed FreeDict dictionaries (/usr/share/dictd) for cross-language search")
    p.add_argument("--no-vectors", action="store_true",
                   help="semantic extra: leave the meaning vectors to the idle app or a later `reader index`")

    p = sub.add_parser("orphans", help="sidecars whose article is gone: list, re-attach or archive them")
    _common(p)
    action = p.add_mutually_exclusive_group()
    action.add_argument("--attach", nargs=2, metavar=("ORPHAN", "ARTICLE"),
                        help="give the sidecar ORPHAN (its path, or the gone article's id) to ARTICLE")
    action.add_argument("--archive", metavar="ORPHAN", help="move the sidecar into <corpus>/.reader/orphans/")
    p.add_argument("--format", choices=("text", "json"), default="text")

    p = sub.add_parser("search", help="search the corpus")
    _common(p)
    p.add_argument("query", metavar="QUERY", nargs="*", help="Whoosh query syntax, or @name for a saved search")
    p.add_argument("--limit", type=_limit, default=20, metavar="N",
                   help="at most N hits (default 20; 0: all); stderr says how many were not shown")
    p.add_argument("--format", choices=("text", "json", "jsonl", "paths", "csv", "md"), default=None,
                   help="text (default), json, jsonl (default with --batch), paths, csv, md")
    p.add_argument("--lang", metavar="L", help="only articles in language L")
    p.add_argument("--tag", metavar="T", help="only articles tagged T")
    p.add_argument("--sort", choices=("relevance", "date"), default="relevance",
                   help="relevance (default) or date: newest first, undated last")
    p.add_argument("--facets", action="store_true",
                   help="also count languages, sources, tags and entities over all matching articles "
                        "(on stderr: stdout keeps the hits in the format asked)")
    p.add_argument("--with-stories", action="store_true",
                   help="follow each hit with its story's other articles (translations, rewrites)")
    p.add_argument("--batch", metavar="FILE", help="run every query of FILE (one per line, or YAML); JSONL out")
    p.add_argument("--new-since", metavar="DATE|last",
                   help="only articles first indexed since DATE (ISO), or since this batch's last run")
    p.add_argument("--as-typed", action="store_true",
                   help="search the words only as typed, not also as their translations into other languages")

    p = sub.add_parser("lexicon", help="a word's translations (learned, lexicon.yaml, names) with evidence")
    _common(p)
    p.add_argument("word", metavar="WORD", help="a word or name, in any language of the corpus")
    p.add_argument("--lang", metavar="L", help="only translations into language L (needed by --add, --forbid)")
    p.add_argument("--add", metavar="TRANSLATION", help="add a translation to lexicon.yaml")
    p.add_argument("--forbid", metavar="TRANSLATION", help="forbid a translation in lexicon.yaml")
    p.add_argument("--format", choices=("text", "json"), default="text")

    p = sub.add_parser("save", help="save a search: reader search @NAME runs it")
    _common(p)
    p.add_argument("name", metavar="NAME", help="name of the saved search (no spaces)")
    p.add_argument("query", metavar="QUERY", nargs="+", help="Whoosh query syntax")

    p = sub.add_parser("story", help="an article's story (translations, rewrites) in date order")
    _common(p)
    p.add_argument("id", metavar="ID", help="article id or unique prefix")
    p.add_argument("--format", choices=("text", "json"), default="text")

    p = sub.add_parser("show", help="print an article as plain text")
    _common(p)
    p.add_argument("id", metavar="ID", help="article id or unique prefix")

    p = sub.add_parser("entities", help="the entities of an article with counts")
    _common(p)
    p.add_argument("id", metavar="ID", help="article id or unique prefix")
    p.add_argument("--format", choices=("text", "json"), default="text")

    p = sub.add_parser("related", help="related articles (same story first) with scores and reasons")
    _common(p)
    p.add_argument("ids", nargs="*", metavar="ID", help="article ids or unique prefixes")
    p.add_argument("--all", action="store_true", help="every article's related list")
    p.add_argument("--limit", type=_positive, default=10, metavar="K", help="at most K per article (default 10)")
    p.add_argument("--lang", metavar="L", help="only related articles in language L")
    p.add_argument("--format", choices=("text", "json", "jsonl"), default="text")

    p = sub.add_parser("tag", help="add (+TAG) or remove (-TAG) tags of articles")
    _common(p)
    p.add_argument("items", nargs="*", metavar="ID… +TAG -TAG",
                   help="article ids (or unique prefixes), then +tag to add and -tag to remove")

    p = sub.add_parser("git-setup", help="make git merge tags, notes and the gazetteer by their data")
    _common(p)

    p = sub.add_parser("merge-file", help="git's merge driver (set up by git-setup): BASE OURS THEIRS [PATH]")
    for name in ("base", "ours", "theirs"):
        p.add_argument(name, metavar=name.upper())
    p.add_argument("path", metavar="PATH", nargs="?", default="", help="the file's path in the repository")

    p = sub.add_parser("tags", help="every tag with its article count")
    _common(p)
    p.add_argument("--format", choices=("text", "json"), default="text")
    return parser


def _number(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None


def _positive(value: str) -> int:
    number = _number(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def _limit(value: str) -> int | None:
    """`--limit N` of `reader search`: 0 means no limit (None)."""
    number = _number(value)
    if number < 0:
        raise argparse.ArgumentTypeError("must be 0 (no limit) or more")
    return number or None



def main(argv: list[str] | None = None) -> int:
    """Run `reader` with these arguments (the command line's when None); the exit status."""
    return _dispatch(_parsed(argv))


def run() -> None:
    """Entry point of the `reader` console script. The code loaded so far lives as long as the process,
    so the garbage collector stops scanning it (`gc.freeze`): its rescans were a twelfth of a search
    process. A search's process then ends at once: its files are closed and its locks released, and
    freeing every object it read took 35 ms at a million articles."""
    gc.freeze()
    args = _parsed(None)
    status = _dispatch(args)
    if args.command == "search":
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError, ValueError):  # closed, or its reader went away
                stream.flush()
        os._exit(status)
    sys.exit(status)


def _parsed(argv: list[str] | None) -> argparse.Namespace:
    parser = build_parser()
    args, extras = parser.parse_known_args(argv)
    if extras and args.command != "tag":
        parser.error(f"unrecognized arguments: {' '.join(extras)}")
    if args.command == "tag":
        args.items = [*args.items, *extras]  # `-TAG` words look like options to argparse
    return args


def _dispatch(args: argparse.Namespace) -> int:
    if args.command is not None:  # a terminal or pipe that cannot show a character gets an escape
        for stream in (sys.stdout, sys.stderr):
            if hasattr(stream, "reconfigure"):
                stream.reconfigure(errors="backslashreplace")
    try:
        if args.command is None:
            return commands.run_tui(args)
        return getattr(commands, f"cmd_{args.command.replace('-', '_')}")(args)
    except KeyboardInterrupt:
        print("reader: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        sys.stderr.close()  # the reader of our output went away (`| head`); not an error
        return 0
    except ReaderError as exc:
        _error(str(exc))
        return EXIT_ENVIRONMENT if environment_failure(exc) else EXIT_USAGE
    except Exception as exc:  # last resort: a message, never a traceback
        failure = environment_failure(exc)
        if failure is not None:
            _error(str(failure))
            return EXIT_ENVIRONMENT
        if os.environ.get("READER_DEBUG"):
            raise
        _error(f"internal error: {type(exc).__name__}: {exc} (set READER_DEBUG=1 for details)")
        return EXIT_INTERNAL


def _error(message: str) -> None:
    """One line on stderr. Messages name files and ids that came from the corpus or the command line:
    their control characters are shown, never sent to the terminal."""
    print(f"reader: {one_line(safe_text(message))}", file=sys.stderr)


if __name__ == "__main__":
    run()
