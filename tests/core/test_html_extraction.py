"""Main text of saved pages: a floor on word-4-gram quality over the committed pages (see their README),
and the page's own metadata read into the article."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from benchmarks.html_eval import scores
from reader.core.corpus.articles import load_article

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "html_pages"
TRUTH = json.loads((PAGES / "ground-truth.json").read_text(encoding="utf-8"))


def test_main_text_of_saved_pages_leaves_the_boilerplate_out():
    articles = {key: load_article(PAGES, PAGES / f"{key}.html") for key in TRUTH}
    got = scores([(TRUTH[key]["articleBody"], article.body) for key, article in articles.items()])
    assert got["precision"] >= 0.95 and got["recall"] >= 0.95
    for article in articles.values():
        for boilerplate in ("cookie", "Subscribe", "Read more", "newsletter", "All rights reserved", "dataLayer"):
            assert boilerplate not in article.body


def test_a_saved_page_gives_its_date_source_language_and_author(tmp_path):
    shutil.copytree(PAGES, tmp_path / "pages")
    for key, truth in TRUTH.items():
        article = load_article(tmp_path / "pages", tmp_path / "pages" / f"{key}.html")
        assert (article.title, article.date[:10], article.source, article.lang, article.author) == (
            truth["title"], truth["date"], truth["source"], truth["lang"], truth["author"])
