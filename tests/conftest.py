"""Shared fixtures: small corpora written into temporary folders."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Iterator

import pytest

from reader.core.engine import Engine

pytest_plugins = ["tests.read_only"]  # the read_only_corpus fixture
REPO = Path(__file__).resolve().parent.parent
DEMO_CORPUS = REPO / "corpus"


@pytest.fixture(autouse=True, scope="session")
def _words_only():
    """Search by words alone, in module fixtures too (the tests of the semantic tier turn it on)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("READER_SEMANTIC", "off")
        yield


@pytest.fixture(autouse=True)
def _isolated_config(tmp_path_factory, monkeypatch):
    """Keep the user's own config, data and cache folders out of every test."""
    home = tmp_path_factory.mktemp("home")
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(name, str(home / name.lower()))
    monkeypatch.delenv("READER_CORPUS", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)


@pytest.fixture
def semantic(monkeypatch):
    """The semantic tier in use (its tests are skipped where the extra is not installed)."""
    monkeypatch.setenv("READER_SEMANTIC", "on")


@pytest.fixture
def demo_corpus(tmp_path) -> Path:
    """A writable copy of the bundled demo corpus."""
    target = tmp_path / "corpus"
    shutil.copytree(DEMO_CORPUS, target, ignore=shutil.ignore_patterns(".reader"))
    return target


def indexed(corpus: Path, index_dir: Path) -> Iterator[Engine]:
    """An engine over `corpus` after a first update, closed when the fixture that yields from it ends."""
    engine = Engine(corpus, index_dir)
    engine.update()
    yield engine
    engine.close()


def write(root: Path, rel: str, content: str | bytes) -> Path:
    """Write a file under root (creating folders) and return its path."""
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def write_articles(root: Path, articles: dict[str, tuple[str, str, str]]) -> Path:
    """Markdown articles under root: relative path -> (language, title, body); returns root."""
    for rel, (lang, title, body) in articles.items():
        write(root, rel, f"---\ntitle: {title}\nlang: {lang}\n---\n{body}\n")
    return root


def write_word_articles(root: Path, count: int, words: list[str], french: list[str], length) -> None:
    """`count` articles `a000.txt`… of repeated words: English from `words`, every third French; the
    body of article n has `length(n)` words."""
    for n in range(count):
        lang_words = words if n % 3 else french
        body = " ".join(lang_words[(n * k) % len(lang_words)] for k in range(1, length(n)))
        write(root, f"a{n:03}.txt", f"Title {n} {words[n % len(words)]}\n\n{body} the police said.\n")


def replace_and_delete(root: Path, count: int, step: int, text: str) -> None:
    """Every `step`-th article of `write_word_articles`: odd ones deleted, even ones rewritten as `text`."""
    for n in range(0, count, step):
        path = root / f"a{n:03}.txt"
        if n % 2:
            path.unlink()
        else:
            path.write_text(text.format(n=n), encoding="utf-8")


@pytest.fixture
def small_corpus(tmp_path) -> Path:
    """A few articles in several languages and formats."""
    root = tmp_path / "small"
    write(root, "en/wire.txt", "Deliveries of drones to Russia\n\nChina shipped drones and "
          "military equipment to Russia, officials in the United States said on Friday.\n")
    write(root, "fr/depeche.txt", "Livraisons de drones à la Russie\n\nLes livraisons de drones "
          "chinois à la Russie inquiètent les États-Unis, selon des responsables américains.\n")
    write(root, "de/meldung.md", "---\ntitle: Drohnen für Russland\nlang: de\ndate: 2024-05-07\n"
          "source: Spiegel\n---\nChina liefert Drohnen und militärische Ausrüstung an Russland, "
          "sagten Vertreter der Vereinigten Staaten.\n")
    write(root, "ru/novost.html", "<html lang='ru'><head><title>Поставки дронов в Россию</title>"
          "<script>var x = 'not text';</script></head><body><p>Китай поставляет дроны в Россию, "
          "заявил министр обороны Сергей Шойгу.</p></body></html>")
    return root


def printed_with_cache(cache_home: Path, code: str) -> str:
    """What a new Python process running `code` prints, with `cache_home` as its user cache folder."""
    return subprocess.run([sys.executable, "-c", code], env={**os.environ, "XDG_CACHE_HOME": str(cache_home)},
                          capture_output=True, text=True, check=True).stdout.strip()
