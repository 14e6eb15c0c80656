"""Saved searches: a YAML file of the corpus, mapping a name to a query, that the analyst can edit.

They travel with the corpus (through git too); a corpus with a data folder (data_overlay) keeps its
file there, which starts from the corpus's own until it is first written. Earlier versions kept one
file for every corpus in the user's data folder: a corpus without a file of its own reads that one,
and its first change starts from it, so no saved search is lost.
"""

from __future__ import annotations

from pathlib import Path

from reader.core.errors import ReaderError
from reader.core.query import check_query
from reader.core.userdata.data_overlay import corpus_file, original_of
from reader.core.userdata.files import data_folder, file_lock, read_text, write_atomic
from reader.core.userdata.yaml_files import dump, editor, parse

SAVED_FILE = "saved-searches.yaml"
HEADER = "# Saved searches of `reader`: name: query. `reader search @name` runs one.\n"


class SavedSearchError(ReaderError):
    """A saved search that does not exist, or a saved-searches file that does not parse."""


def saved_searches_path(corpus: Path) -> Path:
    """`saved-searches.yaml` of the corpus: in its data folder when it has one, else in the corpus folder."""
    return corpus_file(Path(corpus), SAVED_FILE)


def _legacy_path() -> Path:
    """The one file of every corpus that earlier versions kept in the user's data folder."""
    return data_folder() / SAVED_FILE


def _read(path: Path) -> tuple[Path, str | None]:
    """(the file read, its text): the file; else, in a data folder, the corpus's own copy; else the
    legacy one; else (path, None)."""
    for source in (path, original_of(path), _legacy_path()):
        if source is not None and (text := read_text(source)) is not None:
            return source, text
    return path, None


def _parse(path: Path, text: str | None) -> dict:
    """The file's data, checked to map names to query strings ({} when empty)."""
    data = parse(text, path, SavedSearchError) if text and text.strip() else None
    if data is None:
        return {}
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise SavedSearchError(f"{path}: must map each name to a query (name: query text)")
    return data


def load_saved(path: Path) -> dict[str, str]:
    """Every saved search of the file at `path`, name -> query ({} when there is none)."""
    source, text = _read(path)
    return {str(name): str(query) for name, query in _parse(source, text).items()}


def _check_name(name: str) -> str:
    name = name.strip().lstrip("@")
    if not name or any(char.isspace() for char in name):
        raise SavedSearchError(f"not a usable name for a saved search: {name!r} (no spaces)")
    return name


def _change(path: Path, edit) -> None:
    """Apply `edit(doc)` to the file as it is now, under its lock, and write it atomically (comments kept)."""
    from ruamel.yaml.comments import CommentedMap

    with file_lock(path):
        source, text = _read(path)
        _parse(source, text)  # refuse to touch a file that does not parse
        round_trip = editor()
        doc = (round_trip.load(text) if text and text.strip() else None) or CommentedMap()
        edit(doc)
        write_atomic(path, ("" if text and text.strip() else HEADER) + dump(round_trip, doc))


def save_search(name: str, query: str, path: Path) -> None:
    """Add or replace one saved search, merged into the file as it is now."""
    name, query = _check_name(name), check_query(query)

    def edit(doc) -> None:
        doc[name] = query

    _change(path, edit)


def rename_search(old: str, new: str, path: Path) -> None:
    """Give a saved search another name (its place in the file and its comments stay)."""
    old, new = old.lstrip("@"), _check_name(new)

    def edit(doc) -> None:
        if old not in doc:
            raise SavedSearchError(f"no saved search named '{old}'")
        if new != old and new in doc:
            raise SavedSearchError(f"a saved search is named '{new}' already")
        comment = doc.ca.items.get(old)  # its end-of-line comment goes with it
        doc.insert(list(doc).index(old), new, doc.pop(old))
        if comment:
            doc.ca.items[new] = comment

    _change(path, edit)


def delete_search(name: str, path: Path) -> None:
    """Remove one saved search from the file."""
    name = name.lstrip("@")

    def edit(doc) -> None:
        if name not in doc:
            raise SavedSearchError(f"no saved search named '{name}'")
        del doc[name]

    _change(path, edit)


def resolve_saved(text: str, path: Path) -> tuple[str, str] | None:
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
