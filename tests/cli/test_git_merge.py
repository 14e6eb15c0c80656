"""Analysts sharing a corpus through git: real repositories in temporary folders, two clones, real pulls
through reader's merge driver (`reader git-setup`, `reader merge-file`)."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from tests.cli.test_cli import run
from tests.conftest import write

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

GIT_ENV = {"GIT_AUTHOR_NAME": "analyst", "GIT_AUTHOR_EMAIL": "a@example.org", "GIT_COMMITTER_NAME": "analyst",
           "GIT_COMMITTER_EMAIL": "a@example.org", "GIT_CONFIG_NOSYSTEM": "1"}
GAZETTEER = """\
# Our gazetteer: keep this comment
entities:
  - id: putin
    type: person
    names: [Vladimir Putin, Poutine]
  - id: nato
    type: organisation
    names: [NATO, OTAN]
"""


def git(folder, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True, check=False,
                            env={**os.environ, **GIT_ENV, "HOME": str(folder.parent)})
    assert not check or result.returncode == 0, result.stderr
    return result


def commit_all(folder, message: str) -> None:
    git(folder, "add", "-A")
    git(folder, "commit", "-qm", message)


@pytest.fixture
def clones(tmp_path):
    """Two analysts' clones of one corpus repository, both set up with `reader git-setup`."""
    first = tmp_path / "alice"
    write(first, "news/one.txt", "Сводка\n\nВойска отошли от реки.\n")
    write(first, "news/two.txt", "Bulletin\n\nLes négociations reprennent à Genève.\n")
    write(first, "entities.yaml", GAZETTEER)
    assert run("tag", "news/one.txt", "+base", "+old", corpus=first).returncode == 0
    setup = run("git-setup", corpus=tmp_path / "missing")
    assert setup.returncode == 2 and "not found" in setup.stderr
    git(tmp_path, "init", "-q", "-b", "main", str(first))
    assert run("git-setup", corpus=first).returncode == 0
    commit_all(first, "corpus")
    assert "reader" not in git(first, "ls-files").stdout.replace("entities.yaml", "")  # no index, no lock
    git(tmp_path, "clone", "-q", str(first), str(tmp_path / "bob"))
    second = tmp_path / "bob"
    assert run("git-setup", corpus=second).returncode == 0  # the driver command lives in each clone's config
    return first, second


def pull(clone) -> subprocess.CompletedProcess:
    return git(clone, "pull", "--no-rebase", "-q", "origin", "main", check=False)


def test_git_setup_twice_changes_nothing_the_second_time(tmp_path):
    git(tmp_path, "init", "-q", str(tmp_path / "c"))
    first = run("git-setup", corpus=tmp_path / "c")
    assert first.returncode == 0 and ".gitattributes" in first.stderr and "merge.reader.driver" in first.stderr
    before = ((tmp_path / "c" / ".gitattributes").read_bytes(), (tmp_path / "c" / ".git" / "config").read_bytes())
    second = run("git-setup", corpus=tmp_path / "c")
    assert second.returncode == 0 and "nothing changed" in second.stderr
    assert ((tmp_path / "c" / ".gitattributes").read_bytes(), (tmp_path / "c" / ".git" / "config").read_bytes()) \
        == before
    assert git(tmp_path / "c", "check-attr", "merge", "x/a.txt.yaml").stdout.strip().endswith("merge: reader")


def test_concurrent_tagging_merges_without_conflict(clones):
    alice, bob = clones
    run("tag", "news/one.txt", "+alice-tag", "-old", corpus=alice)
    commit_all(alice, "alice tags")
    run("tag", "news/one.txt", "+bob-tag", corpus=bob)
    run("tag", "news/two.txt", "+bob-only", corpus=bob)
    commit_all(bob, "bob tags")
    result = pull(bob)
    assert result.returncode == 0, result.stdout + result.stderr
    assert git(bob, "status", "--porcelain").stdout == ""
    sidecar = (bob / "news" / "one.txt.yaml").read_text(encoding="utf-8")
    tags = [line.strip()[2:] for line in sidecar.splitlines() if line.strip().startswith("- ")]
    assert tags == ["base", "bob-tag", "alice-tag"]  # union of additions; alice's removal of `old` honoured
    found = run("search", "tag:alice-tag", "--format", "paths", corpus=bob).stdout.split()
    assert [os.path.relpath(p, bob) for p in found] == ["news/one.txt"]  # the next search sees the merge


def test_both_edited_notes_conflict_and_tags_still_merge(clones):
    alice, bob = clones
    run("tag", "news/one.txt", "+shared", corpus=alice)
    commit_all(alice, "prepare")
    assert pull(bob).returncode == 0
    for clone, who in ((alice, "alice"), (bob, "bob")):
        sidecar = clone / "news" / "one.txt.yaml"
        sidecar.write_text(sidecar.read_text(encoding="utf-8") + f"notes: |\n  {who} thinks so\n", encoding="utf-8")
        run("tag", "news/one.txt", f"+{who}-tag", corpus=clone)
        commit_all(clone, f"{who} notes")
    result = pull(bob)
    assert result.returncode != 0 and "CONFLICT" in result.stdout + result.stderr
    assert "notes: changed on both sides" in result.stdout + result.stderr
    assert git(bob, "status", "--porcelain").stdout.startswith("UU news/one.txt.yaml")
    text = (bob / "news" / "one.txt.yaml").read_text(encoding="utf-8")
    assert "<<<<<<< ours" in text and "bob thinks so" in text and "alice thinks so" in text
    assert "- alice-tag" in text and "- bob-tag" in text and "- shared" in text  # tags merged and written
    found = run("search", "tag:alice-tag", "--format", "paths", corpus=bob).stdout.split()
    assert found, "the sidecar with markers inside its notes still parses"


def test_a_broken_sidecar_gets_a_normal_conflict(clones):
    alice, bob = clones
    (alice / "news" / "one.txt.yaml").write_text("tags: [base, old\n", encoding="utf-8")  # broken by hand
    commit_all(alice, "broken")
    run("tag", "news/one.txt", "+bob-tag", corpus=bob)
    commit_all(bob, "bob")
    result = pull(bob)
    output = result.stdout + result.stderr
    assert result.returncode != 0 and "not merged by its data" in output and "CONFLICT" in output
    assert output.count("reader merge-file:") == 1
    text = (bob / "news" / "one.txt.yaml").read_text(encoding="utf-8")
    assert "<<<<<<<" in text and "tags: [base, old" in text and "bob-tag" in text  # nothing lost


def test_the_gazetteer_merges_by_entity_id(clones):
    alice, bob = clones
    gazetteer = alice / "entities.yaml"
    gazetteer.write_text(GAZETTEER.replace("Poutine]", "Poutine, Путин]") + "  - id: kyiv\n    type: place\n"
                         "    names: [Kyiv, Kiev]\n", encoding="utf-8")
    commit_all(alice, "alice names")
    (bob / "entities.yaml").write_text(GAZETTEER.replace("[NATO, OTAN]", "[NATO, OTAN, НАТО]")
                                       .replace("[Vladimir Putin,", "[Vladimir Putin, V. Putin,"), encoding="utf-8")
    commit_all(bob, "bob names")
    result = pull(bob)
    assert result.returncode == 0, result.stdout + result.stderr
    text = (bob / "entities.yaml").read_text(encoding="utf-8")
    assert text.startswith("# Our gazetteer: keep this comment\n")
    assert "names: [Vladimir Putin, V. Putin, Poutine, Путин]" in text and "[NATO, OTAN, НАТО]" in text
    assert "id: kyiv" in text
    entities = run("entities", "news/one.txt", "--format", "json", corpus=bob)
    assert entities.returncode in (0, 1) and "entities.yaml" not in entities.stderr  # it loads


def test_a_type_changed_differently_is_one_reported_conflict_with_both_kept(clones):
    alice, bob = clones
    (alice / "entities.yaml").write_text(GAZETTEER.replace("type: organisation", "type: other"), encoding="utf-8")
    commit_all(alice, "alice type")
    (bob / "entities.yaml").write_text(GAZETTEER.replace("type: organisation", "type: place")
                                       .replace("OTAN]", "OTAN, НАТО]"), encoding="utf-8")
    commit_all(bob, "bob type")
    result = pull(bob)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    expected = ("reader merge-file: entities.yaml: entities[id=nato].type: changed on both sides (place / other); "
                "both kept between conflict markers")
    assert [line for line in output.splitlines() if "reader merge-file" in line] == [expected]
    text = (bob / "entities.yaml").read_text(encoding="utf-8")
    assert "<<<<<<< ours\n    type: place\n=======\n    type: other\n>>>>>>> theirs\n" in text
    assert "НАТО" in text


def test_lexicon_merges_by_key_keeping_comments(tmp_path):
    base = "# translations\nwar:\n  fr: guerre\npeace:\n  fr: paix\n"
    ours = base + "truce:\n  fr: trêve\n"
    theirs = base.replace("  fr: paix\n", "  fr: paix\n  de: Frieden\n")
    files = []
    for name, text in (("O", base), ("A", ours), ("B", theirs)):
        files.append(write(tmp_path, name, text))
    result = run("merge-file", *map(str, files), "lexicon.yaml")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "A").read_text(encoding="utf-8") == \
        "# translations\nwar:\n  fr: guerre\npeace:\n  fr: paix\n  de: Frieden\ntruce:\n  fr: trêve\n"
