"""Saved searches: a YAML file the analyst can edit, mapping a name to a query.

The file is the user's; a corpus with a data folder (data_overlay) keeps its own there, which starts
from the user's file until it is first written.
"""

from __future__ import annotations

import io
from pathlib import Path

from reader.core.data_overlay import data_of
from reader.core.errors import ReaderError
from reader.core.query import check_query
from reader.core.userfiles import data_folder, file_lock, read_text, write_atomic

SAVED_FILE = "saved-searches.yaml"
HEADER = "# Saved searches of `reader`: name: query. `reader search @name` runs one.\n"


class SavedSearchError(ReaderError):
    """A saved search that does not exist, or a saved-searches file that does not parse."""


def saved_searches_path(corpus: Path | None = None) -> Path:
    """`saved-searches.yaml` in the corpus's data folder when it has one, else in the user's data folder
    ($XDG_DATA_HOME/reader on Linux)."""
    data = data_of(corpus) if corpus is not None else None
    return (data if data is not None else data_folder()) / SAVED_FILE


def _current(path: Path | None, corpus: Path | None) -> tuple[Path, Path, str | None]:
    """(file written, file read, its text): a data folder's file not written yet reads as the user's."""
    target = path or saved_searches_path(corpus)
    text = read_text(target)
    personal = saved_searches_path()
    if text is None and path is None and target != personal:
        return target, personal, read_text(personal)
    return target, target, text


def _parse(path: Path, text: str | None):
    """The round-trip document of the file (comments kept), checked to map names to query strings."""
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap
    from ruamel.yaml.error import YAMLError

    if text is None or not text.strip():
        return CommentedMap()
    try:
        doc = YAML(typ="rt").load(text)
    except (YAMLError, ValueError) as exc:
        raise SavedSearchError(f"{path}: does not parse: {' '.join(str(exc).split())[:200]}") from None
    if doc is None:
        return CommentedMap()
    if not isinstance(doc, dict) or not all(isinstance(v, str) for v in doc.values()):
        raise SavedSearchError(f"{path}: must map each name to a query (name: query text)")
    return doc


def load_saved(path: Path | None = None, corpus: Path | None = None) -> dict[str, str]:
    """Every saved search (of `corpus`, see saved_searches_path), name -> query ({} when there is no file)."""
    _, source, text = _current(path, corpus)
    return {str(name): str(query) for name, query in _parse(source, text).items()}


def save_search(name: str, query: str, path: Path | None = None, corpus: Path | None = None) -> None:
    """Add or replace one saved search, merged into the file as it is now (comments kept)."""
    from ruamel.yaml import YAML

    name = name.strip().lstrip("@")
    if not name or any(char.isspace() for char in name):
        raise SavedSearchError(f"not a usable name for a saved search: {name!r} (no spaces)")
    query = check_query(query)
    with file_lock(path or saved_searches_path(corpus)):
        path, source, text = _current(path, corpus)
        doc = _parse(source, text)
        doc[name] = query
        buffer = io.StringIO()
        yaml = YAML(typ="rt")
        yaml.width = 4096
        yaml.dump(doc, buffer)
        write_atomic(path, ("" if text and text.strip() else HEADER) + buffer.getvalue())


def resolve_saved(text: str, path: Path | None = None, corpus: Path | None = None) -> tuple[str, str] | None:
    """(name, query) when `text` is `@name`; None when it is an ordinary query."""
    text = text.strip()
    if not text.startswith("@") or any(char.isspace() for char in text):
        return None
    name = text[1:]
    saved = load_saved(path, corpus)
    if name not in saved:
        names = ", ".join(sorted(saved)) or "none yet (reader save NAME QUERY)"
        raise SavedSearchError(f"no saved search named '{name}'; saved searches: {names}")
    return name, saved[name]
