"""Corpus loading: formats, ids, metadata precedence, decoding, and files that must not crash."""

from __future__ import annotations

import os

import pytest

from reader.core.corpus.articles import ArticleSkipped, CorpusError, load_article, scan_corpus
from tests.conftest import write


def ids(root):
    return [entry.id for entry in scan_corpus(root)]


def test_scan_finds_articles_recursively_and_skips_hidden_and_other_files(small_corpus):
    write(small_corpus, ".reader/index/x.txt", "hidden")
    write(small_corpus, ".git/HEAD.txt", "hidden")
    write(small_corpus, "notes.bin", b"\x00\x01")
    write(small_corpus, "en/wire.txt.yaml", "tags: [a]\n")
    unknown = []
    assert sorted(e.id for e in scan_corpus(small_corpus, unknown=unknown)) == [
        "de/meldung.md", "en/wire.txt", "fr/depeche.txt", "ru/novost.html"]
    assert unknown == ["notes.bin"]  # named, not silently passed over; sidecars are not unknown


def test_txt_title_is_first_non_empty_line(small_corpus):
    article = load_article(small_corpus, small_corpus / "en/wire.txt")
    assert article.id == "en/wire.txt"
    assert article.title == "Deliveries of drones to Russia"
    assert article.body.startswith("China shipped drones")
    assert article.lang == "en"


def test_markdown_front_matter_gives_metadata(small_corpus):
    article = load_article(small_corpus, small_corpus / "de/meldung.md")
    assert (article.title, article.lang, article.date, article.source) == (
        "Drohnen für Russland", "de", "2024-05-07", "Spiegel")
    assert "---" not in article.body


def test_html_text_is_extracted_without_scripts(small_corpus):
    article = load_article(small_corpus, small_corpus / "ru/novost.html")
    assert article.title == "Поставки дронов в Россию"
    assert "Шойгу" in article.body and "not text" not in article.body
    assert article.lang == "ru"


def test_sidecar_metadata_applies_when_the_file_has_none(small_corpus):
    write(small_corpus, "en/wire.txt.yaml", "lang: fr\ntitle: Corrected\ntags: [Dual Use]\n")
    article = load_article(small_corpus, small_corpus / "en/wire.txt")
    assert (article.lang, article.title, article.tags) == ("fr", "Corrected", ["dual-use"])


def test_front_matter_comes_before_the_sidecar(small_corpus):
    write(small_corpus, "de/meldung.md.yaml", "lang: en\nsource: Other\n")
    article = load_article(small_corpus, small_corpus / "de/meldung.md")
    assert (article.lang, article.source) == ("de", "Spiegel")


def test_broken_sidecar_is_reported_on_the_article(small_corpus):
    write(small_corpus, "en/wire.txt.yaml", "tags: [a\n")
    article = load_article(small_corpus, small_corpus / "en/wire.txt")
    assert "wire.txt.yaml" in article.sidecar_error
    assert article.title == "Deliveries of drones to Russia"


@pytest.mark.parametrize("data,encoding", [
    ("\ufeffTitre\n\nÉté à Paris".encode("utf-8"), "utf-8"),
    ("Titre\n\nÉté à Paris – 5 €".encode("cp1252"), "cp1252"),
    ("\ufeffTitre\n\nÉté à Paris".encode("utf-16-le"), "utf-16"),
    ("\ufeffTitre\n\nÉté à Paris".encode("utf-16-be"), "utf-16"),
    ("\ufeffTitre\n\nÉté à Paris".encode("utf-32-le"), "utf-32"),
])
def test_decoding_fallback(tmp_path, data, encoding):
    path = write(tmp_path, "a.txt", data)
    article = load_article(tmp_path, path)
    assert article.title == "Titre" and article.body.startswith("Été à Paris")
    assert article.encoding == encoding
    assert bool(article.warnings) == (encoding != "utf-8")


@pytest.mark.parametrize("declared,codec", [("windows-1251", "cp1251"), ("koi8-r", "koi8_r")])
def test_a_declared_charset_decodes_the_page(tmp_path, declared, codec):
    page = f'<html><head><meta charset="{declared}"><title>Переговоры в Москве</title></head>' \
           "<body><p>Переговоры продолжились.</p></body></html>"
    article = load_article(tmp_path, write(tmp_path, "a.html", page.encode(codec)))
    assert (article.title, article.lang) == ("Переговоры в Москве", "ru")


def test_a_heading_mark_leaves_the_title_and_a_hashtag_stays(tmp_path):
    assert load_article(tmp_path, write(tmp_path, "a.md", "## Heading\n\nBody of it.\n")).title == "Heading"
    assert load_article(tmp_path, write(tmp_path, "b.txt", "#MeToo in court\n\nBody of it.\n")).title == \
        "#MeToo in court"


def test_crlf_is_normalised(tmp_path):
    article = load_article(tmp_path, write(tmp_path, "a.txt", b"Title\r\n\r\nLine one\r\nLine two\r\n"))
    assert article.body == "Line one\nLine two"


@pytest.mark.parametrize("content", [b"Title\x00\x01binary", b"", b"   \n\n  \t\n"])
def test_unusable_files_are_skipped_with_a_reason(tmp_path, content):
    path = write(tmp_path, "bad.txt", content)
    with pytest.raises(ArticleSkipped):
        load_article(tmp_path, path)


def test_malformed_front_matter_is_a_warning_not_a_crash(tmp_path):
    path = write(tmp_path, "a.md", "---\ntitle: [unclosed\n---\nBody text here for the article.\n")
    article = load_article(tmp_path, path)
    assert article.warnings and "front matter" in article.warnings[0]


def test_front_matter_with_a_title_and_no_body_is_an_article(tmp_path):
    article = load_article(tmp_path, write(tmp_path, "a.md", "---\ntitle: Only a title\nurl: http://x\n---\n"))
    assert (article.title, article.body) == ("Only a title", "")


def test_a_front_matter_title_is_one_line(tmp_path):
    path = write(tmp_path, "a.md", "---\ntitle: |\n  Two\n  lines\n---\nBody text of the article.\n")
    assert load_article(tmp_path, path).title == "Two lines"


def test_an_impossible_front_matter_date_keeps_the_article(tmp_path):
    path = write(tmp_path, "a.md", "---\ntitle: Thirtieth\ndate: 2023-02-30\n---\nBody text of the article.\n")
    article = load_article(tmp_path, path)
    assert (article.title, article.date) == ("Thirtieth", "2023-02-30")


@pytest.mark.parametrize("declared, lang", [("en-US", "en"), ("fr_FR", "fr"), ("DE", "de"), (" it ", "it")])
def test_declared_languages_are_base_codes(tmp_path, declared, lang):
    path = write(tmp_path, "a.md", f"---\nlang: '{declared}'\n---\nSome text of the article.\n")
    assert load_article(tmp_path, path).lang == lang


def test_a_declared_language_that_is_no_code_is_a_warning_and_detected(tmp_path):
    path = write(tmp_path, "a.txt", "The war\n\nThe government said the army would leave the city.\n")
    write(tmp_path, "a.txt.yaml", 'lang: "\\e]0;PWNED\\a\\e[31m"\n')
    article = load_article(tmp_path, path)
    assert article.lang == "en"
    assert article.warnings == ["lang '\\x1b]0;PWNED\\x07\\x1b[31m' is not a language code: detected instead"]


def test_symlink_cycles_do_not_loop_and_links_out_are_skipped(tmp_path, small_corpus):
    os.symlink(small_corpus, small_corpus / "en" / "loop")
    outside = write(tmp_path, "outside/secret.txt", "Secret\n\nNot part of the corpus.")
    os.symlink(outside.parent, small_corpus / "out")
    warnings: list[str] = []
    found = [e.id for e in scan_corpus(small_corpus, warnings)]
    assert len(found) == len(set(found)) == 4
    assert any("out of the corpus" in w for w in warnings)


def test_missing_corpus_is_a_clear_error(tmp_path):
    with pytest.raises(CorpusError, match="not found"):
        list(scan_corpus(tmp_path / "nope"))


RUSSIAN = "Шойгу заявил в Москве\n\nМинистр обороны России Сергей Шойгу заявил, что армия получит новые ракеты."
GREEK = "Η Αθήνα σήμερα\n\nΗ Αθήνα είναι η πρωτεύουσα της Ελλάδας και η μεγαλύτερη πόλη της χώρας."
CZECH = "Praha dnes\n\nPříliš žluťoučký kůň úpěl ďábelské ódy. Praha je hlavní město České republiky."
FRENCH = "Titre français\n\nL'été à Paris, la crème brûlée coûte 5 € au café près de l'église."


@pytest.mark.parametrize("text,codec", [(RUSSIAN, "cp1251"), (RUSSIAN, "koi8-r"), (GREEK, "cp1253"),
                                        (CZECH, "cp1250"), (FRENCH, "cp1252")])
def test_undeclared_legacy_code_pages_are_detected(tmp_path, text, codec):
    path = write(tmp_path, "legacy.txt", text.encode(codec))
    article = load_article(tmp_path, path)
    assert article.title == text.split("\n")[0]
    assert article.body == text.split("\n\n", 1)[1]
