"""Turn results, article lines and key names into styled `Content`; article text is never parsed as markup."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from textual.content import Content
from textual.style import Style

from reader.core.text import one_line, safe_text
from reader.ui.document import Span

Styles = Mapping[str, Style]

_KEY_NAMES = {"escape": "esc", "pagedown": "pgdn", "pageup": "pgup", "enter": "enter", "space": "space",
              "tab": "tab", "backspace": "bksp", "delete": "del", "up": "up", "down": "down",
              "left": "left", "right": "right"}


def key_display(key: str) -> str:
    """How a key name reads on screen: `question_mark` -> `?`, `ctrl+q` -> `ctrl+q`."""
    from textual.keys import format_key

    *modifiers, base = key.split("+") if key != "plus" else [key]
    shown = _KEY_NAMES.get(base) or format_key(base)
    return "+".join([*modifiers, shown])


def highlighted(text: str, spans: list[Span], offset: int, styles: Styles, base: str = "",
                current: Span | None = None, marks: Sequence[tuple[int, int, str]] = ()) -> Content:
    """`text` (already terminal-safe) with `marks` (start, end, style name) then match `spans` styled.

    Offsets are relative to `offset`; matches come last so they stay visible over entity styles.
    """
    content = Content(text)
    if base and base in styles:
        content = content.stylize(styles[base])
    for start, end, name in marks:
        content = content.stylize(styles[name], max(0, start - offset), max(0, end - offset))
    for start, end in spans:
        style = styles["match-current"] if current == (start, end) else styles["match"]
        content = content.stylize(style, max(0, start - offset), max(0, end - offset))
    return content


def legend_line(shown_styles: Sequence[str], styles: Styles, note: str, base: Style) -> Content:
    """The article's entity legend: `Entities (note)`, then each style in force named in that style.

    Style names are `entity-<type>` (gazetteer) and `auto-<kind>` (automatic finds).
    """
    parts = [Content(f"Entities ({note})" if note else "Entities").stylize(base)]
    for source, label in (("entity", ""), ("auto", "auto: ")):
        names = [name for name in shown_styles if name.startswith(source + "-")]
        if names:
            parts.append(Content(f"  {label}").stylize(base))
            parts.append(Content(" ").join(
                Content(name.split("-", 1)[1]).stylize(styles[name]) for name in names))
    return Content.assemble(*parts)


def result_title_line(title: str, lang: str, date: str, tags: list[str], marked: bool, width: int,
                      styles: Styles) -> Content:
    """A result's first line: mark, title, then tags, language badge and date at the right. The
    title comes first: tags get the room it leaves (at least a third of the line for a long title)."""
    badge = Content("")
    if lang:
        badge = badge.append(Content(f" {safe_text(lang)[:3].upper()} ").stylize(styles["lang"]))
    if date:
        badge = badge.append(" ").append(Content(safe_text(date)[:10]).stylize(styles["date"]))
    if badge.cell_length > width - 12:  # narrow: keep what fits of language and date
        badge = _crop_left(badge, max(0, width - 14))
    mark = Content("● " if marked else "  ").stylize(styles["mark"]) if marked else Content("  ")
    title_text = safe_text(one_line(title)) or "(untitled)"
    room = max(8, width - 2 - badge.cell_length - 1)
    title_content = Content(title_text).stylize(styles["title"])
    tag_room = max(0, room - min(title_content.cell_length, room * 2 // 3) - 2)
    shown_tags = Content("")
    if tags and tag_room >= 4:
        shown = " ".join(f"#{safe_text(tag)}" for tag in tags)
        shown_tags = Content(shown).stylize(styles["tag"]).truncate(tag_room, ellipsis=True).append(" ")
    title_content = title_content.truncate(max(8, room - shown_tags.cell_length - 1), ellipsis=True)
    right = shown_tags.append(badge)
    gap = max(1, width - 2 - title_content.cell_length - right.cell_length)
    return Content.assemble(mark, title_content, " " * gap, right)


def _crop_left(content: Content, width: int) -> Content:
    """The last `width` cells of `content`."""
    if content.cell_length <= width:
        return content
    cut = len(content.plain) - width
    return content[cut:]


def result_snippet_line(fragments: list[tuple[str, bool]] | None, width: int, styles: Styles,
                        lead: str = "") -> Content:
    """A result's second line: `lead` (what matched through a translation), then the snippet with its
    matches styled, cut to the width so that its first match shows (the text before it is cut on the
    left where the line is short)."""
    if fragments is None:
        return Content("  …").stylize(styles["snippet"])
    pieces = [(safe_text(text.replace("\n", " ")), is_match) for text, is_match in fragments]
    before = 0
    for text, is_match in pieces:
        if is_match:
            break
        before += len(text)
    else:
        before = 0
    lead_text = f"{safe_text(lead)} · " if lead else ""
    kept = max(8, (width - len(lead_text)) // 4)  # context kept before the first match
    if before > kept:
        cut, pieces = before - kept, list(pieces)
        while cut and pieces:
            text, is_match = pieces[0]
            if len(text) <= cut:
                cut -= len(text)
                pieces.pop(0)
            else:
                pieces[0] = (text[cut:], is_match)
                cut = 0
        pieces.insert(0, ("…", False))
    parts = [Content("  "), Content(lead_text).stylize(styles["mark"])]
    for text, is_match in pieces:
        parts.append(Content(text).stylize(styles["match"] if is_match else styles["snippet"]))
    return Content.assemble(*parts).truncate(max(1, width), ellipsis=True)


def progress_bar(done: int, total: int, width: int = 10) -> str:
    """A small text progress bar: `▰▰▰▱▱▱ 42%`."""
    fraction = 0.0 if total <= 0 else min(1.0, done / total)
    filled = int(round(fraction * width))
    return "▰" * filled + "▱" * (width - filled) + f" {fraction:.0%}"
