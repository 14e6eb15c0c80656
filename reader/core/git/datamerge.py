"""Three-way merge of the analyst's YAML files by their data, for git's merge driver (`reader merge-file`).

One rule set for sidecars, `entities.yaml`, `lexicon.yaml` and saved searches, applied to the round-trip
document of "ours" (its comments and key order are kept):
- a mapping is merged key by key: a side that left a value as it was in the base takes the other's;
- a list of plain values is a set: both sides' additions, minus what either side removed (tags are
  compared normalised, so `Dual Use` and `dual-use` are one tag);
- a list of mappings with an `id` (gazetteer entities) is merged entry by entry, by id;
- a text changed on both sides is merged line by line by `git merge-file`; where both changed the same
  lines, a multi-line text (notes) keeps git's conflict markers inside it (the file still parses),
  and any other value is written twice between conflict markers around its line (a conflict git
  reports, both versions kept for the analyst to choose).
"""

from __future__ import annotations

import io
import re
import subprocess
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import LiteralScalarString

from reader.core.corpus.articles import is_article_name
from reader.core.entities.gazetteer import round_trip_editor
from reader.core.errors import ReaderError
from reader.core.text import normalise_tag
from reader.core.userdata.files import MAX_USER_FILE_BYTES
from reader.core.userdata.sidecars import parse_sidecar_text

_MISSING = object()
MAX_MERGED_BYTES = 16 * MAX_USER_FILE_BYTES


class MergeRefused(ReaderError):
    """A version that does not parse as the data it should hold: git must fall back to a text merge."""


@dataclass
class Merged:
    """The merged text and one line per conflict left for the analyst."""

    text: str
    conflicts: list[str] = field(default_factory=list)


def is_sidecar_name(path: str) -> bool:
    name = Path(path).name
    return name.endswith(".yaml") and is_article_name(name[:-5])


def merge_texts(base: str, ours: str, theirs: str, path: str) -> Merged:
    """Merge three versions of the YAML file at `path` (its name says what it holds). MergeRefused when
    one of them does not parse."""
    docs = [_load(text, path, side) for text, side in ((base, "base"), (ours, "ours"), (theirs, "theirs"))]
    state = _State(path, is_sidecar_name(path))
    result = state.mapping(*docs, "")
    buffer = io.StringIO()
    round_trip_editor(ours).dump(result, buffer)
    return Merged(state.place_conflicts(buffer.getvalue()), state.conflicts)


def _load(text: str, path: str, side: str) -> CommentedMap:
    """One version's round-trip document, read with the checks every sidecar read has (YAML tags,
    aliases, depth), whatever the file."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_MERGED_BYTES:
        raise MergeRefused(f"{path} ({side}): too big to merge by its data")
    try:
        return parse_sidecar_text(Path(path), text)
    except ReaderError as exc:
        raise MergeRefused(f"{side}: {exc}") from None


class _State:
    """One merge: the file's kind, the conflicts found, and the values to write between markers."""

    def __init__(self, path: str, sidecar: bool) -> None:
        self.path, self.sidecar = path, sidecar
        self.conflicts: list[str] = []
        self.pending: dict[str, tuple[object, object]] = {}

    def value(self, base: object, ours: object, theirs: object, where: str) -> object:
        """The merge of one value (_MISSING: the key is gone from the result)."""
        if _same(ours, theirs) or _same(base, theirs):
            return ours
        if _same(base, ours):
            return theirs
        if isinstance(ours, dict) and isinstance(theirs, dict):
            return self.mapping(base if isinstance(base, dict) else {}, ours, theirs, where)
        if isinstance(ours, list) and isinstance(theirs, list):
            return self.sequence(base if isinstance(base, list) else [], ours, theirs, where)
        if isinstance(ours, str) and isinstance(theirs, str) and (
                "\n" in ours + theirs or where.endswith("notes")):
            text, clean = merge_lines(base if isinstance(base, str) else "", ours, theirs)
            if not clean:
                self.conflicts.append(f"{self.path}: {where}: changed on both sides; conflict markers in the text")
            return LiteralScalarString(text) if "\n" in text.rstrip("\n") else text
        if ours is _MISSING or theirs is _MISSING:  # removed on one side, changed on the other: keep it
            self.conflicts.append(f"{self.path}: {where}: removed on one side, changed on the other; kept")
            return theirs if ours is _MISSING else ours
        token = f"reader-conflict-{uuid.uuid4().hex}"
        self.pending[token] = (ours, theirs)
        self.conflicts.append(f"{self.path}: {where}: changed on both sides ({_flow(ours)} / {_flow(theirs)}); "
                              "both kept between conflict markers")
        return token

    def mapping(self, base: dict, ours: dict, theirs: dict, where: str) -> dict:
        result = ours
        for key in [*ours, *(k for k in theirs if k not in ours)]:
            label = f"{where}.{key}" if where else str(key)
            merged = self.value(base.get(key, _MISSING), ours.get(key, _MISSING), theirs.get(key, _MISSING), label)
            if merged is _MISSING:
                result.pop(key, None)
            elif key not in ours or merged is not ours[key]:
                result[key] = merged
        return result

    def sequence(self, base: list, ours: list, theirs: list, where: str) -> list:
        """Lists of entries with an id by id; lists of plain values as sets (additions minus removals)."""
        if all(isinstance(item, dict) and "id" in item for item in [*base, *ours, *theirs]):
            return self._by_id(base, ours, theirs, where)
        key = self._tag_key if self.sidecar and where == "tags" else _plain_key
        base_keys, their_keys = {key(i) for i in base}, {key(i) for i in theirs}
        result = ours if isinstance(ours, CommentedSeq) else CommentedSeq(ours)
        for index in reversed(range(len(result))):  # what they removed goes
            if key(result[index]) in base_keys and key(result[index]) not in their_keys:
                del result[index]
        present = {key(i) for i in result}
        for item in theirs:  # what they added comes
            if key(item) not in base_keys and key(item) not in present:
                result.append(item)
                present.add(key(item))
        return result

    def _by_id(self, base: list, ours: list, theirs: list, where: str) -> list:
        base_by, their_by = ({str(i["id"]): i for i in items} for items in (base, theirs))
        result = ours if isinstance(ours, CommentedSeq) else CommentedSeq(ours)
        for index in reversed(range(len(result))):
            entry_id = str(result[index]["id"])
            merged = self.value(base_by.get(entry_id, _MISSING), result[index], their_by.get(entry_id, _MISSING),
                                f"{where}[id={entry_id}]")
            if merged is _MISSING:
                del result[index]
            else:
                result[index] = merged
        ours_ids = {str(i["id"]) for i in result}
        for item in theirs:
            entry_id = str(item["id"])
            if entry_id not in ours_ids and self.value(base_by.get(entry_id, _MISSING), _MISSING, item,
                                                       f"{where}[id={entry_id}]") is not _MISSING:
                result.append(item)
        return result

    @staticmethod
    def _tag_key(item: object) -> str:
        try:
            return normalise_tag(str(item))
        except ValueError:
            return str(item)

    def place_conflicts(self, text: str) -> str:
        """Write each conflicting value's line twice, ours and theirs, between git's conflict markers."""
        lines = []
        for line in text.splitlines(keepends=True):
            token = next((t for t in self.pending if t in line), None)
            if token is None:
                lines.append(line)
                continue
            ours, theirs = self.pending[token]
            lines += ["<<<<<<< ours\n", line.replace(token, _flow(ours)), "=======\n",
                      line.replace(token, _flow(theirs)), ">>>>>>> theirs\n"]
        return "".join(lines)


def _same(a: object, b: object) -> bool:
    return a is b or (a is not _MISSING and b is not _MISSING and _plain(a) == _plain(b))


def _plain(value: object) -> object:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _plain_key(item: object) -> str:
    return repr(_plain(item))


def _flow(value: object) -> str:
    """A value written on one line as YAML (flow style)."""
    if value is _MISSING:
        return "~"
    if isinstance(value, str) and re.fullmatch(r"[^\W\d][\w .-]*", value) and value == value.strip():
        return value
    import json

    return json.dumps(_plain(value), ensure_ascii=False, default=str)


def merge_lines(base: str, ours: str, theirs: str) -> tuple[str, bool]:
    """git's own line merge of three texts: (result, True when clean); markers where both changed a line."""
    with tempfile.TemporaryDirectory(prefix="reader-merge-") as folder:
        paths = []
        for name, text in (("ours", ours), ("base", base), ("theirs", theirs)):
            path = Path(folder) / name
            path.write_text(text if text.endswith("\n") or not text else text + "\n", encoding="utf-8")
            paths.append(str(path))
        done = subprocess.run(["git", "merge-file", "-p", "-L", "ours", "-L", "base", "-L", "theirs", *paths],
                              capture_output=True, text=True, encoding="utf-8", check=False)
    if done.returncode < 0 or done.returncode > 127:
        raise MergeRefused(f"git merge-file failed: {done.stderr.strip()[:160]}")
    text = done.stdout
    if not (ours.endswith("\n") or theirs.endswith("\n")):
        text = text.rstrip("\n")
    return text, done.returncode == 0
