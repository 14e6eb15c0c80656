"""Discover and load the articles of a corpus folder (SPEC §2)."""

from __future__ import annotations

import codecs
import functools
import hashlib
import json
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from reader.core.corpus.dates import detect_date, normalise_date
from reader.core.corpus.language import detect_language, language_code
from reader.core.errors import ReaderError
from reader.core.text import one_line
from reader.core.userdata.data_overlay import data_of

TEXT_SUFFIXES = (".txt", ".md", ".html", ".htm")
DOCUMENT_SUFFIXES = (".pdf", ".docx", ".odt", ".eml")  # one article each
CONTAINER_SUFFIXES = (".mbox", ".rss", ".atom", ".xml", ".jsonl", ".ndjson", ".json")  # one per member
ARTICLE_SUFFIXES = TEXT_SUFFIXES + DOCUMENT_SUFFIXES + CONTAINER_SUFFIXES
USER_SUFFIXES = (".yaml", ".yml")  # sidecars, the gazetteer, field names: not articles, not unknown
METADATA_KEYS = ("title", "lang", "date", "source", "url", "author")
MAX_ARTICLE_BYTES = 64 * 1024 * 1024
GAZETTEER_FILE = "entities.yaml"  # the corpus gazetteer (SPEC §5)
PLAIN_KEY = r"[A-Za-z0-9_][A-Za-z0-9_.:@=+-]{0,63}"  # a record's own id used as its member key
_MEMBER_KEY_RE = re.compile(PLAIN_KEY + r"(?:~[0-9]+)?")  # `~2`: the second member with that key


class CorpusError(ReaderError):
    """The corpus folder is missing or unreadable."""


class ArticleSkipped(ReaderError):
    """A file that looks like an article but cannot be loaded; str() says why."""


@dataclass
class Article:
    """One article: its text, metadata and the analyst's sidecar data."""

    id: str
    path: Path
    title: str
    body: str
    lang: str
    date: str = ""
    source: str = ""
    url: str = ""
    author: str = ""
    tags: list[str] = field(default_factory=list)
    notes: str = ""
    encoding: str = "utf-8"
    sidecar_error: str = ""
    warnings: list[str] = field(default_factory=list)
    fingerprint: str = ""  # of the file's own text (see text_fingerprint)

    @property
    def text(self) -> str:
        """Title and body as one text, the title on the first line."""
        return f"{self.title}\n\n{self.body}" if self.body else self.title


@dataclass
class FileEntry:
    """An article file found on disk, with what identifies its version."""

    id: str
    path: str
    mtime_ns: int
    size: int
    sidecar_mtime_ns: int  # 0 when the article has no sidecar

    @property
    def stamp(self) -> tuple[int, int, int]:
        """What the index's manifest records of this version: mtime, size and the sidecar's mtime."""
        return self.mtime_ns, self.size, self.sidecar_mtime_ns


def article_id(root: Path, path: Path) -> str:
    """The article id: the path relative to the corpus root with `/` separators."""
    return path.relative_to(root).as_posix()


def is_article_name(name: str) -> bool:
    """True for file names the corpus reads as articles (or as files of articles)."""
    return name.lower().endswith(ARTICLE_SUFFIXES) and not name.startswith(".")


def is_container_name(name: str) -> bool:
    """True for file names read as many articles, one per member (`dump.jsonl#key`)."""
    return name.lower().endswith(CONTAINER_SUFFIXES) and not name.startswith(".")


def split_member(path: Path) -> tuple[Path, str]:
    """(container file, member key) of a member `…/dump.jsonl#key`; (path, '') for any other path."""
    path = Path(path)
    head, sep, key = path.name.rpartition("#")
    if sep and is_container_name(head) and _MEMBER_KEY_RE.fullmatch(key):
        return path.with_name(head), key
    return path, ""


@dataclass(frozen=True)
class Scope:
    """The part of a corpus an update walks again: the `walked` folders (relative; '.' is the corpus
    itself), each without its subfolders in `known` (those are walked when they changed themselves)."""

    walked: tuple[str, ...]
    known: frozenset[str]


def scan_corpus(root: Path, warnings: list[str] | None = None, folders: dict[str, int] | None = None,
                unknown: list[str] | None = None, orphans: list[str] | None = None,
                data_folders: dict[str, int] | None = None, scope: Scope | None = None) -> Iterator[FileEntry]:
    """Walk `root` recursively and yield every article file, skipping hidden folders.

    Symlinked folders are followed once each (cycles do not loop); links leading out of the
    corpus are skipped with a warning. `folders` receives each folder's mtime (ns) by relative path;
    `unknown` the relative paths of files of no type reader reads (YAML files are the analyst's), `orphans`
    the id of each article that is gone but left its sidecar (`a.txt.yaml` without `a.txt`); `data_folders`
    the mtime of each folder's copy in the corpus's data folder (0: not there), whose sidecars come first.
    With a `scope`, only its folders are walked, each without the subfolders it already knew.
    """
    root = Path(root)
    data = data_of(root)
    if not root.is_dir():
        raise CorpusError(f"corpus folder not found: {root}")
    real_root = os.path.realpath(root)
    prefix_len = len(str(root).rstrip(os.sep)) + 1
    seen_dirs: set[tuple[int, int]] = set()
    stack = [str(root)] if scope is None else \
        [str(root) if rel == "." else os.path.join(root, rel) for rel in reversed(scope.walked)]
    while stack:
        folder = stack.pop()
        rel_folder = folder[prefix_len:].replace(os.sep, "/")
        try:
            st = os.stat(folder)
            key = (st.st_dev, st.st_ino)
            if key in seen_dirs:
                continue
            seen_dirs.add(key)
            if folders is not None:
                folders[rel_folder or "."] = st.st_mtime_ns
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            _warn(warnings, f"{folder}: cannot read folder ({exc.strerror or exc})")
            continue
        names = {e.name for e in entries}
        overlay, overlay_names = _overlay_listing(data, rel_folder, data_folders)
        subdirs = []
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            if orphans is not None and name.endswith(".yaml") and is_article_name(name[:-5]) \
                    and name[:-5] not in names:
                orphans.append(f"{rel_folder}/{name[:-5]}" if rel_folder else name[:-5])
            if not name.isprintable() and (problem := _name_problem(name)):
                _warn(warnings, f"{_shown(entry.path)}: the name {problem} "
                                "(an article id must be a line of text), skipped")
                continue
            try:
                if entry.is_symlink() and not within(real_root, entry.path):
                    _warn(warnings, f"{entry.path}: link leads out of the corpus, skipped")
                    continue
                if entry.is_dir():
                    if scope is None or (f"{rel_folder}/{name}" if rel_folder else name) not in scope.known:
                        subdirs.append(entry.path)
                    continue
                if not is_article_name(name) or not entry.is_file():
                    if unknown is not None and not name.lower().endswith(USER_SUFFIXES) and entry.is_file():
                        unknown.append(f"{rel_folder}/{name}" if rel_folder else name)
                    continue
                st = entry.stat()
                side_ns = 0
                side = name + ".yaml"
                if side in overlay_names or side in names:
                    try:
                        side_path = os.path.join(overlay, side) if side in overlay_names else entry.path + ".yaml"
                        side_ns = os.lstat(side_path).st_mtime_ns
                    except OSError:
                        side_ns = 0
            except OSError as exc:
                _warn(warnings, f"{entry.path}: cannot read ({exc.strerror or exc})")
                continue
            rel = f"{rel_folder}/{name}" if rel_folder else name
            yield FileEntry(rel, entry.path, st.st_mtime_ns, st.st_size, side_ns)
        stack.extend(reversed(subdirs))


def _overlay_listing(data: Path | None, rel_folder: str,
                     data_folders: dict[str, int] | None) -> tuple[str, set[str]]:
    """The data folder's copy of a corpus folder and the names in it (none when there is no data folder)."""
    if data is None:
        return "", set()
    overlay = os.path.join(data, rel_folder)
    try:
        mtime = os.stat(overlay).st_mtime_ns  # before listing: a change meanwhile shows at the next check
        with os.scandir(overlay) as it:
            names = {e.name for e in it}
    except OSError:
        names, mtime = set(), 0
    if data_folders is not None:
        data_folders[rel_folder or "."] = mtime
    return overlay, names


def _name_problem(name: str) -> str:
    """What makes a file name unusable as an article id ('' when nothing does): bytes that are not
    UTF-8 (Python keeps them as lone surrogates), or control characters such as line breaks."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return "is not UTF-8"
    return "holds control characters" if any(unicodedata.category(char) == "Cc" for char in name) else ""


def _shown(path: str) -> str:
    """A path with its undecodable bytes and control characters written as escapes (\\xe9, \\x0a)."""
    text = path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return re.sub(r"[\x00-\x1f\x7f-\x9f]", lambda m: f"\\x{ord(m.group()):02x}", text)


def within(real_root: str, path: str) -> bool:
    """True when `path`, its links followed, is `real_root` (a real path) or inside it."""
    real = os.path.realpath(path)
    return real == real_root or real.startswith(real_root.rstrip(os.sep) + os.sep)


def _warn(warnings: list[str] | None, message: str) -> None:
    if warnings is not None:
        warnings.append(message)


_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),  # UTF-32 first: its LE BOM
          (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))  # starts like UTF-16's
_DETECT_BYTES = 64 * 1024  # enough text to tell code pages apart, bounded cost for big files
_DECLARED_RE = re.compile(rb"""(?:charset|encoding)\s*=\s*["']?([A-Za-z][A-Za-z0-9_.:-]{1,30})""", re.I)


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode article bytes: UTF-16/32 with a BOM; UTF-8 (BOM or not); else the charset the file
    declares (`<meta charset="windows-1251">`), else a detected legacy code page, else cp1252, else
    latin-1. Returns (text, encoding)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                break
            if "\x00" in text:
                break
            return text.lstrip("\ufeff"), encoding
    if b"\x00" in data:
        raise ArticleSkipped("contains NUL bytes (binary file?)")
    if data.startswith(codecs.BOM_UTF8):
        data = data[3:]
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    declared = _DECLARED_RE.search(data[:4096])
    if declared:
        try:
            encoding = codecs.lookup(declared.group(1).decode("ascii")).name
            if not encoding.startswith(("utf-16", "utf-32")):  # those only with their BOM
                return data.decode(encoding), encoding
        except (LookupError, UnicodeDecodeError):
            pass
    detected = _detect_legacy(data)
    if detected:
        return detected
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def _detect_legacy(data: bytes) -> tuple[str, str] | None:
    """An undeclared legacy code page found by charset-normalizer (cp1251, KOI8-R, cp1250, cp1253…);
    None where cp1252 reads the bytes as well as the best guess (short Western text is ambiguous)."""
    from charset_normalizer import from_bytes

    matches = list(from_bytes(data[:_DETECT_BYTES]))
    if not matches:
        return None
    best = matches[0]
    for match in matches:
        if match.encoding == "cp1252" and match.chaos <= best.chaos + 0.01 \
                and match.coherence >= best.coherence - 0.01:
            return None
    try:
        text = data.decode(best.encoding)
    except (LookupError, UnicodeDecodeError):
        return None
    try:
        if text == data.decode("cp1252"):
            return None
    except UnicodeDecodeError:
        pass
    return text, codecs.lookup(best.encoding).name


def read_bytes(path: Path, limit: int = MAX_ARTICLE_BYTES) -> bytes:
    """The bytes of an article file of at most `limit` bytes; ArticleSkipped says what is wrong."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise ArticleSkipped(f"cannot read ({exc.strerror or exc})") from None
    if len(data) > limit:
        raise ArticleSkipped(f"larger than {limit // (1024 * 1024)} MB")
    return data


def read_text(path: Path) -> tuple[str, str]:
    """Read and decode an article file, normalising line ends. Returns (text, encoding)."""
    text, encoding = decode_bytes(read_bytes(path))
    return text.replace("\r\n", "\n").replace("\r", "\n"), encoding


_FRONT_MATTER_RE = re.compile(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)


@functools.lru_cache(maxsize=1)
def _front_matter_loader():
    """PyYAML's safe loader with dates kept as text: `2023-02-30` is a typo to report, not a crash."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_constructor("tag:yaml.org,2002:timestamp", yaml.SafeLoader.construct_scalar)
    return Loader


def split_front_matter(text: str) -> tuple[dict, str, str]:
    """Split Markdown front matter from the body. Returns (metadata, body, problem)."""
    import yaml

    match = _FRONT_MATTER_RE.match(text)
    if not match:
        return {}, text, ""
    body = text[match.end():]
    try:
        meta = yaml.load(match.group(1) or "", Loader=_front_matter_loader()) or {}  # noqa: S506 - a SafeLoader
    except yaml.YAMLError as exc:
        return {}, body, f"front matter does not parse: {str(exc).splitlines()[0]}"
    if not isinstance(meta, dict):
        return {}, body, "front matter is not a mapping"
    return meta, body, ""


_HEADING_RE = re.compile(r"^#{1,6}[ \t]+")


def _first_line_title(text: str) -> tuple[str, str]:
    """Split off the title: the first non-empty line, passing over scraping debris of 1–3 characters."""
    lines = text.split("\n")
    candidates = [i for i, line in enumerate(lines) if line.strip()]
    if not candidates:
        return "", ""
    index = next((i for i in candidates if len(lines[i].strip()) > 3), candidates[0])
    title = lines[index].strip()
    if len(title) > 300:  # one enormous line: the title is its beginning, the body all of it
        return title[:200].rsplit(" ", 1)[0] + "…", text.strip()
    body = "\n".join([*lines[:index], *lines[index + 1:]])  # short lines passed over stay text
    return _HEADING_RE.sub("", title).strip() or title, body.strip("\n")  # `# Title`, not `#MeToo`


@dataclass
class ParsedFile:
    """What an article file says by itself, before the sidecar and language detection."""

    title: str
    body: str
    meta: dict
    encoding: str
    problems: list[str]


def parse_file(path: Path, root: Path | None = None) -> ParsedFile:
    """Read an article file, or a member `dump.jsonl#key` of a container file, and split it into title,
    body and metadata (front matter, a page's or a document's own). `root`: the corpus (its JSON field
    names)."""
    container, key = split_member(path)
    if key:
        members = parse_members(container, root)
        if key not in members:
            raise ArticleSkipped(f"no member {key!r} in {container.name}")
        return members[key]
    suffix = path.suffix.lower()
    if suffix in DOCUMENT_SUFFIXES:
        return _parse_document(path, suffix)
    if suffix in CONTAINER_SUFFIXES:
        raise ArticleSkipped("a file of many articles: read its members")
    raw, encoding = read_text(path)
    meta: dict = {}
    problems: list[str] = [] if encoding == "utf-8" else [f"not UTF-8: decoded as {encoding}"]
    if suffix == ".md":
        meta, raw, problem = split_front_matter(raw)
        if problem:
            problems.append(problem)
        title, body = ("", raw.strip("\n")) if _scalar(meta.get("title")) else _first_line_title(raw)
    elif suffix in (".html", ".htm"):
        from reader.core.corpus.html_text import html_to_text  # the HTML parser: only for HTML files

        title, body, meta = html_to_text(raw)
        if not title:
            title, body = _first_line_title(body)
    else:
        title, body = _first_line_title(raw)
    if not (title or body).strip() and not _scalar(meta.get("title")):  # a front-matter title is an article
        raise ArticleSkipped("empty file")
    return ParsedFile(title, body, meta, encoding, problems)


def _parse_document(path: Path, suffix: str) -> ParsedFile:
    """A PDF, Word, OpenDocument or e-mail file as one article."""
    if suffix == ".pdf":
        from reader.core.corpus.pdf_text import read_pdf as read
    elif suffix == ".eml":
        from reader.core.corpus.documents import read_eml as read
    else:
        from reader.core.corpus.documents import read_office as read
    title, body, meta = read(path)
    meta.pop("id", None)
    if not title:
        title, body = _first_line_title(body)
    if not (title or body).strip():
        raise ArticleSkipped("no text in it")
    return ParsedFile(title, body, meta, "utf-8", [])


def parse_members(container: Path, root: Path | None = None) -> dict[str, ParsedFile]:
    """The articles of a container file by member key (the last file read is kept while unchanged)."""
    try:
        st = os.stat(container)
    except OSError as exc:
        raise ArticleSkipped(f"cannot read ({exc.strerror or exc})") from None
    fields = None
    if container.suffix.lower() in (".json", ".jsonl", ".ndjson"):
        from reader.core.corpus.containers import read_fields

        fields = read_fields(root) if root is not None else {}
    return _members_of(str(container), st.st_mtime_ns, st.st_size, st.st_ino, json.dumps(fields))


@functools.lru_cache(maxsize=2)
def _members_of(container: str, mtime_ns: int, size: int, inode: int, fields: str) -> dict[str, ParsedFile]:
    from reader.core.corpus import containers

    suffix = Path(container).suffix.lower()
    if suffix == ".mbox":
        members = containers.read_mbox(Path(container))
    elif suffix in (".rss", ".atom", ".xml"):
        members = containers.read_feed(Path(container))
    else:
        members = containers.read_json_dump(Path(container), json.loads(fields))
    if not members:
        raise ArticleSkipped("holds no articles")
    parsed = {}
    for member in members:
        title, body = (member.title, member.body) if member.title else _first_line_title(member.body)
        parsed[member.key] = ParsedFile(title, body, member.meta, "utf-8", [])
    return parsed
def text_fingerprint(title: str, body: str) -> str:
    """A digest of an article's own text, the same whatever its file is called: Unicode NFC, every run
    of white space made one space. Sidecar fields are not part of it (the sidecar may be left behind)."""
    text = " ".join(unicodedata.normalize("NFC", f"{title}\n{body}").split())
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=10).hexdigest()


def file_fingerprint(path: Path) -> str:
    """The text fingerprint of an article file ('' when it cannot be read as an article)."""
    try:
        parsed = parse_file(Path(path))
    except (ArticleSkipped, OSError):
        return ""
    return text_fingerprint(parsed.title, parsed.body)


def load_article(root: Path, path: Path) -> Article:
    """Load one article file with its sidecar. Raises ArticleSkipped when the file is unusable."""
    root, path = Path(root), Path(path)
    parsed = parse_file(path, root)
    title, body, meta = parsed.title, parsed.body, parsed.meta
    from reader.core.userdata.sidecars import SidecarError, read_sidecar  # YAML libraries: only when loading

    sidecar: dict = {}
    sidecar_error = ""
    try:
        sidecar = read_sidecar(path)
    except SidecarError as exc:
        sidecar_error = str(exc)
    fields = {key: _scalar(meta.get(key)) for key in METADATA_KEYS}
    for key in METADATA_KEYS:
        if not fields[key] and sidecar.get(key) is not None:
            fields[key] = _scalar(sidecar.get(key))
    lang = language_code(fields["lang"])
    if fields["lang"] and not lang:
        parsed.problems.append(f"lang {fields['lang'][:20]!r} is not a language code: detected instead")
    lang = lang or detect_language(f"{title}\n{body}")
    tags = [str(t) for t in sidecar.get("tags") or [] if t is not None]
    return Article(
        id=article_id(root, path),
        path=path,
        title=one_line(fields["title"]) or title or path.name,  # a front-matter title may span lines
        body=body,
        lang=lang,
        date=article_date(fields["date"], title, body),
        source=fields["source"],
        url=fields["url"],
        author=fields["author"],
        tags=tags,
        notes=str(sidecar.get("notes") or ""),
        encoding=parsed.encoding,
        sidecar_error=sidecar_error,
        warnings=parsed.problems,
        fingerprint=text_fingerprint(parsed.title, parsed.body),
    )


def article_date(given: str, title: str, body: str) -> str:
    """The metadata date (ISO-like kept as given, written forms made ISO), else one found in the header."""
    if given:
        return given if given[:4].isdigit() else (normalise_date(given) or given)
    return detect_date(f"{title}\n{body}")


def _scalar(value: object) -> str:
    if value is None or isinstance(value, (dict, list)):
        return ""
    return str(value).strip()
