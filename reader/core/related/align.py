"""Paragraph alignment and word differences for the side-by-side view; sentences of aligned paragraphs."""

from __future__ import annotations

import math
import re
from difflib import SequenceMatcher

from reader.core.related.features import paragraph_anchors
from reader.core.unicode_marks import MARKS, MarkPattern

# Gale–Church: prior probability of each move (left paragraphs, right paragraphs) and the variance
# of the length difference per character.
MOVE_PRIORS = {(1, 1): 0.89, (1, 0): 0.0099, (0, 1): 0.0099, (2, 1): 0.089, (1, 2): 0.089}
LENGTH_VARIANCE = 6.8
ANCHOR_WEIGHT = 3.0  # cost units (-log probability) saved per unit of shared, distinctive anchors
STEM_ANCHOR_SHARE = 0.5  # a shared word stem counts for less than a shared number or name
ORPHAN_LENGTH_COST = 2.0  # lengths of two neighbouring orphans agree: at most about 1.6 deviations apart
BAND = 30  # paragraphs off the length-proportional diagonal considered when the lists are long
_TOKEN_RE = MarkPattern(rf"(?:\w|[{MARKS}])+|[^\w\s]")  # a vowel sign is inside its word
# A sentence ends at a full stop, question or exclamation mark (Latin, Devanagari danda, CJK) before a space,
# or at a CJK one anywhere; a full stop after one or two letters is an initial or an abbreviation (`M.`, `St.`).
_SENTENCE_END_RE = re.compile(r"(?<!\b\w)(?<!\b\w\w)\.(?=\s+\S)|[!?](?=\s+\S)|[।॥](?=\s*\S)|[。！？](?=\S)")


def _length_cost(left: int, right: int, ratio: float) -> float:
    """-log probability that paragraphs of these lengths (chars) translate each other (Gale–Church)."""
    mean = (left + right / ratio) / 2
    if mean == 0:
        return 0.0
    delta = (right - left * ratio) / math.sqrt(mean * LENGTH_VARIANCE)
    return -math.log(max(math.erfc(abs(delta) / math.sqrt(2)), 1e-12))


def _anchor_weights(left: list[set[str]], right: list[set[str]]) -> dict[str, float]:
    """Weight of each anchor: high for those found in few paragraphs on either side."""
    counts: dict[str, int] = {}
    for anchors in left + right:
        for anchor in anchors:
            counts[anchor] = counts.get(anchor, 0) + 1
    total = len(left) + len(right)
    return {
        anchor: math.log(1 + total / count) * (STEM_ANCHOR_SHARE if anchor.startswith("g:") else 1.0)
        for anchor, count in counts.items()
    }


def align_paragraphs(left: list[str], right: list[str]) -> list[tuple[int | None, int | None]]:
    """Pair the paragraphs of two articles in order, by length and shared numbers and names.

    Each index appears exactly once. A paragraph without a counterpart gets a row with None on the
    other side; when two paragraphs match one, the second of the two gets such a row.
    """
    n, m = len(left), len(right)
    left_lengths, right_lengths = [len(p) for p in left], [len(p) for p in right]
    ratio = (sum(right_lengths) or 1) / (sum(left_lengths) or 1)
    left_anchors, right_anchors = paragraph_anchors(left), paragraph_anchors(right)
    weights = _anchor_weights(left_anchors, right_anchors)
    move_costs = {move: -math.log(prior) for move, prior in MOVE_PRIORS.items()}
    banded = n * m > 10_000
    inf = float("inf")
    # Sparse tables: in banded mode only cells near the diagonal exist (memory grows with n, not n × m).
    cost: dict[tuple[int, int], float] = {(0, 0): 0.0}
    back: dict[tuple[int, int], tuple[int, int]] = {}
    for i in range(n + 1):
        centre = i * m / n if n else 0
        low, high = (max(0, math.ceil(centre - BAND)), min(m, math.floor(centre + BAND))) if banded else (0, m)
        for j in range(low, high + 1):
            best = cost.get((i, j), inf)
            for (di, dj), move_cost in move_costs.items():
                previous = cost.get((i - di, j - dj)) if i >= di and j >= dj else None
                if previous is None:
                    continue
                total = previous + move_cost
                if di and dj:
                    total += _length_cost(sum(left_lengths[i - di : i]), sum(right_lengths[j - dj : j]), ratio)
                    shared = set.union(*left_anchors[i - di : i]) & set.union(*right_anchors[j - dj : j])
                    total -= ANCHOR_WEIGHT * sum(weights[a] for a in shared)
                if total < best:
                    best = total
                    back[i, j] = (di, dj)
            if best < inf:
                cost[i, j] = best
    rows: list[tuple[int | None, int | None]] = []
    i, j = n, m
    while i or j:
        di, dj = back.get((i, j)) or ((1, 0) if i else (0, 1))
        rows.extend(reversed(_block(range(i - di, i), range(j - dj, j), left_anchors, right_anchors, weights)))
        i, j = i - di, j - dj
    rows.reverse()
    return _pair_orphans(rows, left_lengths, right_lengths, ratio)


def _pair_orphans(rows: list[tuple[int | None, int | None]], left_lengths: list[int], right_lengths: list[int],
                  ratio: float) -> list[tuple[int | None, int | None]]:
    """Rows where two neighbouring paragraphs, one a side, each got no counterpart, between rows that pair
    (or an end), made one row when their lengths agree: short paragraphs sharing no name or number
    otherwise lose to the 2–1 moves of their neighbours."""
    paired: list[tuple[int | None, int | None]] = []
    k = 0
    while k < len(rows):
        if k + 1 < len(rows) and _orphans(rows[k], rows[k + 1]):
            i = rows[k][0] if rows[k][0] is not None else rows[k + 1][0]
            j = rows[k][1] if rows[k][1] is not None else rows[k + 1][1]
            before = paired[-1] if paired else (0, 0)
            after = rows[k + 2] if k + 2 < len(rows) else (0, 0)
            if None not in before and None not in after and \
                    _length_cost(left_lengths[i], right_lengths[j], ratio) <= ORPHAN_LENGTH_COST:
                paired.append((i, j))
                k += 2
                continue
        paired.append(rows[k])
        k += 1
    return paired


def _orphans(first: tuple[int | None, int | None], second: tuple[int | None, int | None]) -> bool:
    """Two rows with a paragraph on one side each, on different sides."""
    return (first[1] is None) != (second[1] is None) and (first[0] is None) != (second[0] is None)


def _block(
    lefts: range,
    rights: range,
    left_anchors: list[set[str]],
    right_anchors: list[set[str]],
    weights: dict[str, float],
) -> list[tuple[int | None, int | None]]:
    """Rows of one move; in a 2–1 match the pair sharing the most anchors gets the common row."""
    if not lefts or not rights:
        return [(i, None) for i in lefts] + [(None, j) for j in rights]
    pair = max(
        ((i, j) for i in lefts for j in rights),
        key=lambda p: (sum(weights[a] for a in left_anchors[p[0]] & right_anchors[p[1]]), -p[0] - p[1]),
    )
    before = [(i, None) for i in lefts if i < pair[0]] + [(None, j) for j in rights if j < pair[1]]
    after = [(i, None) for i in lefts if i > pair[0]] + [(None, j) for j in rights if j > pair[1]]
    return [*before, pair, *after]


def _tokens(text: str) -> list[re.Match[str]]:
    return list(_TOKEN_RE.finditer(text))


def word_diff(left: str, right: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Character spans (start, end) of the words that differ on each side of two same-language texts."""
    left_tokens, right_tokens = _tokens(left), _tokens(right)
    left_words, right_words = [t.group() for t in left_tokens], [t.group() for t in right_tokens]
    matcher = SequenceMatcher(None, left_words, right_words, autojunk=False)
    left_spans, right_spans = [], []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if i2 > i1:
            left_spans.append((left_tokens[i1].start(), left_tokens[i2 - 1].end()))
        if j2 > j1:
            right_spans.append((right_tokens[j1].start(), right_tokens[j2 - 1].end()))
    return left_spans, right_spans


def split_sentences(paragraph: str) -> list[str]:
    """The sentences of a paragraph, stripped."""
    cuts = [match.end() for match in _SENTENCE_END_RE.finditer(paragraph)]
    pieces = (paragraph[start:end].strip() for start, end in zip([0, *cuts], [*cuts, len(paragraph)]))
    return [piece for piece in pieces if piece]


def aligned_sentences(left: str, right: str) -> list[tuple[str, str]]:
    """Two paragraphs that translate each other, cut into the smallest pieces that still do: their sentences
    aligned as paragraphs are (`align_paragraphs`), a sentence without a counterpart joined to the piece
    before it (or after it, at the start). A paragraph of one sentence stays whole."""
    lefts, rights = split_sentences(left), split_sentences(right)
    if len(lefts) < 2 or len(rights) < 2:
        return [(left, right)]
    pieces: list[tuple[list[str], list[str]]] = []
    waiting: tuple[list[str], list[str]] = ([], [])  # sentences before the first pair
    for i, j in align_paragraphs(lefts, rights):
        if i is not None and j is not None:
            pieces.append(([*waiting[0], lefts[i]], [*waiting[1], rights[j]]))
            waiting = ([], [])
        else:
            into = pieces[-1] if pieces else waiting
            into[0 if j is None else 1].append(lefts[i] if j is None else rights[j])
    if not pieces:
        return [(left, right)]
    return [(" ".join(a), " ".join(b)) for a, b in pieces]
