"""Files that hold many articles: mailboxes (.mbox), RSS/Atom feeds, JSON-lines and JSON dumps.

Each member is (key, title, body, metadata). The key names the member inside its file and survives
appends: the record's own id (JSON `id`, feed guid, Message-ID) when it is a short plain word, else
the first 12 hex digits of the SHA-1 of that id, of the url, or (no id, no url) of the content; a key
met again in the same file gets `~2`, `~3`… in file order.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Iterable, NamedTuple

from reader.core.corpus.articles import PLAIN_KEY, ArticleSkipped, read_bytes
from reader.core.userdata.yaml_files import parse

FIELDS_FILE = "json-fields.yaml"  # the corpus's names for the fields of its JSON records
KEY_RE = re.compile(PLAIN_KEY)
# Record fields tried in order for each article field (a dotted name reaches into nested objects).
DEFAULT_FIELDS = {
    "id": ["id", "_id", "guid", "uuid", "doc_id", "article_id", "key"],
    "title": ["title", "headline", "name", "subject"],
    "text": ["text", "body", "content", "article", "articleBody", "full_text", "maintext", "description",
             "summary"],
    "date": ["date", "published", "published_at", "publishedAt", "pubDate", "date_published", "datePublished",
             "created_at", "timestamp", "time"],
    "url": ["url", "link", "href", "uri"],
    "lang": ["lang", "language", "locale"],
    "source": ["source", "source_name", "site", "sitename", "site_name", "publisher", "domain", "feed"],
    "author": ["author", "authors", "byline", "creator"],
}


class Member(NamedTuple):
    """One article inside a container file."""

    key: str
    title: str
    body: str
    meta: dict


def member_keys(natural: Iterable[str]) -> list[str]:
    """Keys for members given each one's natural id (id, guid, Message-ID, url or content): see module doc."""
    keys: list[str] = []
    seen: dict[str, int] = {}
    for name in natural:
        key = name if KEY_RE.fullmatch(name) else hashlib.sha1(name.encode("utf-8", "replace")).hexdigest()[:12]
        seen[key] = seen.get(key, 0) + 1
        keys.append(key if seen[key] == 1 else f"{key}~{seen[key]}")
    return keys


def _members(items: list[tuple[str, str, str, dict]]) -> list[Member]:
    """Members from (natural id, title, body, meta) items that hold some text."""
    items = [item for item in items if (item[1] or item[2]).strip()]
    keys = member_keys(natural or meta.get("url") or f"{title}\n{body}" for natural, title, body, meta in items)
    return [Member(key, title, body, {k: v for k, v in meta.items() if v})
            for key, (_, title, body, meta) in zip(keys, items)]


def read_mbox(path: Path) -> list[Member]:
    """One member per message of an mbox mailbox."""
    import mailbox
    from email import policy
    from email.parser import BytesParser

    from reader.core.corpus.documents import message_article

    read_bytes(path)  # the size bound
    items = []
    box = mailbox.mbox(path, factory=lambda handle: BytesParser(policy=policy.default).parse(handle), create=False)
    try:
        for message in box:
            title, body, meta = message_article(message)
            items.append((meta.pop("id", ""), title, body, meta))
    finally:
        box.close()
    return _members(items)


def read_feed(path: Path) -> list[Member]:
    """One member per item of an RSS or Atom feed: its date, link, author; the feed's title as source."""
    import calendar
    import datetime as dt

    import feedparser

    from reader.core.corpus.html_text import page_text

    parsed = feedparser.parse(read_bytes(path), resolve_relative_uris=False, sanitize_html=True)
    if not parsed.entries:
        problem = getattr(parsed, "bozo_exception", None)
        raise ArticleSkipped(f"not a feed with items{f' ({problem})' if problem else ''}")
    feed = parsed.feed
    items = []
    for entry in parsed.entries:
        content = entry.get("content") or []
        html = content[0].get("value", "") if content else entry.get("summary", "")
        when = entry.get("published_parsed") or entry.get("updated_parsed")
        date = dt.datetime.fromtimestamp(calendar.timegm(when), dt.timezone.utc).isoformat() if when else ""
        meta = {"date": date, "url": entry.get("link", ""), "author": entry.get("author", ""),
                "source": feed.get("title", ""), "lang": entry.get("language") or feed.get("language", "")}
        items.append((entry.get("id", ""), " ".join(entry.get("title", "").split()), page_text(html)[1], meta))
    return _members(items)


def read_json_dump(path: Path, fields: dict[str, list[str]] | None = None) -> list[Member]:
    """One member per record of a JSON-lines file (one object a line) or a JSON file (an array of
    objects, an object holding one such array, or one object). `fields`: see DEFAULT_FIELDS."""
    data = read_bytes(path).decode("utf-8-sig", "replace")
    records: list = []
    if Path(path).suffix.lower() in (".jsonl", ".ndjson"):
        for number, line in enumerate(data.splitlines(), 1):
            if line.strip():
                try:
                    records.append(json.loads(line))
                except ValueError as exc:
                    raise ArticleSkipped(f"line {number} is not JSON ({exc})") from None
    else:
        try:
            value = json.loads(data)
        except ValueError as exc:
            raise ArticleSkipped(f"not JSON ({exc})") from None
        lists = [v for v in value.values() if isinstance(v, list)] if isinstance(value, dict) else []
        records = value if isinstance(value, list) else lists[0] if len(lists) == 1 else [value]
    fields = {**DEFAULT_FIELDS, **(fields or {})}
    items = []
    for record in records:
        if isinstance(record, dict):
            got = {name: _field(record, names) for name, names in fields.items()}
            items.append((got.pop("id"), " ".join(got.pop("title").split()), got.pop("text"), got))
    if not items:
        raise ArticleSkipped("holds no JSON records (objects)")
    return _members(items)


def _field(record: dict, names: list[str]) -> str:
    """The first of `names` the record has, as text (a dotted name reaches into nested objects)."""
    for name in names:
        value: object = record.get(name)
        if value is None and "." in name:
            value = record
            for part in name.split("."):
                value = value.get(part) if isinstance(value, dict) else None
        if isinstance(value, dict):  # {"name": "Reuters", "id": …} as a source
            value = value.get("name") or value.get("title") or value.get("text")
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value if isinstance(v, (str, int, float)))
        if value not in (None, ""):
            return str(value).strip()
    return ""


def read_fields(root: Path) -> dict[str, list[str]]:
    """The corpus's field names for JSON records (FIELDS_FILE), {} when it has none."""
    from reader.core.userdata.files import UserFileError, read_text

    try:
        text = read_text(Path(root) / FIELDS_FILE)
    except UserFileError as exc:
        raise ArticleSkipped(str(exc)) from None
    if not text:
        return {}
    data = parse(text, FIELDS_FILE, ArticleSkipped)
    if not isinstance(data, dict) or not all(isinstance(v, (str, list)) for v in data.values()):
        raise ArticleSkipped(f"{FIELDS_FILE} must map article fields to record field names")
    unknown = set(data) - set(DEFAULT_FIELDS)
    if unknown:
        raise ArticleSkipped(f"{FIELDS_FILE}: unknown article field {sorted(unknown)[0]!r}")
    return {key: [value] if isinstance(value, str) else [str(v) for v in value] for key, value in data.items()}
