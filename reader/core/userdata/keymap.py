"""Load and validate keymaps: YAML files mapping action ids to keys, layered over code defaults (SPEC §8).

Plain Python (no UI imports) so the loader is tested as functions and the CLI can report a bad
keymap before the interface starts.
"""

from __future__ import annotations

import os
import string
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping

from reader.core.errors import ReaderError
from reader.core.userdata.yaml_files import parse

BUILTIN_DIR = Path(__file__).resolve().parents[2] / "keymaps"
BUILTIN_NAMES = ("default", "vim", "emacs")
QUICK_TAGS_KEY = "quick-tags"
QUICK_TAG_SLOTS = range(1, 10)
DEFAULT_QUICK_TAGS = {1: "important", 2: "follow-up", 3: "dual-use"}

MODIFIERS = ("ctrl", "shift", "alt", "meta", "super", "hyper")
NAMED_KEYS = frozenset([
    "backspace", "delete", "down", "end", "enter", "escape", "home", "insert", "left", "pagedown",
    "pageup", "return", "right", "space", "tab", "up", *(f"f{n}" for n in range(1, 25)),
])
# Textual's names for some punctuation differ from the Unicode names it derives the others from.
_NAME_REPLACEMENTS = {"solidus": "slash", "reverse_solidus": "backslash", "commercial_at": "at",
                      "hyphen_minus": "minus", "plus_sign": "plus", "low_line": "underscore"}


class KeymapError(ReaderError):
    """A keymap file that cannot be used; str() names the file and the entry."""


@dataclass(frozen=True)
class KeymapConfig:
    """What the keymap files configure, after layering defaults, the chosen keymap and user overrides."""

    keys: dict[str, str]
    """Action id -> comma-separated key names in Textual's long form (`question_mark`, not `?`)."""
    quick_tags: dict[int, str] = field(default_factory=lambda: dict(DEFAULT_QUICK_TAGS))
    """Quick-tag slot (1–9) -> tag, from the `quick-tags:` section of any layer."""
    files: tuple[Path, ...] = ()
    """The files that were read, lowest precedence first."""


def key_name(character: str) -> str:
    """Textual's name for a one-character key: letters and digits stay, `?` becomes `question_mark`."""
    if character.isalnum():
        return character
    try:
        name = unicodedata.name(character).lower().replace("-", "_").replace(" ", "_")
    except ValueError:
        return character
    return _NAME_REPLACEMENTS.get(name, name)


_PUNCTUATION_NAMES = frozenset(key_name(c) for c in string.punctuation)


def normalise_key(key: str) -> str:
    """One key in canonical form (`ctrl+a`, `question_mark`, `N`); ValueError says what is wrong."""
    key = key.strip()
    if not key:
        raise ValueError("empty key")
    if len(key) == 1:
        if not key.isprintable() or key.isspace():
            raise ValueError(f"unusable key {key!r}")
        return key_name(key)
    *modifiers, base = key.split("+") if not key.endswith("++") else [*key[:-2].split("+"), "+"]
    for modifier in modifiers:
        if modifier.lower() not in MODIFIERS:
            raise ValueError(f"unknown modifier '{modifier}' in '{key}' (modifiers: {', '.join(MODIFIERS)})")
    if len(base) == 1:
        if not base.isprintable() or base.isspace():
            raise ValueError(f"unusable key in '{key}'")
        base = key_name(base)
    elif base.lower() in NAMED_KEYS or base.lower() in _PUNCTUATION_NAMES:
        base = base.lower()
    else:
        raise ValueError(f"unknown key '{base}' in '{key}'")
    return "+".join([*(m.lower() for m in modifiers), base])


def parse_keys(value: object) -> str:
    """A keymap value (comma-separated string, list, or a single digit) as normalised keys."""
    if isinstance(value, bool) or value is None:
        raise ValueError("keys must be text, like 'j, down'")
    if isinstance(value, int):
        value = str(value)
    if isinstance(value, str):
        items = value.split(",") if value.strip() != "," else [value]
    elif isinstance(value, list) and all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in value):
        items = [str(v) for v in value]
    else:
        raise ValueError("keys must be text, like 'j, down'")
    keys = [normalise_key(item) for item in items]
    if not keys:
        raise ValueError("no keys given")
    return ",".join(dict.fromkeys(keys))


def user_keymap_path() -> Path:
    """`$XDG_CONFIG_HOME/reader/keymap.yaml` (default `~/.config/reader/keymap.yaml`)."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "reader" / "keymap.yaml"


def builtin_keymap_path(name: str) -> Path:
    """The shipped keymap file called `name`."""
    return BUILTIN_DIR / f"{name}.yaml"


def shown_path(path: Path) -> str:
    """A keymap file as the help names it: a bundled one by its name (`default (bundled)`), else its path."""
    path = Path(path)
    return f"{path.stem} (bundled)" if path.parent == BUILTIN_DIR else str(path)


def resolve_choice(choice: str | None) -> Path:
    """The file for `--keymap NAME|PATH` (None means the default keymap)."""
    choice = choice or "default"
    if choice in BUILTIN_NAMES:
        return builtin_keymap_path(choice)
    looks_like_path = os.sep in choice or "/" in choice or choice.endswith((".yaml", ".yml"))
    if looks_like_path or Path(choice).is_file():
        path = Path(choice).expanduser()
        if not path.is_file():
            raise KeymapError(f"keymap file not found: {path}")
        return path
    raise KeymapError(f"unknown keymap '{choice}' (use {', '.join(BUILTIN_NAMES)} or the path of a YAML file)")


def read_keymap_file(path: Path, known_ids: Iterable[str]) -> tuple[dict[str, str], dict[int, str]]:
    """Read one keymap file: (action id -> keys, quick-tag slot -> tag). KeymapError names the bad entry."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise KeymapError(f"{path}: cannot read the keymap ({getattr(exc, 'strerror', None) or exc})") from None
    data = parse(text, path, KeymapError)
    if data is None:
        return {}, {}
    if not isinstance(data, dict):
        raise KeymapError(f"{path}: a keymap is a mapping of action ids to keys, like 'quit: q'")
    known = set(known_ids)
    keys: dict[str, str] = {}
    quick_tags: dict[int, str] = {}
    for action_id, value in data.items():
        if action_id == QUICK_TAGS_KEY:
            quick_tags = _quick_tags(path, value)
            continue
        if not isinstance(action_id, str) or action_id not in known:
            raise KeymapError(f"{path}: unknown action id '{action_id}' (see the help screen for the ids)")
        try:
            keys[action_id] = parse_keys(value)
        except ValueError as exc:
            raise KeymapError(f"{path}: entry '{action_id}: {value}': {exc}") from None
    return keys, quick_tags


def _quick_tags(path: Path, value: object) -> dict[int, str]:
    if not isinstance(value, dict):
        raise KeymapError(f"{path}: '{QUICK_TAGS_KEY}' must map slots 1–9 to tags, like '1: important'")
    slots: dict[int, str] = {}
    for slot, tag in value.items():
        if isinstance(slot, bool) or not isinstance(slot, int) or slot not in QUICK_TAG_SLOTS:
            raise KeymapError(f"{path}: entry '{QUICK_TAGS_KEY}: {slot}': slots are the numbers 1 to 9")
        if not isinstance(tag, str) or not tag.strip() or not tag.isprintable():
            raise KeymapError(f"{path}: entry '{QUICK_TAGS_KEY}: {slot}: {tag}': a tag is a line of text")
        slots[slot] = tag.strip()
    return slots


def load_keymap(choice: str | None, defaults: Mapping[str, str], *,
                user_file: Path | None = None) -> KeymapConfig:
    """Layer code defaults < the chosen keymap (`--keymap`) < the user's override file.

    `defaults` maps every known action id to its default keys; ids outside it are errors.
    """
    keys = {action_id: parse_keys(value) for action_id, value in defaults.items()}
    quick_tags = dict(DEFAULT_QUICK_TAGS)
    files = []
    user = user_keymap_path() if user_file is None else user_file
    for path in (resolve_choice(choice), user):
        if path == user and not path.is_file():
            continue
        layer_keys, layer_tags = read_keymap_file(path, defaults)
        keys.update(layer_keys)
        quick_tags.update(layer_tags)
        files.append(path)
    return KeymapConfig(keys, quick_tags, tuple(files))


def find_clashes(keys: Mapping[str, str], chains: Iterable[Iterable[Iterable[str]]]) -> list[tuple[str, str, str]]:
    """(key, first id, second id) for keys bound twice among action ids that are active together.

    Each chain is a list of groups of action ids that see the same key presses (a widget, its screen,
    the app).
    """
    clashes = []
    for chain in chains:
        seen: dict[str, str] = {}
        for action_ids in chain:
            for action_id in action_ids:
                for key in keys.get(action_id, "").split(","):
                    if key and key in seen and seen[key] != action_id:
                        clashes.append((key, seen[key], action_id))
                    seen.setdefault(key, action_id)
    return clashes
