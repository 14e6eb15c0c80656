"""Sidecars that follow their article when it is renamed or moved, and sidecars left without one.

Everything here is keyed on article ids (a path relative to the corpus, `/`-separated) and reaches the
sidecar through `sidecar_path`, so other kinds of article (members of container files, articles whose
sidecars live in an overlay folder) extend it by giving ids and a sidecar location, not new rules.

The matching rule (documented in docs/renames.md): an article that is gone and left its sidecar is
followed to an article that is new in this update, has no sidecar of its own, and has the same text
fingerprint (`corpus.text_fingerprint`) — when exactly one gone article and exactly one new article
share that fingerprint. Anything else (several candidates, or no candidate because the text changed)
is never guessed: the sidecar stays where it is and is reported as an orphan.
"""

from __future__ import annotations

import contextlib
import errno
import os
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from reader.core.corpus.articles import within
from reader.core.errors import ReaderError
from reader.core.userdata.sidecars import read_sidecar, sidecar_lock, sidecar_path

ORPHANS_FOLDER = ".reader/orphans"  # where `reader orphans --archive` keeps a sidecar (hidden: not scanned)


class OrphanError(ReaderError):
    """A sidecar that cannot be re-attached or archived; str() says why in one line."""


@dataclass
class Matching:
    """Which sidecars follow their article (old id -> new id), and what was too ambiguous to guess."""

    moves: list[tuple[str, str]] = field(default_factory=list)
    ambiguous: list[str] = field(default_factory=list)


def match_renames(gone: dict[str, str], arrived: dict[str, str]) -> Matching:
    """Pair gone articles that left a sidecar with new articles without one (id -> text fingerprint)."""
    by_print: dict[str, tuple[list[str], list[str]]] = defaultdict(lambda: ([], []))
    for article_id, print_ in gone.items():
        if print_:
            by_print[print_][0].append(article_id)
    for article_id, print_ in arrived.items():
        if print_ in by_print:
            by_print[print_][1].append(article_id)
    matching = Matching()
    for olds, news in by_print.values():
        if len(olds) == 1 and len(news) == 1:
            matching.moves.append((olds[0], news[0]))
        elif news:
            matching.ambiguous.append(
                f"{_listed(sorted(olds))}: the same text is now in {_listed(sorted(news))}; "
                "sidecars not moved (reader orphans --attach says which is which)")
    return matching


def _listed(ids: list[str], most: int = 3) -> str:
    return ", ".join(ids[:most]) + (f" and {len(ids) - most} more" if len(ids) > most else "")


def move_sidecar(corpus: Path, old_id: str, new_id: str) -> None:
    """Move the sidecar of `old_id` to the article `new_id` (a plain rename, which git sees as one),
    under both sidecars' locks; never over a sidecar the new article already has."""
    corpus = Path(corpus)
    source, target = _orphan_sidecar(corpus, old_id), sidecar_path(corpus / new_id)
    if not (corpus / new_id).is_file():
        raise OrphanError(f"{new_id}: no such article")
    first, second = sorted([old_id, new_id])  # one order for every process: no deadlock
    with sidecar_lock(corpus / first), sidecar_lock(corpus / second):
        _check_orphan(corpus, old_id, source)
        try:
            _rename_no_clobber(source, target)
        except FileExistsError:
            raise OrphanError(f"{new_id} already has a sidecar; {old_id}'s is left where it is") from None


def archive_sidecar(corpus: Path, old_id: str) -> Path:
    """Move an orphaned sidecar into `<corpus>/.reader/orphans/` (same relative path); return where."""
    corpus = Path(corpus)
    source = _orphan_sidecar(corpus, old_id)
    folder = (corpus / ORPHANS_FOLDER / old_id).parent
    with sidecar_lock(corpus / old_id):
        _check_orphan(corpus, old_id, source)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OrphanError(f"{folder}: cannot make the archive folder ({exc.strerror or exc})") from None
        for number in range(1000):
            target = folder / (source.name + (f".{number}" if number else ""))
            with contextlib.suppress(FileExistsError):
                _rename_no_clobber(source, target)
                return target
    raise OrphanError(f"{folder}: too many archived copies of {source.name}")


def _orphan_sidecar(corpus: Path, old_id: str) -> Path:
    """The sidecar an orphan id names; OrphanError for an id that is not a path inside the corpus."""
    parts = Path(old_id).parts
    if not parts or Path(old_id).is_absolute() or any(part in ("..", ".") or part.startswith(".") for part in parts) \
            or not within(os.path.realpath(corpus), str(corpus / old_id)):
        raise OrphanError(f"{old_id}: not an article id inside the corpus")
    return sidecar_path(corpus / old_id)


def _check_orphan(corpus: Path, old_id: str, source: Path) -> None:
    """OrphanError unless `source` is a sidecar (a regular file) whose article is gone."""
    if os.path.lexists(corpus / old_id):
        raise OrphanError(f"{old_id}: the article is there; its sidecar is not an orphan")
    if not source.is_file() or source.is_symlink():
        raise OrphanError(f"{sidecar_path(Path(old_id)).as_posix()}: no such sidecar")


def _rename_no_clobber(source: Path, target: Path) -> None:
    """Rename `source` to `target`; FileExistsError when `target` exists (nothing is written over)."""
    try:
        os.link(source, target)  # fails when the target exists
    except FileExistsError:
        raise
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK):
            raise OrphanError(f"{source}: cannot move ({exc.strerror or exc})") from None
        if target.exists():  # a file system without hard links: checked, then renamed, under the lock
            raise FileExistsError(target) from None
        try:
            os.rename(source, target)
        except OSError as error:
            raise OrphanError(f"{source}: cannot move ({error.strerror or error})") from None
        return
    try:
        os.unlink(source)
    except OSError as exc:
        raise OrphanError(f"{source}: copied to {target} but not removed ({exc.strerror or exc})") from None


def orphan_record(corpus: Path, article_id: str) -> dict:
    """What an orphaned sidecar holds, for listing: its path, tags and the first line of its notes."""
    sidecar = sidecar_path(Path(article_id)).as_posix()
    try:
        data = read_sidecar(Path(corpus) / article_id)
    except ReaderError as exc:
        return {"sidecar": sidecar, "article": article_id, "tags": [], "notes": "", "problem": str(exc)}
    notes = str(data.get("notes") or "").strip().split("\n")[0]
    return {"sidecar": sidecar, "article": article_id, "tags": list(data.get("tags") or []), "notes": notes}


def orphan_id(name: str) -> str:
    """The article id an orphan is named by: its sidecar path (`a/b.txt.yaml`) or the gone article's id."""
    name = Path(name).as_posix()
    return name.removesuffix(".yaml")
