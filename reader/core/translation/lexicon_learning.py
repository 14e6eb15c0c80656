"""Word translations learned from aligned paragraphs: IBM Model 1 over stems, both directions.

The input is a list of segments, each a pair of (left terms, right terms) that translate each other
(a title and its translation, aligned paragraphs of two same-story articles). Candidate pairs are
pruned by the Dice coefficient of the segments they share; EM (a few iterations, vectorised with
NumPy) estimates p(right | left) and p(left | right), with an empty word on each side for words that
have no counterpart. A pair's strength is the geometric mean of both directions, which keeps the
frequent words that co-occur with everything (hubs) out.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Sequence

ITERATIONS = 5
CANDIDATES = 20  # per word, by Dice, before EM
MIN_STRENGTH = 0.1
# A pair seen in one paragraph pair only is a guess that EM made among that paragraph's words: searched (a
# rare query word has no better translation), but no evidence that two articles tell one story.
EVIDENCE_SEGMENTS = 2
KEPT = 5  # translations kept per word
# A term in more than HUB_SHARE of its side's segments is a function word ("and", "in", "of"), whatever the
# language: it stands beside every word of the other side and translates none. Languages without a stop
# list (Czech, Hindi, Polish…) keep their function words in the segments; this keeps them out of the
# lexicon. Judged once there are HUB_MIN_SEGMENTS segments, where a story's own words stay far below it.
HUB_SHARE = 0.25
HUB_MIN_SEGMENTS = 40
Segment = tuple[Sequence[str], Sequence[str]]


@dataclass(frozen=True)
class Learned:
    """One learned translation: the other language's term, its strength (0..1) and in how many
    segments the two words stood together."""

    term: str
    strength: float
    segments: int


def learn_pair(segments: list[Segment]) -> tuple[dict[str, list[Learned]], dict[str, list[Learned]]]:
    """Translations left -> right and right -> left learned from aligned segments."""
    sets = [(frozenset(left), frozenset(right)) for left, right in segments if left and right]
    if not sets:
        return {}, {}
    left_df, right_df, together = Counter(), Counter(), Counter()
    for left, right in sets:
        left_df.update(left)
        right_df.update(right)
    if len(sets) >= HUB_MIN_SEGMENTS:
        hubs = {term for df in (left_df, right_df) for term, n in df.items() if n > HUB_SHARE * len(sets)}
        sets = [(left - hubs, right - hubs) for left, right in sets]
    for left, right in sets:
        together.update((a, b) for a in left for b in right)
    candidates = _pruned(together, left_df, right_df)
    forward = _em(sets, candidates, reverse=False)
    backward = _em(sets, candidates, reverse=True)
    left_to_right: dict[str, list[Learned]] = defaultdict(list)
    right_to_left: dict[str, list[Learned]] = defaultdict(list)
    for pair in candidates:
        strength = math.sqrt(forward.get(pair, 0.0) * backward.get(pair, 0.0))
        if strength >= MIN_STRENGTH:
            a, b = pair
            left_to_right[a].append(Learned(b, round(strength, 4), together[pair]))
            right_to_left[b].append(Learned(a, round(strength, 4), together[pair]))
    return _best(left_to_right), _best(right_to_left)


def _pruned(together: Counter, left_df: Counter, right_df: Counter) -> list[tuple[str, str]]:
    """The pairs that are among the CANDIDATES best of both their words by Dice."""
    by_left: dict[str, list[tuple[float, str]]] = defaultdict(list)
    by_right: dict[str, list[tuple[float, str]]] = defaultdict(list)
    for (a, b), count in together.items():
        dice = 2 * count / (left_df[a] + right_df[b])
        by_left[a].append((dice, b))
        by_right[b].append((dice, a))
    keep_left = {(a, b) for a, found in by_left.items() for _, b in sorted(found, reverse=True)[:CANDIDATES]}
    keep_right = {(a, b) for b, found in by_right.items() for _, a in sorted(found, reverse=True)[:CANDIDATES]}
    return sorted(keep_left & keep_right)


def _em(sets: list[tuple[frozenset, frozenset]], candidates: list[tuple[str, str]],
        reverse: bool) -> dict[tuple[str, str], float]:
    """IBM Model 1 p(target | source) for candidate pairs (source: left, or right when `reverse`)."""
    pair_ids = {pair: i for i, pair in enumerate(candidates)}
    null_ids: dict[str, int] = {}  # the empty source word, one parameter per target word
    source_of = [pair[1] if reverse else pair[0] for pair in candidates]
    pairs, groups = [], []
    group = 0
    for left, right in sets:
        sources, targets = (right, left) if reverse else (left, right)
        for target in targets:
            found = [pair_ids[(target, s) if reverse else (s, target)] for s in sources
                     if ((target, s) if reverse else (s, target)) in pair_ids]
            if not found:
                continue
            null = null_ids.setdefault(target, len(candidates) + len(null_ids))
            pairs += found
            pairs.append(null)
            groups += [group] * (len(found) + 1)
            group += 1
    if not pairs:
        return {}
    import numpy as np  # here: a search reads learned translations (this module's `Learned`) without NumPy

    pair_array, group_array = np.array(pairs, dtype=np.int64), np.array(groups, dtype=np.int64)
    count = len(candidates) + len(null_ids)
    source_ids = {s: i for i, s in enumerate(dict.fromkeys(source_of))}
    owner = np.array([source_ids[s] for s in source_of] + [len(source_ids)] * len(null_ids), dtype=np.int64)
    table = np.ones(count)
    for _ in range(ITERATIONS):
        weights = table[pair_array]
        posterior = weights / np.bincount(group_array, weights)[group_array]
        counts = np.bincount(pair_array, posterior, minlength=count)
        totals = np.bincount(owner, counts)
        table = counts / np.maximum(totals[owner], 1e-12)
    return {pair: float(table[i]) for pair, i in pair_ids.items()}


def _best(found: dict[str, list[Learned]]) -> dict[str, list[Learned]]:
    return {word: sorted(options, key=lambda t: (-t.strength, t.term))[:KEPT] for word, options in found.items()}
