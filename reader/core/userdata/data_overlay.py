"""Where the analyst's files of a corpus live: beside the articles, or in a data (overlay) folder.

A corpus folder reader may not write (a read-only archive) keeps its sidecars, `entities.yaml` and
saved searches in a data folder with the same layout: the sidecar of `<corpus>/a/b.txt` is
`<data>/a/b.txt.yaml`. The Engine registers each corpus root with its data folder here; every path
of an analyst's file is computed by asking `overlay_of`, so callers of `sidecars.sidecar_path` and
of the functions below follow the data folder without knowing about it. A file of the overlay that does
not exist yet starts from the corpus's own copy, so nothing written beside the articles is lost.
"""

from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path

from reader.core.userdata.files import (
    UserFileError,
    corpus_digest,
    data_folder,
    file_lock,
    read_text,
    write_atomic,
)

DATA_ENV = "READER_DATA"
OVERLAYS_FOLDER = "overlays"  # under the per-user data folder: one overlay per read-only corpus
NOTICES_FILE = "overlay-notices.txt"  # in the per-user data folder: (corpus, overlay) pairs already told

_roots: dict[str, Path] = {}  # absolute corpus root (as given and resolved) -> its data folder
_roots_lock = threading.Lock()


def choose_data_folder(corpus: Path, data: Path | str | None = None) -> Path | None:
    """The data folder of a corpus: `data`, else $READER_DATA, else a per-user folder when the corpus
    folder is read-only (or that folder already holds files); None: the files live beside the articles."""
    given = data or os.environ.get(DATA_ENV)
    if given:
        return Path(os.path.abspath(Path(given).expanduser()))
    default = data_folder() / OVERLAYS_FOLDER / corpus_digest(corpus)
    if not os.access(corpus, os.W_OK) or default.is_dir():
        return default
    return None


def register(corpus: Path, data: Path | None) -> None:
    """Send the analyst's files of `corpus` to `data` from now on (None: beside the articles)."""
    with _roots_lock:
        for key in {os.path.abspath(corpus), os.path.realpath(corpus)}:
            if data is None:
                _roots.pop(key, None)
            else:
                _roots[key] = Path(data)


def registered() -> dict[str, str]:
    """The registry as plain data, for processes that must see the same overlays (`restore`)."""
    with _roots_lock:
        return {root: str(data) for root, data in _roots.items()}


def restore(roots: dict[str, str]) -> None:
    """Take over the registry of another process (loader processes are spawned, not forked)."""
    with _roots_lock:
        _roots.update({root: Path(data) for root, data in roots.items()})


def overlay_of(path: Path | str) -> tuple[str, Path] | None:
    """(corpus root, data folder) of the innermost registered corpus holding `path`; None when none does."""
    if not _roots:
        return None
    folder = os.path.abspath(path)
    while (parent := os.path.dirname(folder)) != folder:
        folder = parent
        data = _roots.get(folder)
        if data is not None:
            return folder, data
    return None


def data_of(corpus: Path) -> Path | None:
    """The data folder registered for the corpus root itself (None: files beside the articles)."""
    return _roots.get(os.path.abspath(corpus)) if _roots else None


def relocated(path: Path) -> Path | None:
    """Where the data folder keeps the file that would be at `path` inside a corpus (the sidecar
    `<corpus>/a/b.txt.yaml` -> `<data>/a/b.txt.yaml`); None when its corpus has no data folder."""
    found = overlay_of(path)
    if found is None:
        return None
    root, data = found
    return data / os.path.relpath(os.path.abspath(path), root)


def original_of(path: Path) -> Path | None:
    """The corpus's own file that a data folder's file at `path` stands in for (None: `path` is not in a
    data folder)."""
    where = os.path.abspath(path)
    for root, data in list(_roots.items()):
        if where.startswith(os.path.join(os.path.abspath(data), "")):
            return Path(root) / os.path.relpath(where, data)
    return None


def corpus_file(corpus: Path, name: str) -> Path:
    """Where the corpus's file `name` (entities.yaml …) is written: in its data folder, else in the corpus."""
    data = data_of(corpus)
    return (data if data is not None else Path(corpus)) / name


def readable_file(corpus: Path, name: str) -> Path:
    """The copy of the corpus's file `name` to read: the data folder's once it has one, else the corpus's."""
    written = corpus_file(corpus, name)
    return written if written.exists() else Path(corpus) / name


def where_tags_live(corpus: Path) -> str:
    """One phrase for the status line and help: where tags and notes of the corpus are written."""
    data = data_of(corpus)
    return "tags beside the articles" if data is None else f"tags in {data}"


def first_notice(corpus: Path, data: Path) -> str | None:
    """The one-time notice of where the analyst's files of a read-only corpus go; None once told."""
    record = data_folder() / NOTICES_FILE
    entry = f"{os.path.realpath(corpus)}\t{os.path.abspath(data)}"
    with contextlib.suppress(OSError, UserFileError), file_lock(record):  # not remembered: said again
        told = (read_text(record) or "").splitlines()
        if entry in told:
            return None
        write_atomic(record, "".join(f"{line}\n" for line in [*told, entry]))
    why = "" if os.access(corpus, os.W_OK) else "the corpus folder is read-only: "
    return (f"{why}tags, notes, entities.yaml, lexicon.yaml and saved searches of {corpus} are kept in "
            f"{data} (said once; --data DIR or ${DATA_ENV} choose another folder)")
