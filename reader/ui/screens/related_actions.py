"""Related-article actions of the main screen (SPEC §6): the related list and the side-by-side view."""

from __future__ import annotations


class RelatedActions:
    """Mixed into MainScreen."""
