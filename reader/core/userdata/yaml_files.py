"""YAML of the analyst's files, with one rule: PyYAML reads (its C loader where built: front matter and
sidecars are read for every article of a build), ruamel.yaml edits, because an edit must keep the
analyst's comments, key order and layout, which PyYAML drops. Plain reads go through `parse` and edits
through `editor`/`dump`; the gazetteer and front matter read with PyYAML's own loader (they need its
nodes and its dates), sidecars and the git merge driver work on ruamel's nodes."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ruamel.yaml import YAML

WIDTH = 4096  # never fold a long line of the analyst's


def parse(text: str, name: object, error: type[Exception]) -> object:
    """The data of the YAML `text`; `error` with one line naming `name`, the line and the problem when it
    does not parse."""
    import yaml

    try:
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" (line {where.line + 1})" if where is not None else ""
        problem = " ".join(str(getattr(exc, "problem", None) or exc).split())[:200]
        raise error(f"{name}: does not parse as YAML{line}: {problem}") from None


def editor() -> YAML:
    """A round-trip editor: what it loads it dumps with comments, order and layout kept."""
    from ruamel.yaml import YAML

    edit = YAML(typ="rt")
    edit.width = WIDTH
    edit.preserve_quotes = True
    return edit


def dump(edit: YAML, document: object) -> str:
    """The text of a document loaded by `edit`."""
    buffer = io.StringIO()
    edit.dump(document, buffer)
    return buffer.getvalue()
