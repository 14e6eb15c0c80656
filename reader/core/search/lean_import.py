"""Import Whoosh without the modules it never needs to search.

`whoosh.compat` imports `urllib.request` (for a download helper) and `cached_property` imports
`asyncio`: together about a tenth of a `reader search` process. `whoosh.query` imports English
word variations (`whoosh.lang.morph_en`, 77 regular expressions compiled at import, 4 ms) for a query
kind reader never builds. While Whoosh is imported, those modules are stand-ins that load the real
module the first time anything of theirs is called.
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
import sys
import types
from typing import Iterator

DEFERRED = ("urllib.request", "asyncio", "whoosh.lang.morph_en")
# What the stand-ins answer themselves. cached_property asks asyncio at every first access whether the
# method is a coroutine function; for functions that are not asyncio's legacy coroutines, inspect's
# answer is asyncio's.
_OWN_ANSWERS = {("asyncio", "iscoroutinefunction"): inspect.iscoroutinefunction}


class _Deferred(types.ModuleType):
    """A stand-in module whose attributes are functions calling the real module's."""

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        module_name = self.__name__
        if (module_name, name) in _OWN_ANSWERS:
            return _OWN_ANSWERS[module_name, name]

        def call_real(*args, **kwargs):
            return getattr(importlib.import_module(module_name), name)(*args, **kwargs)

        return call_real


@contextlib.contextmanager
def deferring(names: tuple[str, ...] = DEFERRED) -> Iterator[None]:
    """Within the block, importing any of `names` (not yet imported) gives a stand-in."""
    placed = [name for name in names if name not in sys.modules]
    for name in placed:
        sys.modules[name] = _Deferred(name)
    try:
        yield
    finally:
        for name in placed:
            if isinstance(sys.modules.get(name), _Deferred):
                del sys.modules[name]
