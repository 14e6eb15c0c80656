"""Snippets: a short window of article text around the matched words."""

from __future__ import annotations

from reader.core.text import one_line, safe_text

SNIPPET_CHARS = 200

Fragment = tuple[str, bool]  # (text, is_match)


def make_snippet(text: str, spans: list[tuple[int, int]], width: int = SNIPPET_CHARS) -> list[Fragment]:
    """Cut a window of about `width` characters holding the most matches, as plain/match fragments.

    The text is made terminal-safe and its whitespace collapsed; without matches the window is the
    beginning of the text.
    """
    start = 0
    if spans:
        best, best_count = spans[0][0], 0
        right = 0
        for left, (span_start, _) in enumerate(spans):
            while right < len(spans) and spans[right][1] <= span_start + width:
                right += 1
            if right - left > best_count:
                best, best_count = span_start, right - left
        start = max(0, best - width // 4)
        if start:
            space = text.rfind(" ", 0, start)
            start = space + 1 if space >= 0 and start - space < 30 else 0 if start < 30 else start
    end = min(len(text), start + width)
    if end < len(text):
        space = text.find(" ", end)
        end = space if 0 <= space < end + 30 else end
    fragments: list[Fragment] = []
    cursor = start
    for span_start, span_end in spans:
        if span_end <= start or span_start >= end or span_start < cursor:
            continue
        if span_start > cursor:
            fragments.append((text[cursor:span_start], False))
        fragments.append((text[span_start:span_end], True))
        cursor = span_end
    if cursor < end:
        fragments.append((text[cursor:end], False))
    cleaned = [(safe_text(_squash(t)), m) for t, m in fragments]
    if cleaned and start > 0:
        cleaned.insert(0, ("…", False))
    if end < len(text):
        cleaned.append(("…", False))
    return [(t, m) for t, m in cleaned if t]


def _squash(text: str) -> str:
    """Collapse whitespace runs but keep a single leading/trailing space where there was one."""
    inner = one_line(text)
    if not inner:
        return " " if text else ""
    return (" " if text[0].isspace() else "") + inner + (" " if text[-1].isspace() else "")


def plain(fragments: list[Fragment]) -> str:
    """The snippet as plain text."""
    return "".join(text for text, _ in fragments)
