"""`reader search` says what its limit left out, `--limit 0` lists all; an id naming one article wins."""

from __future__ import annotations

import json

from tests.cli.test_cli import run
from tests.conftest import write


def _corpus(root, count: int):
    for n in range(count):
        write(root, f"en-{n}.txt", f"Report {n}\n\nThe police said the storm passed over the city number {n}.\n")
    return root


def test_the_limit_is_said_on_stderr_and_stdout_is_unchanged(tmp_path):
    corpus = _corpus(tmp_path / "c", 25)
    result = run("search", "police", "--format", "paths", corpus=corpus)
    assert result.returncode == 0
    assert len(result.stdout.splitlines()) == 20
    assert "5 more hits not shown" in result.stderr and "--limit 0" in result.stderr
    every = run("search", "police", "--format", "paths", "--limit", "0", corpus=corpus)
    assert every.returncode == 0 and len(every.stdout.splitlines()) == 25
    assert "not shown" not in every.stderr
    hits = json.loads(run("search", "police", "--format", "json", "--limit", "3", corpus=corpus).stdout)
    assert isinstance(hits, list) and len(hits) == 3
    assert run("search", "police", "--limit", "-1", corpus=corpus).returncode == 2


def test_an_id_naming_one_article_wins_over_longer_ids(tmp_path):
    corpus = _corpus(tmp_path / "c", 12)  # en-1.txt, en-10.txt, en-11.txt
    tagged = run("tag", "en-1", "+checked", corpus=corpus)
    assert tagged.returncode == 0, tagged.stderr
    assert tagged.stdout.startswith("en-1.txt: checked")
    assert (corpus / "en-1.txt.yaml").exists() and not (corpus / "en-10.txt.yaml").exists()
    shown = run("show", "en-1.txt", corpus=corpus)
    assert shown.returncode == 0 and shown.stdout.startswith("Report 1\n")
    write(corpus, "en-1.md", "Report one in Markdown\n\nText.\n")  # now `en-1` names two articles
    both = run("show", "en-1", corpus=corpus)
    assert both.returncode == 2 and "matches" in both.stderr and "en-1.md" in both.stderr
    several = run("show", "en-", corpus=corpus)
    assert several.returncode == 2 and "matches 13 articles" in several.stderr
