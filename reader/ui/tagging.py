"""Tag and notes edits as data, applied to sidecars in a worker; each edit yields the edit that undoes it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reader.core.errors import ReaderError

UNSET = object()


@dataclass(frozen=True)
class TagEdit:
    """Tags to add and remove (and notes to set, `None` = leave, `UNSET` = delete) for some articles."""

    ids: tuple[str, ...]
    add: tuple[str, ...] = ()
    remove: tuple[str, ...] = ()
    notes: object = None


@dataclass
class EditOutcome:
    """What applying edits did: tags and notes now, the edits that undo it, and one-line problems."""

    tags: dict[str, list[str]]
    notes: dict[str, str]
    undo: list[TagEdit]
    problems: list[str]


def apply_edits(corpus: Path, edits: list[TagEdit]) -> EditOutcome:
    """Write each edit to the sidecars (locked, merged, atomic), remembering how to undo it."""
    from reader.core.userdata.sidecars import read_sidecar, sidecar_lock, update_sidecar

    outcome = EditOutcome({}, {}, [], [])
    for edit in edits:
        for article_id in edit.ids:
            path = Path(corpus) / article_id
            try:
                with sidecar_lock(path):
                    before = read_sidecar(path)
                    fields = {"notes": None} if edit.notes is UNSET else None
                    notes = edit.notes if isinstance(edit.notes, str) else None
                    after = update_sidecar(path, add_tags=edit.add, remove_tags=edit.remove, notes=notes,
                                           fields=fields)
            except ReaderError as exc:  # names the sidecar already
                outcome.problems.append(str(exc))
                continue
            except (OSError, ValueError) as exc:
                outcome.problems.append(f"{article_id}: {exc}")
                continue
            had, has = set(before.get("tags") or []), set(after.get("tags") or [])
            undo_notes: object = None
            if edit.notes is not None and before.get("notes") != after.get("notes"):
                undo_notes = before["notes"] if "notes" in before else UNSET
            if had != has or undo_notes is not None:
                outcome.undo.append(TagEdit((article_id,), tuple(sorted(had - has)), tuple(sorted(has - had)),
                                            undo_notes))
            outcome.tags[article_id] = list(after.get("tags") or [])
            outcome.notes[article_id] = str(after.get("notes") or "")
    return outcome


def toggle_edit(ids: list[str], tag: str, current: dict[str, list[str]]) -> TagEdit:
    """Add `tag` to every article in `ids`, or remove it when all of them already carry it."""
    from reader.core.userdata.sidecars import normalise_tag

    tag = normalise_tag(tag)
    if ids and all(tag in current.get(article_id, []) for article_id in ids):
        return TagEdit(tuple(ids), remove=(tag,))
    return TagEdit(tuple(ids), add=(tag,))


def describe(edit: TagEdit, count: int) -> str:
    """One line saying what an edit did to `count` articles."""
    what = "1 article" if count == 1 else f"{count} articles"
    parts = []
    if edit.add:
        parts.append("added " + ", ".join(f"#{t}" for t in edit.add))
    if edit.remove:
        parts.append("removed " + ", ".join(f"#{t}" for t in edit.remove))
    if edit.notes is not None:
        parts.append("saved notes")
    return f"{' and '.join(parts) or 'no change'} ({what})"
