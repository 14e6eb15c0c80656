"""Saved searches: a YAML file the analyst can edit, mapping a name to a query."""

from __future__ import annotations

import io
from pathlib import Path

from reader.core.errors import ReaderError
from reader.core.query import check_query
from reader.core.userfiles import data_folder, file_lock, read_text, write_atomic

SAVED_FILE = "saved-searches.yaml"
HEADER = "# Saved searches of `reader`: name: query. `reader search @name` runs one.\n"


class SavedSearchError(ReaderError):
    """A saved search that does not exist, or a saved-searches file that does not parse."""


def saved_searches_path() -> Path:
    """`saved-searches.yaml` in the user's data folder ($XDG_DATA_HOME/reader on Linux)."""
    return data_folder() / SAVED_FILE


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


def load_saved(path: Path | None = None) -> dict[str, str]:
    """Every saved search, name -> query ({} when there is no file)."""
    path = path or saved_searches_path()
    return {str(name): str(query) for name, query in _parse(path, read_text(path)).items()}


def save_search(name: str, query: str, path: Path | None = None) -> None:
    """Add or replace one saved search, merged into the file as it is now (comments kept)."""
    from ruamel.yaml import YAML

    name = name.strip().lstrip("@")
    if not name or any(char.isspace() for char in name):
        raise SavedSearchError(f"not a usable name for a saved search: {name!r} (no spaces)")
    query = check_query(query)
    path = path or saved_searches_path()
    with file_lock(path):
        text = read_text(path)
        doc = _parse(path, text)
        doc[name] = query
        buffer = io.StringIO()
        yaml = YAML(typ="rt")
        yaml.width = 4096
        yaml.dump(doc, buffer)
        write_atomic(path, ("" if text and text.strip() else HEADER) + buffer.getvalue())


def resolve_saved(text: str, path: Path | None = None) -> tuple[str, str] | None:
    """(name, query) when `text` is `@name`; None when it is an ordinary query."""
    text = text.strip()
    if not text.startswith("@") or any(char.isspace() for char in text):
        return None
    name = text[1:]
    saved = load_saved(path)
    if name not in saved:
        names = ", ".join(sorted(saved)) or "none yet (reader save NAME QUERY)"
        raise SavedSearchError(f"no saved search named '{name}'; saved searches: {names}")
    return name, saved[name]
