"""Tags and notes of a read-only corpus: `reader tag/search/show` on a read-only mount write to a data folder."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import yaml

from reader.core.userdata.files import corpus_digest
from tests.cli.test_cli import run

ARTICLE = "000_2b620b70247fd231.txt"
OTHER = "001_e13ff6d2d78ae1e3.txt"
ROUNDS = 5  # `reader tag` runs per analyst


def _tags(sidecar: Path) -> list[str]:
    return (yaml.safe_load(sidecar.read_text(encoding="utf-8")) or {}).get("tags") or []


def test_tagging_a_read_only_corpus_writes_the_default_data_folder(read_only_corpus):
    corpus = read_only_corpus
    assert not os.access(corpus, os.W_OK)
    first = run("tag", "001", "+checked", corpus=corpus)
    assert first.returncode == 0, first.stderr
    data = Path(os.environ["XDG_DATA_HOME"]) / "reader" / "overlays" / corpus_digest(corpus)
    assert f"read-only: tags, notes, entities.yaml, lexicon.yaml and saved searches of {corpus} are kept in {data}" in first.stderr
    assert _tags(data / f"{OTHER}.yaml") == ["checked"]
    assert not (corpus / f"{OTHER}.yaml").exists()
    again = run("tag", "001", "+again", corpus=corpus)
    assert again.returncode == 0 and again.stderr == ""  # the notice is said once
    found = run("search", "tag:checked", "--format", "paths", corpus=corpus)
    assert found.returncode == 0, found.stderr
    assert found.stdout.strip().endswith(OTHER)
    tags = run("tags", "--format", "json", corpus=corpus)
    assert {"tag": "again", "count": 1} in yaml.safe_load(tags.stdout)


def test_a_data_folder_sidecar_starts_from_the_archived_one_with_its_comments(read_only_corpus, tmp_path):
    corpus, data = read_only_corpus, tmp_path / "team"
    before = run("search", "tag:archived", "--format", "paths", "--data", str(data), corpus=corpus)
    assert before.returncode == 0 and before.stdout.strip().endswith(ARTICLE), before.stderr
    tagged = run("tag", "000", "+new", "--data", str(data), corpus=corpus)
    assert tagged.returncode == 0, tagged.stderr
    assert tagged.stdout.strip() == f"{ARTICLE}: archived, new"
    text = (data / f"{ARTICLE}.yaml").read_text(encoding="utf-8")
    assert text.startswith("# archived by the team\n") and _tags(data / f"{ARTICLE}.yaml") == ["archived", "new"]
    assert _tags(corpus / f"{ARTICLE}.yaml") == ["archived"]  # the archive is untouched
    removed = run("tag", "000", "-archived", "--data", str(data), corpus=corpus)
    assert removed.stdout.strip() == f"{ARTICLE}: new"
    gone = run("search", "tag:archived", "--format", "paths", "--data", str(data), corpus=corpus)
    assert gone.returncode == 1, gone.stdout  # removed in the overlay stays removed


def test_reader_data_environment_variable_and_show_and_saved_searches(read_only_corpus, tmp_path):
    corpus, data = read_only_corpus, tmp_path / "shared"
    env = {"READER_DATA": str(data)}
    assert run("tag", "002", "+env-tag", corpus=corpus, env=env).returncode == 0
    assert _tags(next(data.glob("002_*.yaml"))) == ["env-tag"]
    saved = run("save", "mine", "tag:env-tag", corpus=corpus, env=env)
    assert saved.returncode == 0 and str(data / "saved-searches.yaml") in saved.stderr, saved.stderr
    found = run("search", "@mine", "--format", "paths", corpus=corpus, env=env)
    assert found.returncode == 0 and "002_" in found.stdout, found.stderr
    shown = run("show", "002", corpus=corpus, env=env)
    assert shown.returncode == 0 and shown.stdout.strip(), shown.stderr


def test_a_read_only_data_folder_is_exit_4_in_one_line(read_only_corpus):
    result = run("tag", "001", "+x", "--data", str(read_only_corpus / "sub"), corpus=read_only_corpus)
    assert result.returncode == 4, result.stderr
    lines = result.stderr.strip().splitlines()
    assert "data folder is read-only" in lines[-1] or "read-only file system" in lines[-1] \
        or "permission denied" in lines[-1], lines
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr


def test_a_writable_corpus_keeps_sidecars_beside_the_articles(demo_corpus):
    result = run("tag", "001", "+here", corpus=demo_corpus)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    assert _tags(demo_corpus / f"{OTHER}.yaml") == ["here"]


def test_a_team_tagging_through_one_data_folder_at_once_loses_nothing(read_only_corpus, tmp_path):
    """Four analysts' `reader tag` processes on one article of a read-only archive, sharing READER_DATA."""
    corpus, env = read_only_corpus, {"READER_DATA": str(tmp_path / "team")}
    assert run("index", corpus=corpus, env=env).returncode == 0
    failures: list[str] = []

    def analyst(number: int) -> None:
        for step in range(ROUNDS):
            done = run("tag", "000", f"+w{number}-{step}", *(["-archived"] if step == 0 else []),
                       corpus=corpus, env=env)
            if done.returncode != 0:
                failures.append(done.stderr)

    team = [threading.Thread(target=analyst, args=(n,)) for n in range(4)]
    for member in team:
        member.start()
    for member in team:
        member.join()
    assert failures == []
    expected = {f"w{n}-{s}" for n in range(4) for s in range(ROUNDS)}
    assert set(_tags(tmp_path / "team" / f"{ARTICLE}.yaml")) == expected  # "archived" removed once, for all
    counts = yaml.safe_load(run("tags", "--format", "json", corpus=corpus, env=env).stdout)
    assert {item["tag"]: item["count"] for item in counts} == dict.fromkeys(expected, 1)
