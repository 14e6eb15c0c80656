"""The merge policy of index segments (tiered): which segments background maintenance merges next.

See docs/index-segments.md for the policy and why; segment_merge carries the merges out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from reader.core.search.index import _storage
from reader.core.search.posting_arrays import EXTENSION as ARRAYS

FLOOR_BYTES = 4 * 2**20  # segments smaller than this count as this big: tiny ones merge together
MERGE_FACTOR = 10  # a tier holding this many segments merges that many into one
# No background merge writes a segment larger, and segments past half of it no longer merge: the
# build's segments (a loader's 160 MB of postings, about 43 MiB on disk) are final as they are.
MAX_MERGED_BYTES = 64 * 2**20
QUICK_MERGE_BYTES = 2 * 2**20  # merges this small run right after a tag (well under a second)
MERGE_BYTES_PER_SECOND = 3 * 2**20  # about, on one core of the benchmark machine: for estimates
# A command the analyst waits for (`reader index`) merges only what takes this long by estimate, or as long
# as its own update took, leaving longer merges to an idle app or `--optimize`, unless the index has more
# than MOST_SEGMENTS segments that can still merge (a million articles make 70 final ones).
FOREGROUND_SECONDS = 2.0
MOST_SEGMENTS = 40


@dataclass
class SegmentInfo:
    """One segment as the policy sees it: its id, documents (all, deleted) and bytes on disk."""

    id: str
    docs: int
    deleted: int
    bytes: int

    @property
    def live_bytes(self) -> int:
        """Its size less its deleted documents' share: what a merge of it writes."""
        return int(self.bytes * (self.docs - self.deleted) / self.docs) if self.docs else 0


@dataclass
class MergeEstimate:
    """What merging segments into one involves: how many, their live articles and bytes, about how long."""

    segments: int
    articles: int
    bytes: int
    seconds: float


def estimate(segments: list[SegmentInfo]) -> MergeEstimate:
    """The cost of merging `segments` into one (one core, the rate measured by the benchmark)."""
    size = sum(s.live_bytes for s in segments)
    return MergeEstimate(len(segments), sum(s.docs - s.deleted for s in segments), size,
                         size / MERGE_BYTES_PER_SECOND)


def can_merge(segment: SegmentInfo, cap: int | None = None) -> bool:
    """Whether a segment may still merge: no larger than half of the merge cap (MAX_MERGED_BYTES)."""
    return segment.live_bytes * 2 <= (MAX_MERGED_BYTES if cap is None else cap)


def _tier(size: int) -> int:
    return int(math.log(max(size, FLOOR_BYTES) / FLOOR_BYTES, MERGE_FACTOR))


def plan(segments: list[SegmentInfo]) -> list[SegmentInfo]:
    """The next merge the tiered policy wants (segments to merge into one), or [] when within the policy.

    Segments fall into tiers by size (each tier MERGE_FACTOR times the one below, from FLOOR_BYTES).
    A tier with MERGE_FACTOR segments merges its smallest, as many as fit in MAX_MERGED_BYTES (at
    least two). Segments past half the cap no longer merge; nor would more than fit. So at most
    MERGE_FACTOR - 1 segments a tier remain, and no merge rewrites a large segment for a small one.
    """
    tiers: dict[int, list[SegmentInfo]] = {}
    for segment in filter(can_merge, segments):
        tiers.setdefault(_tier(segment.live_bytes), []).append(segment)
    for tier in sorted(tiers):
        members = sorted(tiers[tier], key=lambda s: s.live_bytes)
        if len(members) < MERGE_FACTOR:
            continue
        chosen, total = [], 0
        for segment in members[:MERGE_FACTOR]:
            if total + segment.live_bytes > MAX_MERGED_BYTES:
                break
            chosen.append(segment)
            total += segment.live_bytes
        if len(chosen) >= 2:
            return chosen
    return []


def segment_infos(storage, segments: list) -> list[SegmentInfo]:
    """Whoosh segments in a storage, as the policy sees them (their posting arrays left out: derived from
    the postings, they would move every cap by a tenth)."""
    wanted = {s.segment_id() for s in segments}
    sizes: dict[str, int] = {}
    for name in storage.list():
        segment_id, _, extension = name.partition(".")
        if segment_id not in wanted or f".{extension}" == ARRAYS:
            continue  # other files share the folder, and come and go (e.g. a SQLite journal)
        try:
            sizes[segment_id] = sizes.get(segment_id, 0) + storage.file_length(name)
        except FileNotFoundError:
            continue  # removed by a merge that finished meanwhile
    return [SegmentInfo(s.segment_id(), s.doc_count_all(), s.deleted_count(), sizes.get(s.segment_id(), 0))
            for s in segments]


def layout(index_dir: Path) -> list[SegmentInfo]:
    """The segments of the index in a folder, as the policy sees them."""
    storage = _storage(index_dir)
    return segment_infos(storage, storage.open_index()._segments())
