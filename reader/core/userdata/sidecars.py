"""Read, merge and write the YAML sidecars that hold the analyst's tags, notes and overrides (SPEC §3).

A sidecar is replaced whole (temporary file, fsync, rename) under an flock, after re-reading it, so
concurrent writers merge instead of clobbering; a file that does not parse is never overwritten.
`sidecar_path` is the one place that says where a sidecar is: beside the article, or in the data
folder of a read-only corpus (`data_overlay`), where a sidecar not written yet starts from the one
beside the article.
"""

from __future__ import annotations

import contextlib
import copy
import errno
import functools
import os
import re
import stat
from pathlib import Path
from typing import Iterable, Iterator, Mapping

import yaml as pyyaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.scalarbool import ScalarBoolean
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    LiteralScalarString,
    ScalarString,
    SingleQuotedScalarString,
)
from ruamel.yaml.scanner import RoundTripScanner, ScannerError

from reader.core.corpus.articles import split_member
from reader.core.errors import EnvironmentFailure, ReaderError
from reader.core.text import normalise_tag
from reader.core.userdata.data_overlay import relocated
from reader.core.userdata.files import LockUnavailable, replace_file, transient_lock
from reader.core.userdata.yaml_files import dump, editor

MAX_SIDECAR_BYTES = 1024 * 1024
MAX_ALIASES = 100
MAX_VALUES = 100_000  # values in the document once every alias is expanded
MAX_DEPTH = 64
LOCK_TIMEOUT = 10.0
STRING_KEYS = ("notes", "lang", "title", "date", "source", "url")  # read as the text typed

_CORE = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {_CORE + name for name in ("str", "int", "float", "bool", "null", "seq", "map", "timestamp")}
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_COMMENTS_ONLY = re.compile(r"(?:[ \t]*(?:#[^\n]*)?(?:\n|$))*")
_YAML11 = pyyaml.resolver.Resolver()


class SidecarError(ReaderError):
    """A sidecar that cannot be read or written; str() is one line naming the file."""


class SidecarLocked(SidecarError, EnvironmentFailure):
    """Another writer held a sidecar's lock longer than the timeout."""


def sidecar_path(article_path: Path) -> Path:
    """Where the article's sidecar is written: `a/b.txt` -> `a/b.txt.yaml` (of a member `a/d.jsonl#k`:
    `a/d.jsonl.yaml`, the keyed sidecar of its file, a mapping of member key -> that member's sidecar),
    or the same path inside the corpus's data folder when it has one (see `data_overlay`)."""
    beside = archived_sidecar(article_path)
    return relocated(beside) or beside


def archived_sidecar(article_path: Path) -> Path:
    """The sidecar beside the article, whether or not the corpus has a data folder (the one naming rule)."""
    path = split_member(article_path)[0]
    return path.with_name(path.name + ".yaml")


def sidecar_mtime_ns(article_path: Path) -> int:
    """The mtime (ns) of the sidecar that holds the article's data now; 0 when it has none."""
    for sidecar in dict.fromkeys((sidecar_path(article_path), archived_sidecar(article_path))):
        with contextlib.suppress(OSError):
            return os.lstat(sidecar).st_mtime_ns
    return 0


def read_sidecar(article_path: Path) -> dict:
    """The article's sidecar as a plain dict ({} when there is none); tags normalised, duplicates dropped."""
    sidecar, text, _ = _current_text(article_path)
    key = split_member(article_path)[1]
    if key:
        return copy.deepcopy(read_member_sidecars(sidecar).get(key, {}))
    return {} if text is None else _parse(sidecar, text)[2]


def _current_text(article_path: Path) -> tuple[Path, str | None, bool]:
    """(file read, its text or None, whether that file is the one written): a data folder's sidecar
    not written yet reads as the sidecar beside the article."""
    sidecar = sidecar_path(article_path)
    text = _read_text(sidecar)
    archived = archived_sidecar(article_path)
    if text is None and archived != sidecar:
        archived_text = _read_text(archived)
        if archived_text is not None:
            return archived, archived_text, False
    return sidecar, text, True


def read_member_sidecars(sidecar: Path) -> dict[str, dict]:
    """Every member's sidecar in a keyed sidecar, by member key (read again only when the file changed)."""
    try:
        st = os.stat(sidecar)
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise _error(sidecar, f"cannot read: {exc.strerror}") from exc
    return _member_sidecars(str(sidecar), st.st_mtime_ns, st.st_size, st.st_ino)


@functools.lru_cache(maxsize=4)
def _member_sidecars(sidecar: str, mtime_ns: int, size: int, inode: int) -> dict[str, dict]:
    text = _read_text(Path(sidecar))
    if text is None:
        return {}
    node, doc = _compose(Path(sidecar), text)
    return {key_node.value: _read_mapping(Path(sidecar), value_node, doc[doc_key])[0]
            for (key_node, value_node), doc_key in zip(node.value, doc) if isinstance(value_node, MappingNode)} \
        if node is not None else {}


def parse_sidecar_text(sidecar: Path, text: str) -> CommentedMap:
    """The round-trip document of a sidecar's text, checked as every sidecar read is (SidecarError)."""
    return _parse(sidecar, text)[0]


def update_sidecar(article_path: Path, add_tags: Iterable[str] = (), remove_tags: Iterable[str] = (),
                   notes: str | None = None, fields: Mapping[str, object] | None = None) -> dict:
    """Merge the changes into the sidecar as it is on disk now, write it atomically, return the result.

    A tag both added and removed is kept; a field set to None is deleted. Nothing is written when
    nothing changes, or when the file on disk does not parse (SidecarError).
    """
    add = list(dict.fromkeys(map(normalise_tag, [add_tags] if isinstance(add_tags, str) else add_tags)))
    remove = set(map(normalise_tag, [remove_tags] if isinstance(remove_tags, str) else remove_tags)) - set(add)
    fields = {**(fields or {}), **({} if notes is None else {"notes": notes})}
    if "tags" in fields:
        raise ValueError("change tags with add_tags/remove_tags, not fields")
    fields = {k: str(v) if k in STRING_KEYS and v is not None else v for k, v in fields.items()}
    sidecar = sidecar_path(article_path)
    key = split_member(article_path)[1]
    with sidecar_lock(article_path):
        source, text, in_place = _current_text(article_path)
        top, doc, before, raw_tags = (CommentedMap(), CommentedMap(), {}, None) if text is None \
            else _parse(source, text, key)
        expected = _merge_plain(before, add, remove, fields)
        if expected == before:
            return before
        was_empty = not top
        _merge_document(doc, raw_tags, add, remove, fields)
        if key and doc is not top and not any(str(k) == key for k in top):
            top[_yaml_string(key)] = doc  # a new member entry
        header = text.rstrip() + "\n" if text and was_empty and _COMMENTS_ONLY.fullmatch(text) else ""
        out = header + dump(_yaml(), top if key else doc)
        if len(out.encode("utf-8")) > MAX_SIDECAR_BYTES:
            raise _error(sidecar, f"would grow beyond {MAX_SIDECAR_BYTES} bytes; nothing written")
        try:
            written = _parse(sidecar, out, key)[2]
            reads_back = written == expected or repr(written) == repr(expected)  # repr: NaN != NaN
        except SidecarError:
            reads_back = False
        if not reads_back:
            raise _error(sidecar, "the merged sidecar would not read back as intended; nothing written")
        if text is not None and in_place and not os.access(sidecar, os.W_OK):
            raise _error(sidecar, "sidecar is read-only")
        _write_atomic(sidecar, out, _read_only(article_path))
        return expected


@contextlib.contextmanager
def sidecar_lock(article_path: Path, timeout: float | None = None) -> Iterator[None]:
    """Hold the exclusive lock of an article's sidecar; re-entrant within a thread.

    An flock on the hidden `.<sidecar name>.lock` beside the sidecar, which exists only while the lock
    is held (userfiles.transient_lock): the kernel releases it however the holder ends, so a killed
    writer leaves no stale lock, and a command that ends leaves no lock file beside the article.
    """
    sidecar = sidecar_path(article_path)
    with contextlib.ExitStack() as stack:
        try:
            if sidecar != archived_sidecar(article_path):  # a data folder grows the article's folders
                sidecar.parent.mkdir(parents=True, exist_ok=True)
            stack.enter_context(transient_lock(sidecar.with_name(f".{sidecar.name}.lock"),
                                               LOCK_TIMEOUT if timeout is None else timeout))
        except LockUnavailable as exc:
            raise _error(sidecar, _read_only(article_path) if exc.read_only else exc.problem,
                         SidecarLocked if exc.timed_out else SidecarError) from None
        except OSError as exc:
            raise _error(sidecar, _read_only(article_path) if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS)
                         else f"cannot make its folder: {exc.strerror}") from None
        yield


def _error(sidecar: Path, problem: str, kind: type[SidecarError] = SidecarError) -> SidecarError:
    return kind(" ".join(f"{sidecar}".splitlines()) + ": " + " ".join(problem.split()))


def _read_text(sidecar: Path) -> str | None:
    """The sidecar's text, None when there is none; never follows a symlink or waits on a FIFO."""
    try:
        fd = os.open(sidecar, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | _CLOEXEC)
    except FileNotFoundError:
        return None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise _error(sidecar, "is a symbolic link; sidecars must be regular files") from exc
        raise _error(sidecar, f"cannot read: {exc.strerror}") from exc
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise _error(sidecar, "is not a regular file")
        chunks, total = [], 0
        while total <= MAX_SIDECAR_BYTES and (chunk := os.read(fd, 1 << 16)):
            chunks.append(chunk)
            total += len(chunk)
    except OSError as exc:
        raise _error(sidecar, f"cannot read: {exc.strerror}") from exc
    finally:
        os.close(fd)
    if total > MAX_SIDECAR_BYTES:
        raise _error(sidecar, f"too big (over {MAX_SIDECAR_BYTES} bytes)")
    try:
        return b"".join(chunks).decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _error(sidecar, f"not UTF-8 text (bad byte at offset {exc.start})") from exc


class _Scanner(RoundTripScanner):
    """Stops at deep flow nesting, in which the pure-Python scanner is quadratic (`[[[[…` hangs)."""

    def fetch_flow_collection_start(self, TokenClass: type, to_push: str) -> None:  # noqa: N803
        if self.flow_level >= MAX_DEPTH:
            raise ScannerError(problem="nested too deeply", problem_mark=self.reader.get_mark())
        super().fetch_flow_collection_start(TokenClass, to_push)


def _yaml() -> YAML:
    yaml = editor()
    yaml.Scanner = _Scanner
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def _compose(sidecar: Path, text: str) -> tuple[MappingNode | None, CommentedMap]:
    """The checked top-level mapping node of a sidecar (None when empty) and its round-trip document."""
    yaml = _yaml()
    try:
        node = yaml.compose(text)  # nodes only: nothing is constructed before _check_nodes
        if node is None:
            return None, CommentedMap()
        if not isinstance(node, MappingNode):
            raise _error(sidecar, "top level is not a mapping")
        _check_nodes(sidecar, node)
        return node, yaml.constructor.construct_document(node)
    except MarkedYAMLError as exc:
        mark, problem = exc.problem_mark or exc.context_mark, exc.problem or exc.context or "invalid YAML"
        raise _error(sidecar, f"line {mark.line + 1}: {problem}" if mark else problem) from exc
    except (YAMLError, ValueError, TypeError, OverflowError) as exc:
        raise _error(sidecar, f"invalid YAML: {exc}") from exc
    except RecursionError:
        raise _error(sidecar, "nested too deeply") from None


def _parse(sidecar: Path, text: str, key: str = "") -> tuple[CommentedMap, CommentedMap, dict, list[str] | None]:
    """Round-trip document, the article's mapping in it (the document itself, or the entry of member
    `key` in a keyed sidecar: a new empty one when it has none), plain dict, and the typed text of each
    tag item (None: no `tags` key)."""
    node, top = _compose(sidecar, text)
    if node is None:
        return top, top if not key else CommentedMap(), {}, None
    if not key:
        return top, top, *_read_mapping(sidecar, node, top)
    for (key_node, value_node), doc_key in zip(node.value, top):
        if isinstance(key_node, ScalarNode) and key_node.value == key:
            if not isinstance(value_node, MappingNode):
                raise _error(sidecar, f"line {value_node.start_mark.line + 1}: member {key} is not a mapping")
            return top, top[doc_key], *_read_mapping(sidecar, value_node, top[doc_key])
    return top, CommentedMap(), {}, None


def _read_mapping(sidecar: Path, node: MappingNode, doc: CommentedMap) -> tuple[dict, list[str] | None]:
    """The plain dict of one sidecar mapping and the typed text of its tag items (None: no `tags`)."""
    value_nodes = {k.value: v for k, v in node.value if isinstance(k, ScalarNode) and k.tag == _CORE + "str"}
    plain: dict = {}
    raw_tags = None
    for key, value in doc.items():
        name, value_node = str(key), value_nodes.get(key)
        if name == "tags" and value_node is not None:
            raw_tags = _tag_texts(sidecar, value_node)
            plain[name] = list(dict.fromkeys(filter(None, map(_normalised_or_none, raw_tags))))
        elif name in STRING_KEYS and isinstance(value_node, ScalarNode):
            plain[name] = None if value_node.tag == _CORE + "null" else value_node.value
        else:
            plain[name] = _plain(value)
    return plain, raw_tags


def _check_nodes(sidecar: Path, root: Node) -> None:
    """Reject unknown tags, deep nesting, recursive aliases and aliases that blow the document up."""
    sizes: dict[int, int] = {}  # node -> number of values once expanded
    aliases = 0

    def size(node: Node, depth: int) -> int:
        nonlocal aliases
        line = f"line {node.start_mark.line + 1}"
        if id(node) in sizes:
            aliases += 1
            if sizes[id(node)] < 0:
                raise _error(sidecar, f"{line}: recursive alias")
            if aliases > MAX_ALIASES:
                raise _error(sidecar, f"{line}: more than {MAX_ALIASES} aliases")
            return sizes[id(node)]
        if depth > MAX_DEPTH:
            raise _error(sidecar, f"{line}: nested too deeply")
        if node.tag not in _ALLOWED_TAGS:
            tag = "!!" + node.tag[len(_CORE):] if node.tag.startswith(_CORE) else node.tag
            raise _error(sidecar, f"{line}: unsupported YAML tag {tag}")
        sizes[id(node)] = -1  # being expanded
        children = node.value if isinstance(node, SequenceNode) else (
            [n for pair in node.value for n in pair] if isinstance(node, MappingNode) else [])
        sizes[id(node)] = total = 1 + sum(size(child, depth + 1) for child in children)
        if total > MAX_VALUES:
            raise _error(sidecar, f"{line}: aliases expand to more than {MAX_VALUES} values")
        return total

    size(root, 0)


def _tag_texts(sidecar: Path, node: Node) -> list[str]:
    """Each tag as the text typed, so `no`, `012` or `~` stay those strings."""
    if isinstance(node, ScalarNode):
        return [] if node.tag == _CORE + "null" else [node.value]
    for item in node.value if isinstance(node, SequenceNode) else [node]:
        if not isinstance(item, ScalarNode):
            raise _error(sidecar, f"line {item.start_mark.line + 1}: tags must be a list of strings")
    return [item.value for item in node.value]


def _normalised_or_none(tag: str) -> str | None:
    try:
        return normalise_tag(tag)
    except ValueError:
        return None


def _plain(value: object) -> object:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    for kind in (bool, int, float, str):
        if isinstance(value, kind):
            return bool(value) if isinstance(value, ScalarBoolean) else kind(value)
    return value


def _merge_plain(before: dict, add: list[str], remove: set[str], fields: dict) -> dict:
    after = dict(before)
    tags = [t for t in before.get("tags", []) if t not in remove]
    tags += [t for t in add if t not in tags]
    if "tags" in before or tags:
        after["tags"] = tags
    for key, value in fields.items():
        if value is None:
            after.pop(key, None)
        else:
            after[key] = _plain(value)
    return after


def _merge_document(doc: CommentedMap, raw_tags: list[str] | None, add: list[str], remove: set[str],
                    fields: dict) -> None:
    if add or remove:
        seq = doc.get("tags")
        if isinstance(seq, CommentedSeq):
            for index, item in enumerate(seq):
                if not isinstance(item, ScalarString):  # typed unquoted: `no`, `012`, `~` get quotes
                    seq[index] = _yaml_string(raw_tags[index])
        else:
            seq = CommentedSeq(_yaml_string(t) for t in raw_tags or [])
        for index in reversed(range(len(seq))):
            if _normalised_or_none(seq[index]) in remove:
                del seq[index]
        present = set(map(_normalised_or_none, seq))
        seq.extend(_yaml_string(tag) for tag in add if tag not in present)
        if seq or "tags" in doc:
            doc["tags"] = seq
    for key, value in fields.items():
        if value is None:
            doc.pop(key, None)
        else:
            doc[key] = _yaml_string(value) if isinstance(value, str) else value


def _yaml_string(text: str) -> str:
    """The string, styled to read back as the same string under YAML 1.2 and 1.1 (PyYAML) alike."""
    if not all(char.isprintable() or char in "\n\t" for char in text):
        return DoubleQuotedScalarString(text)  # escapes NEL, LS, PS, controls … that other styles mangle
    if "\n" in text.rstrip("\n"):
        return LiteralScalarString(text)
    if _YAML11.resolve(pyyaml.ScalarNode, text, (True, False)) != _CORE + "str":
        return SingleQuotedScalarString(text)
    return text


def _read_only(article_path: Path) -> str:
    """The problem of a sidecar folder reader may not write, naming which folder it is."""
    return "corpus folder is read-only" if sidecar_path(article_path) == archived_sidecar(article_path) \
        else "data folder is read-only (choose another with --data DIR)"


def _write_atomic(sidecar: Path, text: str, read_only_problem: str) -> None:
    """Replace the sidecar (`replace_file`), through one fixed temporary name: writers hold the lock, and
    what a killed writer left is removed first."""
    temporary = sidecar.with_name(f".{sidecar.name}.tmp")
    try:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        replace_file(sidecar, text.encode("utf-8"), temporary)
    except OSError as exc:
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            raise _error(sidecar, read_only_problem) from exc
        raise _error(sidecar, f"cannot write: {exc.strerror or exc}; the previous sidecar is unchanged") from exc
