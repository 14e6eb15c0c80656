"""Loading articles for the index: parse, recognise entities, analyse, extract relatedness features.

This runs in loader processes during large updates; the search path never imports it.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import NamedTuple

from reader.core.corpus.articles import (
    GAZETTEER_FILE,
    Article,
    ArticleSkipped,
    is_container_name,
    load_article,
    parse_members,
)
from reader.core.entities.gazetteer import Gazetteer, load_gazetteer
from reader.core.entities.recognise import entity_terms, recognise
from reader.core.related.features import extract_features
from reader.core.related.store import FeatureRecord, feature_record
from reader.core.search.index import IndexDoc, analysed
from reader.core.text import TOKEN_RE
from reader.core.userdata.data_overlay import readable_file
from reader.core.userdata.sidecars import SidecarError, read_member_sidecars, sidecar_path


def article_to_doc(article: Article, gazetteer: Gazetteer | None, words: set[str] | None = None) -> IndexDoc:
    """What the index stores of an article, entities included (`words`: its text's set of words)."""
    spans = recognise(article.text, article.lang, gazetteer, words)
    return IndexDoc(id=article.id, title=article.title, lang=article.lang, text=article.text,
                    date=article.date, source=article.source, tags=article.tags,
                    entities=entity_terms(spans))


class Loaded(NamedTuple):
    """One article prepared for the index in a worker: the document, its relatedness features, notes.

    `id` is the article id (`dump.jsonl#key` for a member); a member's `digest` tells whether it changed
    since the last update, and `unchanged` marks one that did not (nothing else is loaded for it).
    """

    path: str
    doc: IndexDoc | None
    features: FeatureRecord | None
    note: str
    id: str = ""
    digest: str = ""
    unchanged: bool = False
    fingerprint: str = ""  # of the article's text, to follow it when it is renamed


def load_for_index(job: tuple) -> list[Loaded]:
    """Load one file (corpus root, path[, {member key: digest} known before]) for the index: one article,
    or each new or changed member of a container file. Problems become notes, never exceptions."""
    root, path = Path(job[0]), Path(job[1])
    if not is_container_name(path.name):
        return [_load_one(root, path, path.relative_to(root).as_posix())]
    known = job[2] if len(job) > 2 else {}
    try:
        members = parse_members(path, root)
        entries = read_member_sidecars(sidecar_path(path))
    except (ArticleSkipped, SidecarError) as exc:
        return [Loaded(str(path), None, None, str(exc), path.relative_to(root).as_posix())]
    except Exception as exc:  # a file must never stop the whole index run
        return [Loaded(str(path), None, None, f"cannot load: {type(exc).__name__}: {exc}",
                       path.relative_to(root).as_posix())]
    loaded, rel = [], path.relative_to(root).as_posix()
    for key, parsed in members.items():
        member_id = f"{rel}#{key}"
        digest = hashlib.sha1(json.dumps([parsed.title, parsed.body, parsed.meta, entries.get(key)],
                                         sort_keys=True, default=str).encode("utf-8", "replace")).hexdigest()
        if known.get(key) == digest:
            loaded.append(Loaded(str(path), None, None, "", member_id, digest, unchanged=True))
        else:
            loaded.append(_load_one(root, path.with_name(f"{path.name}#{key}"), member_id)._replace(digest=digest))
    return loaded


def _load_one(root: Path, path: Path, article_id: str) -> Loaded:
    try:
        gazetteer, _ = load_gazetteer(readable_file(root, GAZETTEER_FILE))
        article = load_article(root, path)
        tokens = TOKEN_RE.findall(article.text)  # cut once for the entity finder and the index
        doc = analysed(article_to_doc(article, gazetteer, set(tokens)), tokens)
        features = feature_record(extract_features(article.title, article.body, article.lang))
    except ArticleSkipped as exc:
        return Loaded(str(path), None, None, str(exc), article_id)
    except Exception as exc:  # a file must never stop the whole index run
        return Loaded(str(path), None, None, f"cannot load: {type(exc).__name__}: {exc}", article_id)
    notes = [*article.warnings, *([article.sidecar_error] if article.sidecar_error else [])]
    return Loaded(str(path), doc, features, "; ".join(notes), article_id, fingerprint=article.fingerprint)
