"""A damaged index (truncated segment, missing table of contents, killed mid-commit) is noticed by the
next command, which says so on stderr, rebuilds, and answers exactly as before the damage."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Callable

import pytest

from tests.damage import killed_mid_commit, remove_table_of_contents, truncate_segments
from tests.hostile.test_hostile_cli import RAW_CONTROL

QUERIES = ["drones", "Chogou OR Шойгу", "lang:fr", '"Xi Jinping"']


def reader(corpus: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "reader.cli", "--corpus", str(corpus), *args],
                          capture_output=True, text=True, timeout=300, env={**os.environ, "TERM": "dumb"})


def answer(corpus: Path, query: str) -> subprocess.CompletedProcess:
    """`reader search QUERY --format json`, its output with the corpus folder written CORPUS."""
    done = reader(corpus, "search", query, "--format", "json", "--limit", "50")
    done.stdout = done.stdout.replace(str(corpus), "CORPUS")
    return done


def answers(corpus: Path) -> dict[str, str]:
    """What `reader search --format json` prints for each query (ids, order, scores and snippets)."""
    found = {}
    for query in QUERIES:
        done = answer(corpus, query)
        assert done.returncode == 0, (query, done.stderr)
        found[query] = done.stdout
    return found


def index_dir(corpus: Path) -> Path:
    return corpus / ".reader" / "index"


DAMAGES: dict[str, Callable[[Path], None]] = {
    "truncated-segment": truncate_segments,
    "missing-toc": remove_table_of_contents,
    "killed-mid-commit": killed_mid_commit,
}


@pytest.fixture(scope="module")
def indexed(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """The demo corpus indexed once, and its answers to QUERIES before any damage."""
    corpus = tmp_path_factory.mktemp("damaged") / "corpus"
    shutil.copytree(Path(__file__).resolve().parents[2] / "corpus", corpus,
                    ignore=shutil.ignore_patterns(".reader"))
    assert reader(corpus, "index").returncode == 0
    return corpus, answers(corpus)


def damaged_copy(indexed, tmp_path: Path, damage: str) -> tuple[Path, dict]:
    """A copy of the indexed corpus with its index damaged one way, and the answers before."""
    original, before = indexed
    corpus = tmp_path / "corpus"
    shutil.copytree(original, corpus)
    DAMAGES[damage](index_dir(corpus))
    return corpus, before


@pytest.mark.parametrize("damage", DAMAGES)
def test_a_damaged_index_is_reported_rebuilt_and_answers_as_before(indexed, tmp_path, damage):
    corpus, before = damaged_copy(indexed, tmp_path, damage)

    first = answer(corpus, QUERIES[0])
    assert first.returncode == 0, first.stderr
    assert "damaged" in first.stderr or "could not be read" in first.stderr, first.stderr
    assert "Traceback" not in first.stderr and not RAW_CONTROL.search(first.stderr)
    assert len(first.stderr.strip().splitlines()) <= 3, first.stderr
    assert first.stdout == before[QUERIES[0]]
    assert answers(corpus) == before

    again = reader(corpus, "search", QUERIES[0])
    assert again.returncode == 0 and not again.stderr, "the rebuilt index was reported damaged again"


@pytest.mark.parametrize("damage", DAMAGES)
def test_reader_index_says_it_rebuilt_a_damaged_index(indexed, tmp_path, damage):
    corpus, before = damaged_copy(indexed, tmp_path, damage)

    done = reader(corpus, "index")
    assert done.returncode == 0, done.stderr
    assert "rebuilt the index" in done.stderr and "damaged" in done.stderr, done.stderr
    assert answers(corpus) == before
