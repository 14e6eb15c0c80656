"""Fixtures of the end-to-end tests: an indexed demo corpus to copy, and a private tmux server."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.tmux import TmuxServer, copy_corpus, isolated_env, run_reader


@pytest.fixture(scope="session")
def indexed_corpus(tmp_path_factory) -> Path:
    """The demo corpus (without its index) indexed once; each test copies it, index and all.

    The apps then start in about a second; test_ssh and test_concurrent_analysts start unindexed.
    Copy it with `corpus_copy`.
    """
    root = tmp_path_factory.mktemp("indexed")
    corpus = copy_corpus(root / "corpus")
    done = run_reader(corpus, "index", env=isolated_env(root / "home"))
    assert done.returncode == 0, done.stderr
    return corpus


@pytest.fixture
def tmux(tmp_path):
    """A private tmux server for one test."""
    server = TmuxServer(tmp_path)
    yield server
    server.kill()
