"""Readable text of an HTML article: the main text of a saved page (trafilatura), its title and metadata;
the whole text of a page or fragment (feed items, HTML mail) with the plain parser."""

from __future__ import annotations

import html
import logging
import re
from html.parser import HTMLParser


class _TextExtractor(HTMLParser):
    """Readable text of an HTML page: title, and block-separated body text without scripts."""

    _SKIP = {"script", "style", "noscript", "template", "svg", "head"}
    _BLOCK = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section",
              "article", "blockquote", "pre", "header", "footer", "ul", "ol", "table", "hr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title = ""
        self.meta: dict[str, str] = {}
        self._skip = 0
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "title":
            self._in_title = True
        elif tag in self._SKIP:
            self._skip += 1
        elif tag == "meta":
            values = {k: v or "" for k, v in attrs}
            name = (values.get("name") or values.get("property") or "").lower()
            if name and values.get("content"):
                self.meta[name] = values["content"]
        elif tag == "html":
            lang = dict(attrs).get("lang")
            if lang:
                self.meta["html-lang"] = lang
        if tag in self._BLOCK:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag in self._SKIP and self._skip:
            self._skip -= 1
        if tag in self._BLOCK:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        elif not self._skip:
            self.parts.append(data)


def page_text(source: str) -> tuple[str, str, dict[str, str]]:
    """(title, body text, meta tags) of all of an HTML document or fragment, without scripts or styles."""
    parser = _TextExtractor()
    try:
        parser.feed(source)
        parser.close()
    except Exception:  # HTMLParser is lenient; anything left is malformed beyond repair
        return "", html.unescape(re.sub(r"<[^>]*>", " ", source)), {}
    paragraphs = [" ".join(p.split()) for p in "".join(parser.parts).split("\n\n")]
    return " ".join(parser.title.split()), "\n\n".join(p for p in paragraphs if p), parser.meta


_META_KEYS = {  # the page's own metadata: first meta tag found for each field
    "title": ("og:title", "twitter:title", "dc.title", "headline"),
    "source": ("og:site_name", "application-name", "publisher", "dc.publisher", "cre"),
    "author": ("author", "article:author", "byl", "dc.creator", "parsely-author", "sailthru.author"),
    "url": ("og:url", "twitter:url"),
}


def html_to_text(source: str) -> tuple[str, str, dict[str, str]]:
    """(title, main text, metadata) of a saved page: the article without menus, notices and footers.

    Metadata keys: date, source (site name), url, lang, author. A page trafilatura finds no main text
    in (a fragment, a list page) keeps all its text.
    """
    import trafilatura
    from htmldate import find_date
    from trafilatura.utils import load_html

    for name in ("trafilatura", "htmldate", "courlan"):  # their warnings must not reach the terminal
        logging.getLogger(name).addHandler(logging.NullHandler())
    tree = load_html(source)
    found = trafilatura.bare_extraction(tree, fast=True, include_comments=False) if tree is not None else None
    if found is None or not (found.text or "").strip():
        title, body, tags = page_text(source)
        meta = {"source": tags.get("og:site_name"), "url": tags.get("og:url"), "lang": tags.get("html-lang"),
                "date": tags.get("article:published_time"), "author": tags.get("author")}
        return title, body, _clean(meta)
    meta = _page_meta(tree)
    title, body = meta.pop("title", ""), found.text.strip()
    first, _, rest = body.partition("\n")
    if title and first.strip() == title:  # the headline starts the text
        body = rest.strip()
    try:
        meta["date"] = find_date(tree, extensive_search=False, original_date=True, deferred_url_extractor=True)
    except (ValueError, TypeError, AttributeError):  # a date expression htmldate cannot take
        pass
    return title, body, _clean(meta)


def _page_meta(tree) -> dict[str, str]:
    """Title, site name, author, url and lang from the page's meta tags, <title>, <h1> and <html lang>."""
    tags: dict[str, str] = {}
    for node in tree.iterfind(".//meta"):
        name = (node.get("property") or node.get("name") or node.get("itemprop") or "").lower()
        if name and node.get("content") and name not in tags:
            tags[name] = node.get("content")
    meta = {key: next((tags[name] for name in names if tags.get(name, "").strip()), "")
            for key, names in _META_KEYS.items()}
    if not meta["title"]:
        heading = tree.find(".//h1")
        page_title = tree.find(".//title")
        meta["title"] = " ".join((heading if heading is not None else page_title).itertext()) \
            if heading is not None or page_title is not None else ""
    meta["lang"] = tree.get("lang") or tags.get("content-language") or tags.get("og:locale", "")
    if meta["author"].startswith(("http://", "https://")):  # a profile page, not a name
        meta["author"] = ""
    meta["author"] = re.sub(r"^\s*by\s+", "", meta["author"], flags=re.I)
    return _clean(meta)


def _clean(meta: dict) -> dict[str, str]:
    return {key: " ".join(str(value).split()) for key, value in meta.items() if value and str(value).strip()}
