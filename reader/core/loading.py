"""Loading articles for the index: parse, recognise entities, analyse, extract relatedness features.

This runs in loader processes during large updates; the search path never imports it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

from reader.core.corpus import GAZETTEER_FILE, Article, ArticleSkipped, load_article
from reader.core.data_overlay import readable_file
from reader.core.entities import entity_terms, recognise
from reader.core.features import extract_features
from reader.core.gazetteer import Gazetteer, GazetteerError
from reader.core.index import IndexDoc, analysed
from reader.core.related import FeatureRecord, feature_record
from reader.core.text import TOKEN_RE

_gazetteers: dict[str, tuple[tuple[int, int], Gazetteer | None, str]] = {}


def load_gazetteer(path: Path) -> tuple[Gazetteer | None, str]:
    """The gazetteer at `path` (cached per process until the file changes) and its error, if any."""
    try:
        st = os.stat(path)
        version = (st.st_mtime_ns, st.st_size)
    except OSError:
        return None, ""
    cached = _gazetteers.get(str(path))
    if cached is None or cached[0] != version:
        try:
            cached = (version, Gazetteer.load(path), "")
        except GazetteerError as exc:
            cached = (version, None, f"{exc}; its entities are not used")
        _gazetteers[str(path)] = cached
    return cached[1], cached[2]


def article_to_doc(article: Article, gazetteer: Gazetteer | None, words: set[str] | None = None) -> IndexDoc:
    """What the index stores of an article, entities included (`words`: its text's set of words)."""
    spans = recognise(article.text, article.lang, gazetteer, words)
    return IndexDoc(id=article.id, title=article.title, lang=article.lang, text=article.text,
                    date=article.date, source=article.source, tags=article.tags,
                    entities=entity_terms(spans))


class Loaded(NamedTuple):
    """One article prepared for the index in a worker: the document, its relatedness features, notes."""

    path: str
    doc: IndexDoc | None
    features: FeatureRecord | None
    note: str


def load_for_index(job: tuple[str, str]) -> Loaded:
    """Load one article file (corpus root, path) for the index; problems become a note, never an exception."""
    root, path = job
    try:
        gazetteer, _ = load_gazetteer(readable_file(Path(root), GAZETTEER_FILE))
        article = load_article(Path(root), Path(path))
        tokens = TOKEN_RE.findall(article.text)  # cut once for the entity finder and the index
        doc = analysed(article_to_doc(article, gazetteer, set(tokens)), tokens)
        features = feature_record(extract_features(article.title, article.body, article.lang))
    except ArticleSkipped as exc:
        return Loaded(path, None, None, str(exc))
    except Exception as exc:  # a file must never stop the whole index run
        return Loaded(path, None, None, f"cannot load: {type(exc).__name__}: {exc}")
    notes = [*article.warnings, *([article.sidecar_error] if article.sidecar_error else [])]
    return Loaded(path, doc, features, "; ".join(notes))


def exit_with_parent(parent: int) -> None:
    """Loader-process initialiser: end this process when the indexer that started it dies (killed
    indexers must not leave idle loaders behind)."""
    import threading
    import time

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="parent-watch").start()

