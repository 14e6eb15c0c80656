"""Evidence of a shared story across languages from word translations (the lexicon).

Two translations of one story share their names and numbers, but few of their words' own stems when
their scripts differ (Devanagari and Latin share almost none). With the corpus's lexicon, an article's
words also stand for the stems of their translations: `चुनाव` gives `election`'s stem, which English
articles of the same story hold. Only the article being related gains these features; the stored
postings stay as extracted, so the lexicon may change without the store being rebuilt.
"""

from __future__ import annotations

import math
from typing import Callable, Iterable

from reader.core.related.features import KIND_WEIGHTS, stem_features
from reader.core.text import TOKEN_RE

# A translation's stem weighs this much (times the translation's strength) against a stem the article
# itself holds: calibrated on held-out Hindi and Russian news, whose words rarely share stems with English.
TRANSLATED_WEIGHT = 2.0 * KIND_WEIGHTS["g"]
MAX_WORDS = 2000  # distinct words of a very long article looked up

Translate = Callable[[str], Iterable[tuple[str, float]]]  # word -> (translation as written, strength)


def translated_features(title: str, text: str, translate: Translate) -> tuple[dict[str, float], dict[str, str]]:
    """The stem features of the translations of an article's words, with their weights, and for each
    feature the translation that gave it (`election ← चुनाव`, for reasons). Title words count twice."""
    counts: dict[str, float] = {}
    for boost, part in ((2.0, title), (1.0, text)):
        for word in TOKEN_RE.findall(part):
            if word in counts or len(counts) < MAX_WORDS:
                counts[word] = counts.get(word, 0.0) + boost
    weights: dict[str, float] = {}
    shown: dict[str, str] = {}
    for word, count in counts.items():
        damped = 1.0 + math.log(count) if count > 1.0 else 1.0
        for translation, strength in translate(word):
            weight = TRANSLATED_WEIGHT * strength * damped
            for feature in stem_features(translation):
                if weight > weights.get(feature, 0.0):
                    weights[feature] = weight
                    shown[feature] = f"{translation} ← {word}"
    return weights, shown
