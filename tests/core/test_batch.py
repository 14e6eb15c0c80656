"""When articles were first indexed: kept across updates, however large the corpus."""

from __future__ import annotations

import datetime as dt

from reader.core.userdata.batch import FIRST_SEEN_FILE, first_seen, update_first_seen


def test_first_seen_times_survive_updates_of_a_large_corpus(tmp_path):
    early = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
    later = dt.datetime(2024, 6, 1, tzinfo=dt.timezone.utc)
    ids = [f"feeds/{n // 1000:03d}/article-{n:06d}.txt" for n in range(40_000)]
    update_first_seen(tmp_path, ids, early)
    assert (tmp_path / FIRST_SEEN_FILE).stat().st_size > 2**20  # past the limit of the analyst's own files
    update_first_seen(tmp_path, [*ids[1:], "new.txt"], later)
    seen = first_seen(tmp_path)
    assert seen["new.txt"] == later and seen[ids[1]] == early and seen[ids[-1]] == early
    assert ids[0] not in seen and len(seen) == 40_000
