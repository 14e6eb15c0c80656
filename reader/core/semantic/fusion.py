"""Reciprocal rank fusion: one ranking from several, by each item's ranks in them."""

from __future__ import annotations

from typing import Hashable, Sequence

RRF_K = 60  # the usual constant: a first rank counts 1/61, a tenth 1/70


def fuse(rankings: Sequence[tuple[Sequence[Hashable], float]]) -> list[tuple[Hashable, float]]:
    """Items of weighted rankings (best first), ordered by the weighted sum of 1/(RRF_K + rank); ties
    keep the order of the first ranking that has them."""
    scores: dict[Hashable, float] = {}
    for ranking, weight in rankings:
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + weight / (RRF_K + rank)
    return sorted(scores.items(), key=lambda pair: -pair[1])
