"""Workflow actions of the main screen: facets, sorting, saved searches, export, timeline."""

from __future__ import annotations


class WorkflowActions:
    """Mixed into MainScreen."""
