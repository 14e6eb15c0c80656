"""Entity actions of the main screen (SPEC §5): highlighting, stepping, the panel, gazetteer additions."""

from __future__ import annotations


class EntityActions:
    """Mixed into MainScreen."""
