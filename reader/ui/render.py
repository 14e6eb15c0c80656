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
    """A result's first line: mark, title, then tags, language badge and date at the right."""
    right = Content("")
    if tags:
        shown = " ".join(f"#{safe_text(tag)}" for tag in tags[:4]) + (" …" if len(tags) > 4 else "")
        right = right.append(Content(shown).stylize(styles["tag"])).append(" ")
    if lang:
        right = right.append(Content(f" {safe_text(lang)[:3].upper()} ").stylize(styles["lang"]))
    if date:
        right = right.append(" ").append(Content(safe_text(date)[:10]).stylize(styles["date"]))
    mark = Content("● " if marked else "  ").stylize(styles["mark"]) if marked else Content("  ")
    title_room = max(8, width - 2 - right.cell_length - 1)
    if right.cell_length > width - 12:  # narrow: drop the tags, keep language and date
        right = _crop_left(right, max(0, width - 14))
        title_room = max(8, width - 2 - right.cell_length - 1)
    title_text = safe_text(one_line(title)) or "(untitled)"
    title_content = Content(title_text).stylize(styles["title"]).truncate(title_room, ellipsis=True)
    gap = max(1, width - 2 - title_content.cell_length - right.cell_length)
    return Content.assemble(mark, title_content, " " * gap, right)


def _crop_left(content: Content, width: int) -> Content:
    """The last `width` cells of `content`."""
    if content.cell_length <= width:
        return content
    cut = len(content.plain) - width
    return content[cut:]


def result_snippet_line(fragments: list[tuple[str, bool]] | None, width: int, styles: Styles) -> Content:
    """A result's second line: the snippet with its matches styled, cut to the width."""
    if fragments is None:
        return Content("  …").stylize(styles["snippet"])
    parts = [Content("  ")]
    for text, is_match in fragments:
        piece = Content(safe_text(text.replace("\n", " ")))
        parts.append(piece.stylize(styles["match"] if is_match else styles["snippet"]))
    return Content.assemble(*parts).truncate(max(1, width), ellipsis=True)


def progress_bar(done: int, total: int, width: int = 10) -> str:
    """A small text progress bar: `▰▰▰▱▱▱ 42%`."""
    fraction = 0.0 if total <= 0 else min(1.0, done / total)
    filled = int(round(fraction * width))
    return "▰" * filled + "▱" * (width - filled) + f" {fraction:.0%}"
