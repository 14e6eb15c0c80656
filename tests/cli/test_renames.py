"""Tags and notes survive renames and moves (`reader index` follows the sidecar), orphans are reported
and handled by `reader orphans`: real files, the CLI as a subprocess, and one real `git mv`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

from reader.core.indexing import manifest as manifest_store
from tests.cli.test_cli import run
from tests.conftest import write

ARTICLES = {
    "one.txt": "Первая статья\n\nРеки Сибири разливаются весной.\n",
    "two.txt": "第二篇文章\n\n山区的道路在冬天关闭。\n",
    "three.md": "---\ntitle: Third\n---\nA third text about harbours and ships.\n",
}


@pytest.fixture
def corpus(tmp_path):
    root = tmp_path / "corpus"
    for name, text in ARTICLES.items():
        write(root, name, text)
    assert run("index", corpus=root).returncode == 0
    assert run("tag", "one.txt", "+river", corpus=root).returncode == 0
    return root


def tagged(root, tag: str) -> list[str]:
    out = run("search", f"tag:{tag}", "--format", "paths", corpus=root).stdout.split()
    return [os.path.relpath(path, root) for path in out]


def index_json(root) -> dict:
    result = run("index", "--format", "json", corpus=root)
    assert result.returncode == 0, result.stderr
    return {**json.loads(result.stdout), "stderr": result.stderr}


def files(root) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if ".reader" not in p.parts and p.is_file())


def test_a_renamed_article_keeps_its_tags(corpus):
    (corpus / "one.txt").rename(corpus / "renamed.txt")
    report = index_json(corpus)
    assert report["moved"] == [{"from": "one.txt", "to": "renamed.txt"}] and report["orphans"] == []
    assert "one.txt is now renamed.txt" in report["stderr"]
    assert tagged(corpus, "river") == ["renamed.txt"]
    assert "one.txt.yaml" not in files(corpus) and "renamed.txt.yaml" in files(corpus)


def test_a_move_into_a_sub_folder_keeps_its_tags(corpus):
    (corpus / "deep" / "er").mkdir(parents=True)
    (corpus / "one.txt").rename(corpus / "deep" / "er" / "one.txt")
    assert index_json(corpus)["moved"] == [{"from": "one.txt", "to": "deep/er/one.txt"}]
    assert tagged(corpus, "river") == ["deep/er/one.txt"]
    assert run("index", corpus=corpus).stderr.count("0 added, 0 changed, 0 removed") == 1  # nothing left to do


def test_article_and_sidecar_renamed_together_keep_their_tags(corpus):
    (corpus / "one.txt").rename(corpus / "uno.txt")
    (corpus / "one.txt.yaml").rename(corpus / "uno.txt.yaml")
    report = index_json(corpus)
    assert report["moved"] == [] and report["orphans"] == []
    assert tagged(corpus, "river") == ["uno.txt"]


def test_git_mv_of_the_article_alone(corpus):
    git = shutil.which("git")
    if git is None:
        pytest.skip("git is not installed")
    env = {**os.environ, "GIT_AUTHOR_NAME": "a", "GIT_AUTHOR_EMAIL": "a@x", "GIT_COMMITTER_NAME": "a",
           "GIT_COMMITTER_EMAIL": "a@x"}
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "corpus"], ["mv", "one.txt", "moved.txt"]):
        subprocess.run([git, *args], cwd=corpus, check=True, env=env)
    assert index_json(corpus)["moved"] == [{"from": "one.txt", "to": "moved.txt"}]
    assert tagged(corpus, "river") == ["moved.txt"]
    subprocess.run([git, "add", "-A"], cwd=corpus, check=True, env=env)
    status = subprocess.run([git, "status", "--porcelain"], cwd=corpus, capture_output=True, text=True,
                            check=True).stdout
    assert "R  one.txt.yaml -> moved.txt.yaml" in status  # git sees the sidecar's move as a rename
    assert ".reader" not in status  # the index folder ignores itself


def test_an_edited_and_renamed_article_is_reported_not_guessed(corpus):
    before = (corpus / "one.txt.yaml").read_bytes()
    (corpus / "one.txt").unlink()
    write(corpus, "edited.txt", ARTICLES["one.txt"] + "Добавлено позже.\n")
    report = index_json(corpus)
    assert report["moved"] == [] and report["orphans"] == ["one.txt.yaml"]
    assert "1 sidecar without their article" in report["stderr"] and "one.txt.yaml" in report["stderr"]
    assert (corpus / "one.txt.yaml").read_bytes() == before and not (corpus / "edited.txt.yaml").exists()
    assert tagged(corpus, "river") == []


def test_an_ambiguous_rename_changes_nothing_on_disk(corpus):
    (corpus / "one.txt").unlink()
    write(corpus, "copy-a.txt", ARTICLES["one.txt"])
    write(corpus, "copy-b.txt", ARTICLES["one.txt"])
    before = {name: (corpus / name).read_bytes() for name in files(corpus)}
    report = index_json(corpus)
    assert report["moved"] == [] and report["orphans"] == ["one.txt.yaml"]
    assert len(report["ambiguous"]) == 1 and "copy-a.txt, copy-b.txt" in report["ambiguous"][0]
    assert {name: (corpus / name).read_bytes() for name in files(corpus)} == before


def test_orphans_are_listed_attached_and_archived(corpus):
    assert run("orphans", corpus=corpus).returncode == 1  # none
    assert run("tag", "two.txt", "+mountain", corpus=corpus).returncode == 0
    (corpus / "one.txt").unlink()
    (corpus / "two.txt").unlink()
    write(corpus, "new.txt", "Something else entirely\n\nNo shared text.\n")
    run("index", corpus=corpus)
    listed = json.loads(run("orphans", "--format", "json", corpus=corpus).stdout)
    assert [(row["sidecar"], row["tags"]) for row in listed] == [("one.txt.yaml", ["river"]),
                                                                   ("two.txt.yaml", ["mountain"])]
    result = run("orphans", "--attach", "one.txt.yaml", "new.txt", corpus=corpus)
    assert result.returncode == 0, result.stderr
    assert tagged(corpus, "river") == ["new.txt"]  # searchable at once
    refused = run("orphans", "--attach", "two.txt", "new.txt", corpus=corpus)
    assert refused.returncode == 2 and "new.txt already has a sidecar" in refused.stderr
    assert run("orphans", "--archive", "two.txt.yaml", corpus=corpus).returncode == 0
    assert (corpus / ".reader" / "orphans" / "two.txt.yaml").is_file() and not (corpus / "two.txt.yaml").exists()
    assert run("orphans", corpus=corpus).returncode == 1
    for outside in ("../corpus-elsewhere.txt", "/etc/hostname", ".reader/index/x.txt"):
        refused = run("orphans", "--archive", outside, corpus=corpus)
        assert refused.returncode == 2 and "not an article id inside the corpus" in refused.stderr
    assert "not an orphan" in run("orphans", "--attach", "three.md", "new.txt", corpus=corpus).stderr
    missing = run("orphans", "--archive", "nothing.txt", corpus=corpus)
    assert missing.returncode == 2 and missing.stderr.count("\n") == 1 and "no such sidecar" in missing.stderr


def test_no_lock_or_temporary_file_is_left_beside_articles(corpus):
    run("tag", "one.txt", "two.txt", "+a", "-river", corpus=corpus)
    assert files(corpus) == sorted([*ARTICLES, "one.txt.yaml", "two.txt.yaml"])
    assert (corpus / ".reader" / "index" / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"


def test_a_rename_is_followed_by_a_rebuild_too(corpus):
    (corpus / "one.txt").rename(corpus / "again.txt")
    result = run("index", "--rebuild", "--format", "json", corpus=corpus)
    assert json.loads(result.stdout)["moved"] == [{"from": "one.txt", "to": "again.txt"}]
    assert tagged(corpus, "river") == ["again.txt"]


def test_two_gone_articles_with_one_text_are_not_guessed(corpus):
    write(corpus, "twin.txt", ARTICLES["one.txt"])
    assert run("tag", "twin.txt", "+twin", corpus=corpus).returncode == 0
    (corpus / "one.txt").unlink()
    (corpus / "twin.txt").rename(corpus / "survivor.txt")
    report = index_json(corpus)
    assert report["moved"] == [] and report["orphans"] == ["one.txt.yaml", "twin.txt.yaml"]
    assert "one.txt, twin.txt: the same text is now in survivor.txt" in report["ambiguous"][0]
    assert not (corpus / "survivor.txt.yaml").exists()


def test_an_index_from_before_fingerprints_learns_them_for_tagged_articles(corpus):
    index_dir = corpus / ".reader" / "index"
    files = {i: list(stamp) for i, stamp in manifest_store.load(index_dir).files.items()}
    manifest_store.remove(index_dir)
    legacy = index_dir / manifest_store.LEGACY_FILE  # the JSON manifest an older reader wrote
    legacy.write_text(json.dumps({"files": files}), encoding="utf-8")
    assert run("index", corpus=corpus).returncode == 0
    assert not legacy.exists() and set(manifest_store.load(index_dir).prints) == {"one.txt"}
    (corpus / "one.txt").rename(corpus / "later.txt")
    assert index_json(corpus)["moved"] == [{"from": "one.txt", "to": "later.txt"}]
