"""The analyst's gazetteer, `<corpus>/entities.yaml`: loading, matching in text, resolving and adding names."""

from __future__ import annotations

import contextlib
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from reader.core.entities.spans import ENTITY_TYPES, Span, normalise_name
from reader.core.errors import ReaderError
from reader.core.text import find_word, fold
from reader.core.unicode_marks import MARKS, MarkPattern
from reader.core.userdata.files import LockUnavailable, read_text, replace_file, transient_lock
from reader.core.userdata.yaml_files import dump, editor

if TYPE_CHECKING:  # a search of a corpus without a gazetteer never loads the YAML parser
    import yaml

MAX_GAZETTEER_BYTES = 4 * 1024 * 1024
MAX_NAME_CHARS = 200
NEW_FILE_HEADER = """\
# Gazetteer for this corpus: entities with an id, a type (person, organisation, place, other)
# and every name they go by, in any language or script. Matching ignores case and accents.
"""

_WORD_RE = MarkPattern(rf"(?:\w|[{MARKS}])+")  # vowel signs and viramas are inside their word
# The next word of a multi-word name, after what may separate the words in running text.
_NEXT_WORD_RE = MarkPattern(rf"(?:[\s\-\u2010\u2011\u2013'’&/]{{1,3}}|\.|(?<=(?<!\w)\w)\.\s)((?:\w|[{MARKS}])+)")
_CYRILLIC_VOWELS = "аяоеёэыиуюйь"


class GazetteerError(ReaderError):
    """The gazetteer file cannot be read or written; str() is one line naming the file and line."""


@dataclass
class Entity:
    """One gazetteer entry: canonical id, type and all its names."""

    id: str
    type: str
    names: list[str] = field(default_factory=list)


class _FoldTable(dict):
    """`str.translate` table folding each character to exactly one character (lazily filled)."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        folded = fold(char)
        if len(folded) != 1:
            lowered = char.lower()
            folded = lowered if len(lowered) == 1 else char
        self[code] = folded
        return folded


_FOLD_TABLE = _FoldTable()
_NON_ASCII_RE = re.compile(r"[^\x00-\x7f]")


def _fold_char(match: re.Match[str]) -> str:
    return _FOLD_TABLE[ord(match.group())]


def fold_keeping_offsets(text: str) -> tuple[str, list[int] | None]:
    """Fold `text` for matching; return it and, when its length changed, each folded char's offset in `text`."""
    lowered = text.lower()
    if lowered.isascii():
        return lowered, None
    if len(lowered) == len(text) and unicodedata.is_normalized("NFC", text):
        return _NON_ASCII_RE.sub(_fold_char, lowered), None
    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        if not unicodedata.combining(char):
            chars.append(_FOLD_TABLE[ord(char)])
            origin.append(index)
    return "".join(chars), origin


def _lower_in(text: str, start: int, end: int, origin: list[int] | None) -> bool:
    if origin is not None:
        start, end = origin[start], origin[end - 1] + 1
    return text[start:end].islower()


def _is_cyrillic(word: str) -> bool:
    return "\u0400" <= word[0] <= "\u04ff"


class _Node:
    __slots__ = ("exact", "lookup", "stems", "entity_id", "cased")

    def __init__(self) -> None:
        self.exact: dict[str, _Node] = {}
        self.lookup: dict[str, _Node] = {}
        self.stems: dict[str, _Node] = {}
        self.entity_id: str | None = None
        self.cased = False

    def finish(self) -> None:
        """Build `lookup`: exact words plus a genitive/plural -s on Latin words of four letters or more."""
        self.lookup = {f"{word}s": child for word, child in self.exact.items()
                       if len(word) >= 4 and not _is_cyrillic(word)}
        self.lookup.update(self.exact)
        for child in (*self.exact.values(), *self.stems.values()):
            child.finish()

    def children(self, word: str) -> list[_Node]:
        """Nodes reached by `word`, allowing -s after Latin words and a short Russian case ending."""
        found = [self.lookup[word]] if word in self.lookup else []
        if self.stems and _is_cyrillic(word):
            for cut in (0, 1, 2):
                if len(word) - cut >= 3 and (child := self.stems.get(word[: len(word) - cut])) is not None:
                    found.append(child)
        return found


class Gazetteer:
    """Entities by id with a word trie over their folded names."""

    def __init__(self, entities: Iterable[Entity] = ()) -> None:
        self.entities: dict[str, Entity] = {}
        self._root = _Node()
        self._keys: dict[str, str] = {}
        for entity in entities:
            self.entities.setdefault(entity.id, entity)
        for entity in self.entities.values():
            self._keys.setdefault(normalise_name(entity.id), entity.id)
            for name in entity.names:
                self._keys.setdefault(normalise_name(name), entity.id)
                self._insert(name, entity.id)
        self._root.finish()

    def _insert(self, name: str, entity_id: str) -> None:
        name = unicodedata.normalize("NFC", name)
        variants = {tuple(_WORD_RE.findall(fold_keeping_offsets(name)[0])), tuple(_WORD_RE.findall(fold(name)))}
        for words in filter(None, variants):
            node = self._root
            for word in words:
                if _is_cyrillic(word) and len(word) >= 4:
                    stem = word[:-1] if word[-1] in _CYRILLIC_VOWELS else word
                    node = node.stems.setdefault(stem, _Node())
                else:
                    node = node.exact.setdefault(word, _Node())
            if node.entity_id is None:
                node.entity_id = entity_id
                node.cased = len(words) == 1 and any(char.isupper() for char in name)

    @classmethod
    def load(cls, path: Path) -> Gazetteer:
        """Read a gazetteer file; a missing file is an empty gazetteer."""
        path = Path(path)
        text = read_text(path, MAX_GAZETTEER_BYTES, GazetteerError)
        return cls() if text is None else cls(_entities_from_text(path, text))

    def match(self, text: str) -> list[Span]:
        """All non-overlapping gazetteer names in `text`, leftmost-longest, as spans."""
        root = self._root
        if not text or not (root.lookup or root.stems):
            return []
        folded, origin = fold_keeping_offsets(text)
        spans: list[Span] = []
        position = resume = 0
        for word in _WORD_RE.findall(folded):
            if word not in root.lookup and not (root.stems and _is_cyrillic(word) and root.children(word)):
                continue
            start = find_word(folded, word, position)
            if start < 0:
                continue
            position = start + len(word)
            if start < resume:
                continue
            end, best, count = self._longest(folded, word, position)
            if best is None or (count == 1 and best.cased and _lower_in(text, start, end, origin)):
                continue
            resume = end
            if origin is not None:
                start, end = origin[start], origin[end - 1] + 1
                while end < len(text) and unicodedata.combining(text[end]):
                    end += 1
            entity = self.entities[best.entity_id]  # type: ignore[index]
            spans.append(Span(start, end, text[start:end], entity.type, entity.id, "gazetteer"))
        return spans

    def _longest(self, folded: str, word: str, end: int) -> tuple[int, _Node | None, int]:
        """The longest name starting with `word` (ending at `end`): (end offset, its node, its number of words)."""
        best: tuple[int, _Node | None, int] = (end, None, 0)
        pending = [(self._root, word, end, 1)]
        while pending:
            node, word, end, count = pending.pop()
            for child in node.children(word):
                if child.entity_id is not None and (best[1] is None or end > best[0]):
                    best = (end, child, count)
                if (child.lookup or child.stems) and (following := _NEXT_WORD_RE.match(folded, end)):
                    pending.append((child, following.group(1), following.end(), count + 1))
        return best

    def resolve(self, name: str) -> str | None:
        """The canonical id for an id or any name (case, accent and script insensitive), else None."""
        return self._keys.get(normalise_name(name)) if name else None

    def aliases(self, entity_id: str) -> list[str]:
        """The names of `entity_id`, empty when unknown."""
        entity = self.entities.get(entity_id)
        return list(entity.names) if entity else []


def _check_expansion(path: Path, root: yaml.Node, text: str) -> None:
    """Reject documents whose aliases expand far beyond their text (billion laughs)."""
    import yaml

    budget = 10_000 + len(text)
    pending = [root]
    while pending:
        node = pending.pop()
        budget -= 1
        if budget < 0:
            raise GazetteerError(f"{path}:{root.start_mark.line + 1}: too many nodes after alias expansion")
        if isinstance(node, yaml.SequenceNode):
            pending.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                pending.extend((key, value))


def _parse(path: Path, text: str) -> tuple[object, yaml.Node | None]:
    """Safely parse YAML text into (data, root node), with errors as GazetteerError."""
    import yaml

    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return None, None
        _check_expansion(path, root, text)
        return loader.construct_document(root), root
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = f":{mark.line + 1}" if mark else ""
        problem = " ".join(str(error.problem or error.context or "invalid YAML").split())
        raise GazetteerError(f"{path}{line}: {problem}") from None
    except yaml.YAMLError as error:
        raise GazetteerError(f"{path}: {' '.join(str(error).split())}") from None
    except RecursionError:
        raise GazetteerError(f"{path}: structure is nested too deeply") from None
    finally:
        loader.dispose()


def _entities_from_text(path: Path, text: str) -> list[Entity]:
    import yaml

    data, root = _parse(path, text)
    if data is None:
        return []
    line = root.start_mark.line + 1 if root is not None else 1
    if not isinstance(data, dict) or not isinstance(root, yaml.MappingNode):
        raise GazetteerError(f"{path}:{line}: expected a mapping with an 'entities' list at the top")
    items_node = next((value for key, value in root.value if key.value == "entities"), None)
    items = data.get("entities")
    if items is None:
        return []
    if not isinstance(items, list) or not isinstance(items_node, yaml.SequenceNode):
        where = items_node.start_mark.line + 1 if items_node else line
        raise GazetteerError(f"{path}:{where}: 'entities' must be a list")
    entities: list[Entity] = []
    seen: set[str] = set()
    for item, node in zip(items, items_node.value):
        entity = _entity_from(item, f"{path}:{node.start_mark.line + 1}")
        if entity.id in seen:
            raise GazetteerError(f"{path}:{node.start_mark.line + 1}: duplicate entity id '{entity.id}'")
        seen.add(entity.id)
        entities.append(entity)
    return entities


def _entity_from(item: object, where: str) -> Entity:
    if not isinstance(item, dict):
        raise GazetteerError(f"{where}: each entity must be a mapping with id, type and names")
    entity_id, kind, names = item.get("id"), item.get("type"), item.get("names")
    if isinstance(entity_id, int) and not isinstance(entity_id, bool):
        entity_id = str(entity_id)
    if not isinstance(entity_id, str) or not entity_id.strip() or "\n" in entity_id:
        raise GazetteerError(f"{where}: entity needs an 'id' (one line of text)")
    if kind not in ENTITY_TYPES:
        expected = ", ".join(ENTITY_TYPES)
        raise GazetteerError(f"{where}: entity '{entity_id}' has type {kind!r}; expected one of {expected}")
    if isinstance(names, (str, int)) and not isinstance(names, bool):
        names = [names]
    if not isinstance(names, list) or not names:
        raise GazetteerError(f"{where}: entity '{entity_id}' needs a non-empty 'names' list")
    texts: list[str] = []
    for name in names:
        if isinstance(name, bool) or not isinstance(name, (str, int, float)) or not str(name).strip():
            raise GazetteerError(f"{where}: entity '{entity_id}' has a name that is not text: {name!r}")
        texts.append(" ".join(str(name).split()))
    return Entity(entity_id.strip(), kind, texts)


def add_name(path: Path, name: str, type: str, entity_id: str | None = None, base: Path | None = None) -> str:
    """Add `name` to the gazetteer file, as an alias of `entity_id` or as a new entity; return the entity id.

    The file is re-read under a lock and replaced atomically, keeping comments and order; a file not
    written yet starts from `base` (the corpus's own gazetteer, for one kept in a data folder).
    """
    path = Path(path)
    if base is not None and Path(base) != path:
        path.parent.mkdir(parents=True, exist_ok=True)
    name = " ".join(str(name).split())
    if not name or len(name) > MAX_NAME_CHARS or not _WORD_RE.search(name):
        raise ValueError(f"not a usable name: {name[:60]!r}")
    if type not in ENTITY_TYPES:
        raise ValueError(f"unknown entity type {type!r}; expected one of {', '.join(ENTITY_TYPES)}")
    with contextlib.ExitStack() as stack:
        try:  # its lock file is removed again: none is left beside the corpus's articles
            stack.enter_context(transient_lock(path.with_name(f".{path.name}.lock")))
        except LockUnavailable as exc:
            raise GazetteerError(f"{path}: {exc.problem}") from None
        text = read_text(path, MAX_GAZETTEER_BYTES, GazetteerError)
        if text is None and base is not None:
            text = read_text(base, MAX_GAZETTEER_BYTES, GazetteerError)
        text = text or ""
        gazetteer = Gazetteer(_entities_from_text(path, text))
        owner = _owner_of(gazetteer, name)
        if owner is not None and entity_id in (None, owner):
            return owner
        if owner is not None:
            raise GazetteerError(f"{path}: '{name}' is already a name of '{owner}'")
        if entity_id is None:
            entity_id = _new_id(gazetteer, name)
        new_text = _with_name(text, name, type, entity_id)
        _entities_from_text(path, new_text)
        replace_file(path, new_text.encode("utf-8"))
        return entity_id


def _owner_of(gazetteer: Gazetteer, name: str) -> str | None:
    """The entity that already has `name` as a name (same folded words), if any."""
    words = _match_words(name)
    for entity in gazetteer.entities.values():
        for alias in entity.names:
            if _match_words(alias) == words:
                return entity.id
    return None


def _match_words(name: str) -> list[str]:
    return _WORD_RE.findall(fold_keeping_offsets(unicodedata.normalize("NFC", name))[0])


def _new_id(gazetteer: Gazetteer, name: str) -> str:
    base = normalise_name(name) or "entity"
    candidate, number = base, 2
    while candidate in gazetteer.entities:
        candidate, number = f"{base}_{number}", number + 1
    return candidate


def round_trip_editor(text: str):
    """A round-trip editor (`yaml_files.editor`) that writes lists indented as `text` indents them."""
    edit = editor()
    indent = re.search(r"^( *)-( +)\S", text, re.M)
    offset = len(indent.group(1)) if indent else 2
    edit.indent(mapping=2, sequence=offset + (len(indent.group(2)) if indent else 1) + 1, offset=offset)
    return edit


def _with_name(text: str, name: str, kind: str, entity_id: str) -> str:
    """Return the file text with `name` added (ruamel.yaml round trip keeps comments and order)."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    edit = round_trip_editor(text)
    document = edit.load(text) if text.strip() else None
    prefix = ""
    if document is None:
        prefix = text.rstrip("\n") + "\n" if text.strip() else NEW_FILE_HEADER
        document = CommentedMap()
    if document.get("entities") is None:
        document["entities"] = CommentedSeq()
    for item in document["entities"]:
        if str(item.get("id")).strip() == entity_id:
            names = item.get("names")
            if isinstance(names, list):
                names.append(name)
            else:
                item["names"] = [names, name]
            break
    else:
        names = CommentedSeq([name])
        names.fa.set_flow_style()
        document["entities"].append(CommentedMap([("id", entity_id), ("type", kind), ("names", names)]))
    return prefix + dump(edit, document)


_gazetteers: dict[str, tuple[tuple[int, int], Gazetteer | None, str]] = {}


def load_gazetteer(path: Path) -> tuple[Gazetteer | None, str]:
    """The gazetteer at `path` (cached per process until the file changes) and its error, if any."""
    try:
        st = os.stat(path)
        version = (st.st_mtime_ns, st.st_size)
    except OSError:
        return None, ""
    cached = _gazetteers.get(str(path))
    if cached is None or cached[0] != version:
        try:
            cached = (version, Gazetteer.load(path), "")
        except GazetteerError as exc:
            cached = (version, None, f"{exc}; its entities are not used")
        _gazetteers[str(path)] = cached
    return cached[1], cached[2]
