"""Language identification of article text (ISO 639-1 codes)."""

from __future__ import annotations

import re
from functools import lru_cache

# Enough text to decide; longer texts only cost time.
SAMPLE_CHARS = 3000
UNKNOWN = "und"
_WORD_RE = re.compile(r"\w{2,}")


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE)


def detect_language(text: str) -> str:
    """Return the ISO 639-1 code of the main language of `text`, or `und` when there is too little text.

    Uses py3langid (a Naive Bayes model over byte n-grams, 97 languages, no downloads). Each paragraph
    votes with its length so that a few leaked foreign words or a foreign quote do not decide.
    """
    sample = text[:SAMPLE_CHARS]
    if len(_WORD_RE.findall(sample)) < 2:
        return UNKNOWN
    identifier = _identifier()
    votes: dict[str, float] = {}
    for paragraph in re.split(r"\n\s*\n|\n", sample):
        words = len(_WORD_RE.findall(paragraph))
        if words < 3:
            continue
        lang, _ = identifier.classify(paragraph)
        votes[lang] = votes.get(lang, 0.0) + words
    if not votes:
        return identifier.classify(sample)[0]
    return max(votes, key=votes.__getitem__)
