"""Readable text of an HTML article: its title, block-separated body text and meta tags."""

from __future__ import annotations

import html
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


def html_to_text(source: str) -> tuple[str, str, dict[str, str]]:
    """Extract (title, body text, meta tags) from an HTML document."""
    parser = _TextExtractor()
    try:
        parser.feed(source)
        parser.close()
    except Exception:  # HTMLParser is lenient; anything left is malformed beyond repair
        return "", html.unescape(re.sub(r"<[^>]*>", " ", source)), {}
    paragraphs = [" ".join(p.split()) for p in "".join(parser.parts).split("\n\n")]
    return " ".join(parser.title.split()), "\n\n".join(p for p in paragraphs if p), parser.meta
