"""The translation sources of one corpus and index, assembled into an `Expander` for the engine.

Sources are opened once and kept while the index generation and the files they read (gazetteer,
learned lexicon, lexicon.yaml, installed dictionaries) stay the same.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from reader.core.corpus.articles import GAZETTEER_FILE
from reader.core.translation.expansion import Expander, Source
from reader.core.userdata.data_overlay import readable_file

if TYPE_CHECKING:
    from reader.core.engine import Engine
    from reader.core.search.index import SearchIndex

_CACHE: dict[str, tuple[tuple, list[Source], dict[frozenset[str], Expander]]] = {}


def _version(path: Path) -> tuple[int, int]:
    try:
        st = os.stat(path)
        return st.st_mtime_ns, st.st_size
    except OSError:
        return 0, 0


def expander_for(engine: Engine, index: SearchIndex, keep: frozenset[str] = frozenset()) -> Expander:
    """The expander for the engine's corpus and index; `keep`: words searched as typed only."""
    from reader.core.translation.lexicon import LEARNED_FILE, LEXICON_FILE, LexiconSource

    generation = index.generation()
    key = (generation, id(index), _version(readable_file(engine.corpus, GAZETTEER_FILE)),
           _version(readable_file(engine.corpus, LEXICON_FILE)),
           _version(engine.index_dir / LEARNED_FILE))
    cached = _CACHE.get(str(engine.index_dir))
    if cached is None or cached[0] != key:
        cached = _CACHE[str(engine.index_dir)] = (key, _sources(engine, index, generation), {})
    expanders = cached[2]
    if keep not in expanders:
        lexicon = next(source for source in cached[1] if isinstance(source, LexiconSource))
        expanders[keep] = Expander(cached[1], index.langs(), keep, lexicon.analyst.forbids)
    return expanders[keep]


def _sources(engine: Engine, index: SearchIndex, generation: int) -> list[Source]:
    from reader.core.translation.dictionaries import compiled_dictionaries
    from reader.core.translation.lexicon import lexicon_source
    from reader.core.translation.name_variants import (
        SKELETON_FILE,
        GazetteerNames,
        PlaceNames,
        ScriptNames,
        SkeletonStore,
    )

    sources: list[Source] = []
    gazetteer = engine.gazetteer()
    if gazetteer is not None:
        sources.append(GazetteerNames(gazetteer))
    store = SkeletonStore(engine.index_dir / SKELETON_FILE)
    store.refresh(generation, index.segment_vocabularies)
    sources.append(PlaceNames(store, index.has_term))
    sources.append(ScriptNames(store, index.has_term))
    sources.append(lexicon_source(engine.corpus, engine.index_dir, engine.messages))
    dictionaries = compiled_dictionaries()
    if dictionaries is not None:
        sources.append(dictionaries)
    return sources


def describe(engine: Engine, index: SearchIndex, word: str, lang: str | None = None) -> list[dict]:
    """The translations of a word (into `lang`, or every language) as rows for people: language,
    translation, source, probability (the source's confidence) and aligned pairs (learned ones)."""
    from reader.core.corpus.language import language_code

    wanted = (language_code(lang) or lang.lower()) if lang else None
    return [{"lang": found.lang, "translation": found.shown or " ".join(found.terms), "source": found.source,
             "probability": round(found.weight, 4), "pairs": found.evidence}
            for found in expander_for(engine, index).translations(word) if wanted in (None, found.lang)]
