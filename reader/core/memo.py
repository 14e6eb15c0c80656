"""Helpers for per-token work that runs at C speed: a memo (a dict that computes what it lacks), and
appending items to many lists at once."""

from __future__ import annotations

from collections import deque
from typing import Callable, Generic, Iterable, TypeVar

_K = TypeVar("_K")
_V = TypeVar("_V")


class Memo(dict, Generic[_K, _V]):
    """`function(key)` for each key, computed on first sight and kept; past `limit` keys all are forgotten.

    Lookups (`memo[key]`, or `map(memo.__getitem__, keys)`) run at C speed, several times faster than
    functools' LRU cache, which is where per-token work spends its time on a large corpus.
    """

    def __init__(self, function: Callable[[_K], _V], limit: int) -> None:
        super().__init__()
        self._function, self._limit = function, limit

    def __missing__(self, key: _K) -> _V:
        if len(self) >= self._limit:
            self.clear()
        value = self[key] = self._function(key)
        return value


def extend_each(lists: dict[_K, list], keys: Iterable[_K], items: Iterable[Iterable]) -> None:
    """`lists[key].extend(item)` for each key and item, side by side, without a Python loop
    (`lists` is a `defaultdict(list)` when keys may be new)."""
    deque(map(list.extend, map(lists.__getitem__, keys), items), maxlen=0)
