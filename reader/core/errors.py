"""The base of every error the analyst can act on: the front ends print it as one line."""

from __future__ import annotations


class ReaderError(Exception):
    """An error caused by input, files or state the user controls; str() is a one-line message."""
