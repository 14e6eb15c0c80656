"""The memo computes each key once and forgets everything past its limit; extend_each appends side by side."""

from __future__ import annotations

from collections import defaultdict

from reader.core.memo import Memo, extend_each


def test_each_key_is_computed_once_and_everything_is_forgotten_past_the_limit():
    calls = []

    def double(key: int) -> int:
        calls.append(key)
        return key * 2

    memo = Memo(double, limit=3)
    assert list(map(memo.__getitem__, [1, 2, 1, 3, 2])) == [2, 4, 2, 6, 4]
    assert calls == [1, 2, 3]
    assert memo[4] == 8 and len(memo) == 1  # the fourth key cleared the three before it
    assert memo[1] == 2 and calls == [1, 2, 3, 4, 1]


def test_extend_each_appends_each_item_to_its_keys_list():
    lists = defaultdict(list, {"a": [0]})
    extend_each(lists, ["a", "b", "a"], [(1, 2), (3,), (4,)])
    assert lists == {"a": [0, 1, 2, 4], "b": [3]}
