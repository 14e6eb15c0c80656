"""Tests of reader.core.userdata.sidecars: merging, safe loading, atomic writes, locking, concurrency, crashes."""

from __future__ import annotations

import errno
import multiprocessing
import os
import random
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.core.errors import EnvironmentFailure
from reader.core.userdata import sidecars
from reader.core.userdata.sidecars import (
    SidecarError,
    normalise_tag,
    read_sidecar,
    sidecar_lock,
    sidecar_path,
    update_sidecar,
)

REPO = Path(__file__).resolve().parents[2]
TRICKY_TAGS = ["no", "on", "yes", "off", "y", "n", "12:30", "012", "0x1f", "0o17", "2024-01-01",
               "2024-01-01T10:00:00", "~", "null", "true", "false", "1e3", "1_000", ".inf", ".nan",
               "-", "<<", "=", "!x", "&a", "*a", "[a]", "{a}", "#x", "a: b", "a #b", "%x", "@x", "`x", "'q'", '"q"']


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "corpus" / "a" / "b.txt"
    path.parent.mkdir(parents=True)
    path.write_text("Title\n\nBody.\n", encoding="utf-8")
    return path


def write_sidecar(article: Path, text: str) -> Path:
    path = sidecar_path(article)
    path.write_text(text, encoding="utf-8")
    return path


# --- names and normalisation -------------------------------------------------------------------------

def test_sidecar_path_appends_yaml() -> None:
    assert sidecar_path(Path("corpus/a/b.txt")) == Path("corpus/a/b.txt.yaml")
    assert sidecar_path(Path("x.html")) == Path("x.html.yaml")


@pytest.mark.parametrize(("tag", "expected"), [
    ("Dual Use", "dual-use"),
    ("source:Politico", "source:politico"),
    ("  Many \t  inner\n spaces ", "many-inner-spaces"),
    ("Cafe\u0301", "caf\u00e9"),
    ("STRASSE", "strasse"),
    ("Straße", "strasse"),
    ("ΣΊΣΥΦΟΣ", "σίσυφοσ"),
    ("no", "no"),
])
def test_normalise_tag(tag: str, expected: str) -> None:
    assert normalise_tag(tag) == expected
    assert normalise_tag(expected) == expected


@pytest.mark.parametrize("tag", ["", "   ", "\t\n", "a\x00b"])
def test_normalise_tag_rejects_empty_and_control_characters(tag: str) -> None:
    with pytest.raises(ValueError):
        normalise_tag(tag)


# --- reading and merging -----------------------------------------------------------------------------

def test_missing_sidecar_reads_as_empty(article: Path) -> None:
    assert read_sidecar(article) == {}
    assert read_sidecar(article.parent / "nowhere" / "x.txt") == {}


def test_update_creates_sidecar_and_reads_back(article: Path) -> None:
    result = update_sidecar(article, add_tags=["Dual Use", "source:Politico"], notes="Check the numbers.",
                            fields={"lang": "fr", "title": "Un titre"})
    expected = {"tags": ["dual-use", "source:politico"], "notes": "Check the numbers.",
                "lang": "fr", "title": "Un titre"}
    assert result == expected
    assert read_sidecar(article) == expected
    assert yaml.safe_load(sidecar_path(article).read_text(encoding="utf-8")) == expected


def test_tags_are_normalised_deduplicated_and_removed_by_any_spelling(article: Path) -> None:
    update_sidecar(article, add_tags=["Dual Use", "dual-use", "DUAL   use", "b"])
    assert read_sidecar(article)["tags"] == ["dual-use", "b"]
    assert update_sidecar(article, add_tags=["Dual-Use"])["tags"] == ["dual-use", "b"]
    assert update_sidecar(article, remove_tags=["DUAL use"])["tags"] == ["b"]
    assert update_sidecar(article, remove_tags=["not-there"])["tags"] == ["b"]


def test_a_single_string_is_one_tag_not_its_letters(article: Path) -> None:
    assert update_sidecar(article, add_tags="dual-use")["tags"] == ["dual-use"]
    assert update_sidecar(article, remove_tags="dual-use")["tags"] == []


def test_adding_and_removing_the_same_tag_keeps_it(article: Path) -> None:
    update_sidecar(article, add_tags=["a", "b"])
    assert update_sidecar(article, add_tags=["a"], remove_tags=["a"])["tags"] == ["a", "b"]


def test_hand_written_tags_keep_their_typed_text(article: Path) -> None:
    write_sidecar(article, "tags: [no, 012, 1e3, ~, null, 12:30, 2024-01-01, on, yes, 0x1F, .inf, '', Dual  Use]\n")
    expected = ["no", "012", "1e3", "~", "null", "12:30", "2024-01-01", "on", "yes", "0x1f", ".inf", "dual-use"]
    assert read_sidecar(article)["tags"] == expected
    assert update_sidecar(article, add_tags=["new"])["tags"] == expected + ["new"]
    assert read_sidecar(article)["tags"] == expected + ["new"]
    text = sidecar_path(article).read_text(encoding="utf-8")
    assert [str(tag) for tag in yaml.safe_load(text)["tags"] if tag] == [
        "no", "012", "1e3", "~", "null", "12:30", "2024-01-01", "on", "yes", "0x1F", ".inf", "Dual  Use", "new"]


def test_tricky_tags_are_written_so_any_yaml_reader_sees_strings(article: Path) -> None:
    update_sidecar(article, add_tags=TRICKY_TAGS)
    expected = [normalise_tag(tag) for tag in TRICKY_TAGS]
    assert read_sidecar(article)["tags"] == expected
    assert yaml.safe_load(sidecar_path(article).read_text(encoding="utf-8"))["tags"] == expected
    assert update_sidecar(article, remove_tags=TRICKY_TAGS[::2])["tags"] == expected[1::2]


@pytest.mark.parametrize(("text", "tags"), [
    ("tags:\n", []),
    ("tags: ~\n", []),
    ("tags: []\n", []),
    ("tags: Solo Tag\n", ["solo-tag"]),
    ("tags:\n  - a\n  -\n  - b\n", ["a", "b"]),
])
def test_tags_value_shapes(article: Path, text: str, tags: list[str]) -> None:
    write_sidecar(article, text)
    assert read_sidecar(article)["tags"] == tags
    assert update_sidecar(article, add_tags=["z"])["tags"] == tags + ["z"]
    assert read_sidecar(article)["tags"] == tags + ["z"]


def test_tags_holding_a_mapping_are_an_error_and_never_rewritten(article: Path) -> None:
    path = write_sidecar(article, "tags:\n  - a\n  - source: politico\n")
    with pytest.raises(SidecarError, match=r"line 3: tags must be a list of strings"):
        read_sidecar(article)
    with pytest.raises(SidecarError):
        update_sidecar(article, add_tags=["b"])
    assert path.read_text(encoding="utf-8") == "tags:\n  - a\n  - source: politico\n"


def test_unknown_keys_comments_and_key_order_survive_an_update(article: Path) -> None:
    original = ("# Analyst: J. Doe\n"
                "title: 012  # keep the leading zero\n"
                "reviewed: {by: jd, on: 2024-03-01}\n"
                "tags:\n"
                "  - alpha  # first one\n"
                "  - beta\n"
                "score: 7\n"
                "notes: |\n"
                "  line one\n"
                "  line two\n")
    write_sidecar(article, original)
    result = update_sidecar(article, add_tags=["gamma"], remove_tags=["beta"], fields={"source": "Le Monde"})
    text = sidecar_path(article).read_text(encoding="utf-8")
    assert text.startswith("# Analyst: J. Doe\ntitle: 012  # keep the leading zero\n")
    assert "- alpha  # first one" in text
    assert "score: 7" in text and "reviewed: {by: jd, on: 2024-03-01}" in text
    assert list(result) == ["title", "reviewed", "tags", "score", "notes", "source"]
    assert result["title"] == "012"
    assert result["tags"] == ["alpha", "gamma"]
    assert result["score"] == 7
    assert result["notes"] == "line one\nline two\n"
    assert read_sidecar(article) == result


def test_odd_values_of_unknown_keys_do_not_block_updates(article: Path) -> None:
    write_sidecar(article, "score: .nan\nwhen: 2024-01-01 10:00:00\nflag: yes\nsize: 0x10\n")
    result = update_sidecar(article, add_tags=["a"])
    assert result["tags"] == ["a"] and result["size"] == 16 and result["flag"] == "yes"
    assert sidecar_path(article).read_text(encoding="utf-8").startswith("score: .nan\nwhen: 2024-01-01 10:00:00\n")


def test_comments_of_a_comment_only_sidecar_survive(article: Path) -> None:
    write_sidecar(article, "# nothing here yet\n")
    update_sidecar(article, add_tags=["a"])
    assert sidecar_path(article).read_text(encoding="utf-8").startswith("# nothing here yet\n")
    assert read_sidecar(article) == {"tags": ["a"]}


def test_fields_set_replace_and_delete(article: Path) -> None:
    update_sidecar(article, fields={"title": "T", "date": "2024-01-01", "url": "https://x.test/a?b=1#c"})
    result = update_sidecar(article, fields={"title": None, "date": "2024-02-02", "extra": {"k": [1, 2]}})
    assert result == {"date": "2024-02-02", "url": "https://x.test/a?b=1#c", "extra": {"k": [1, 2]}}
    assert read_sidecar(article) == result
    with pytest.raises(ValueError):
        update_sidecar(article, fields={"tags": ["x"]})


def test_metadata_reads_as_typed_text(article: Path) -> None:
    write_sidecar(article, "lang: no\ndate: 2024-01-01\ntitle: 1e3\nsource: ~\nurl:\n")
    assert read_sidecar(article) == {"lang": "no", "date": "2024-01-01", "title": "1e3", "source": None, "url": None}


@pytest.mark.parametrize("notes", ["", "one line", "two\nlines", "trailing newline\n", "  indented\nx\n\n\n",
                                   "tab\there", "trailing spaces   \nnext", "\nleading newline", "# not a comment",
                                   "ünïcödé — ✓ 中文", "bell\x07 and \x1b[31m escape", "null",
                                   "nel\x85", "line\u2028separator\u2029", "nbsp\u00a0", "bom\ufeff", "\x00"])
def test_notes_round_trip(article: Path, notes: str) -> None:
    update_sidecar(article, add_tags=["a"], notes=notes)
    assert read_sidecar(article) == {"tags": ["a"], "notes": notes}


@settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tags=st.lists(st.sampled_from(TRICKY_TAGS) | st.text(st.characters(blacklist_categories=("Cs",)), min_size=1,
                                                            max_size=12), max_size=6),
       notes=st.text(st.characters(blacklist_categories=("Cs",)), max_size=40))
def test_any_tags_and_notes_round_trip(article: Path, tags: list[str], notes: str) -> None:
    sidecar_path(article).unlink(missing_ok=True)
    valid = [tag for tag in tags if sidecars._normalised_or_none(tag)]
    if valid != tags:
        with pytest.raises(ValueError):
            update_sidecar(article, add_tags=tags)
    result = update_sidecar(article, add_tags=valid, notes=notes)
    assert result == {**({"tags": list(dict.fromkeys(map(normalise_tag, valid)))} if valid else {}), "notes": notes}
    assert read_sidecar(article) == result
    assert yaml.safe_load(sidecar_path(article).read_text(encoding="utf-8")) == result


def test_nothing_changed_means_nothing_written(article: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    update_sidecar(article, add_tags=["a"], notes="n", fields={"lang": "en"})
    before = os.stat(sidecar_path(article))

    def fail(*args: object) -> None:
        raise AssertionError("sidecar rewritten without a change")

    monkeypatch.setattr(sidecars, "_write_atomic", fail)
    assert update_sidecar(article, add_tags=["A"], remove_tags=["zzz"], notes="n", fields={"lang": "en", "x": None}) \
        == {"tags": ["a"], "notes": "n", "lang": "en"}
    assert update_sidecar(article) == read_sidecar(article)
    after = os.stat(sidecar_path(article))
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    other = article.with_name("other.txt")
    assert update_sidecar(other, remove_tags=["a"]) == {}
    assert not sidecar_path(other).exists()


# --- files that must not be trusted ------------------------------------------------------------------

def test_unparsable_sidecar_is_reported_with_line_and_never_overwritten(article: Path) -> None:
    bad = "tags: [a, b]\nnotes: x\n  title: oops: here\n"
    path = write_sidecar(article, bad)
    with pytest.raises(SidecarError) as caught:
        read_sidecar(article)
    message = str(caught.value)
    assert message.startswith(f"{path}: line 3: ") and "\n" not in message
    with pytest.raises(SidecarError):
        update_sidecar(article, add_tags=["c"])
    assert path.read_text(encoding="utf-8") == bad


@pytest.mark.parametrize(("text", "problem"), [
    ("- a\n- b\n", "top level is not a mapping"),
    ("just a string\n", "top level is not a mapping"),
    ("a: 1\na: 2\n", "line 2: .*duplicate key"),
    ("a: 1\n---\nb: 2\n", "line 2: but found another document"),
    ("date: 2024-13-45\n", "invalid YAML: month must be in 1..12"),
    ("a: *nowhere\n", "line 1: .*undefined alias"),
    ("x: &a [1]\n<<: *a\n", "line 2: .*merge"),
])
def test_invalid_documents(article: Path, text: str, problem: str) -> None:
    write_sidecar(article, text)
    with pytest.raises(SidecarError, match=problem) as caught:
        read_sidecar(article)
    assert "\n" not in str(caught.value)
    with pytest.raises(SidecarError):
        update_sidecar(article, add_tags=["t"])
    assert sidecar_path(article).read_text(encoding="utf-8") == text


@pytest.mark.parametrize("text", [
    "a: !!python/object/apply:os.system ['touch {marker}']\n",
    "a: !!python/object:builtins.dict {{}}\n",
    "a: !!python/name:os.system\n",
    "tags: [!!python/object/apply:os.system ['touch {marker}']]\n",
    "a: !custom thing\n",
    "a: !!binary aGVsbG8=\n",
    "a: !!set {{x, y}}\n",
])
def test_unsafe_or_unknown_yaml_tags_are_rejected_and_nothing_runs(article: Path, tmp_path: Path, text: str) -> None:
    marker = tmp_path / "pwned"
    write_sidecar(article, text.format(marker=marker))
    with pytest.raises(SidecarError, match="line 1: unsupported YAML tag"):
        read_sidecar(article)
    with pytest.raises(SidecarError):
        update_sidecar(article, add_tags=["t"])
    assert not marker.exists()


def test_too_big_sidecar_is_rejected(article: Path) -> None:
    write_sidecar(article, "notes: " + "x" * (sidecars.MAX_SIDECAR_BYTES + 10) + "\n")
    with pytest.raises(SidecarError, match="too big"):
        read_sidecar(article)


def test_update_that_would_grow_beyond_the_limit_writes_nothing(article: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sidecars, "MAX_SIDECAR_BYTES", 10_000)
    update_sidecar(article, add_tags=["a"])
    with pytest.raises(SidecarError, match="would grow beyond"):
        update_sidecar(article, notes="x" * 10_000)
    assert read_sidecar(article) == {"tags": ["a"]}


def test_read_only_sidecar_is_not_replaced(article: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_sidecar(article, "tags: [a]\n")
    monkeypatch.setattr(sidecars.os, "access", lambda target, mode: Path(target) != path)
    with pytest.raises(SidecarError, match=r"b\.txt\.yaml: sidecar is read-only$"):
        update_sidecar(article, add_tags=["b"])
    assert path.read_text(encoding="utf-8") == "tags: [a]\n"


BILLION_LAUGHS = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 9) + "]\n" for i in range(8))
DOUBLING = "l0: &l0 [x, x]\n" + "".join(f"l{i}: &l{i} [*l{i - 1}, *l{i - 1}]\n" for i in range(1, 40))


@pytest.mark.parametrize("text", [BILLION_LAUGHS, DOUBLING, "tags: &t [a, *t]\n", "a: &a {b: *a}\n"])
def test_alias_bombs_and_recursive_aliases_are_rejected_quickly(article: Path, text: str) -> None:
    write_sidecar(article, text)
    start = time.monotonic()
    with pytest.raises(SidecarError, match="alias"):
        read_sidecar(article)
    assert time.monotonic() - start < 1.0


def test_a_few_aliases_are_fine(article: Path) -> None:
    write_sidecar(article, "base: &b {k: v}\ncopy: *b\ntags: [&t x, *t]\n")
    assert read_sidecar(article) == {"base": {"k": "v"}, "copy": {"k": "v"}, "tags": ["x"]}


@pytest.mark.parametrize("text", [
    "a: " + "[" * 500_000 + "]" * 500_000 + "\n",
    "a: " + "{a: " * 100 + "1" + "}" * 100 + "\n",
    "".join(" " * depth + "- \n" for depth in range(0, 1000, 2)),
    "".join(" " * depth + f"k{depth}:\n" for depth in range(0, 200, 2)),
], ids=["flow-1MiB", "flow-mappings", "block-sequences", "block-mappings"])
def test_deep_nesting_is_rejected_quickly(article: Path, text: str) -> None:
    write_sidecar(article, text)
    start = time.monotonic()
    with pytest.raises(SidecarError, match="nested too deeply"):
        read_sidecar(article)
    assert time.monotonic() - start < 1.0


def test_non_utf8_sidecar_is_reported(article: Path) -> None:
    sidecar_path(article).write_bytes(b"tags: [caf\xe9]\n")
    with pytest.raises(SidecarError, match="not UTF-8"):
        read_sidecar(article)


def test_symlinked_sidecar_is_reported_not_followed(article: Path, tmp_path: Path) -> None:
    target = tmp_path / "elsewhere.yaml"
    target.write_text("tags: [secret]\n", encoding="utf-8")
    sidecar_path(article).symlink_to(target)
    with pytest.raises(SidecarError, match="symbolic link"):
        read_sidecar(article)
    with pytest.raises(SidecarError, match="symbolic link"):
        update_sidecar(article, add_tags=["x"])
    assert target.read_text(encoding="utf-8") == "tags: [secret]\n"
    assert sidecar_path(article).is_symlink()


def test_dangling_symlink_is_reported(article: Path, tmp_path: Path) -> None:
    sidecar_path(article).symlink_to(tmp_path / "missing.yaml")
    with pytest.raises(SidecarError, match="symbolic link"):
        update_sidecar(article, add_tags=["x"])
    assert not (tmp_path / "missing.yaml").exists()


def _in_thread(function, timeout: float = 5.0) -> BaseException | None:
    outcome: list[BaseException | None] = []

    def run() -> None:
        try:
            function()
            outcome.append(None)
        except BaseException as exc:  # noqa: BLE001 - handed back to the test
            outcome.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(timeout)
    assert outcome, "blocked"
    return outcome[0]


def test_fifo_sidecar_is_reported_without_waiting(article: Path) -> None:
    os.mkfifo(sidecar_path(article))
    assert isinstance(_in_thread(lambda: read_sidecar(article)), SidecarError)
    assert isinstance(_in_thread(lambda: update_sidecar(article, add_tags=["x"])), SidecarError)


def test_directory_sidecar_is_reported(article: Path) -> None:
    sidecar_path(article).mkdir()
    with pytest.raises(SidecarError, match="not a regular file"):
        read_sidecar(article)
    with pytest.raises(SidecarError, match="not a regular file"):
        update_sidecar(article, add_tags=["x"])


def test_unreadable_sidecar_is_reported(article: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_sidecar(article, "tags: [a]\n")
    real_open = os.open

    def deny(target, flags, *args):
        if Path(target) == path:
            raise PermissionError(errno.EACCES, "Permission denied")
        return real_open(target, flags, *args)

    monkeypatch.setattr(sidecars.os, "open", deny)
    with pytest.raises(SidecarError, match=r"b\.txt\.yaml: cannot read: Permission denied"):
        read_sidecar(article)


# --- atomic writes -----------------------------------------------------------------------------------

@pytest.mark.parametrize("failing", ["write", "fsync"])
def test_full_disk_leaves_the_old_sidecar_intact(article: Path, monkeypatch: pytest.MonkeyPatch,
                                                 failing: str) -> None:
    update_sidecar(article, add_tags=["keep-me"], notes="old")
    old_bytes = sidecar_path(article).read_bytes()

    def no_space(*args: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    with monkeypatch.context() as patch:
        patch.setattr(sidecars.os, failing, no_space)
        with pytest.raises(SidecarError, match="No space left on device") as caught:
            update_sidecar(article, add_tags=["new"], notes="new")
    assert "\n" not in str(caught.value)
    assert sidecar_path(article).read_bytes() == old_bytes
    assert read_sidecar(article) == {"tags": ["keep-me"], "notes": "old"}
    assert sorted(p.name for p in article.parent.iterdir()) == ["b.txt", "b.txt.yaml"]
    assert update_sidecar(article, add_tags=["new"])["tags"] == ["keep-me", "new"]


def test_permission_bits_are_kept(article: Path) -> None:
    update_sidecar(article, add_tags=["a"])
    os.chmod(sidecar_path(article), 0o640)
    update_sidecar(article, add_tags=["b"])
    assert stat.S_IMODE(os.stat(sidecar_path(article)).st_mode) == 0o640


def test_new_sidecar_gets_the_usual_permissions(article: Path) -> None:
    umask = os.umask(0o022)
    try:
        update_sidecar(article, add_tags=["a"])
    finally:
        os.umask(umask)
    assert stat.S_IMODE(os.stat(sidecar_path(article)).st_mode) == 0o644


def test_leftover_temporary_file_does_not_block_writes(article: Path) -> None:
    leftover = article.with_name(".b.txt.yaml.tmp")
    leftover.write_text("tags: [half", encoding="utf-8")
    assert update_sidecar(article, add_tags=["a"]) == {"tags": ["a"]}
    assert not leftover.exists()


# --- locking -----------------------------------------------------------------------------------------

def test_no_lock_or_temporary_file_is_left_beside_the_article(article: Path) -> None:
    with sidecar_lock(article):
        update_sidecar(article, add_tags=["a"])
        assert sorted(p.name for p in article.parent.iterdir()) == [".b.txt.yaml.lock", "b.txt", "b.txt.yaml"]
    assert sorted(p.name for p in article.parent.iterdir()) == ["b.txt", "b.txt.yaml"]


def test_the_lock_file_shuts_out_other_processes_while_held(article: Path) -> None:
    probe = ("import fcntl, os, sys; fd = os.open(sys.argv[1], os.O_RDWR)\n"
             "try: fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)\nexcept BlockingIOError: sys.exit(7)")
    lock = article.parent / ".b.txt.yaml.lock"
    with sidecar_lock(article):
        assert subprocess.run([sys.executable, "-c", probe, str(lock)], check=False).returncode == 7
    assert not lock.exists()


def test_a_lock_file_left_by_a_killed_writer_is_used_and_removed(article: Path) -> None:
    lock = article.parent / ".b.txt.yaml.lock"
    lock.write_text("", encoding="utf-8")
    assert update_sidecar(article, add_tags=["a"]) == {"tags": ["a"]}
    assert not lock.exists()


def test_a_waiter_whose_lock_file_was_removed_locks_the_new_one(article: Path) -> None:
    """The race a removed lock file opens: a waiter that opened the old file must not count as holder."""
    lock = article.parent / ".b.txt.yaml.lock"
    holding, release, inside = threading.Event(), threading.Event(), []

    def hold() -> None:
        with sidecar_lock(article):
            holding.set()
            release.wait(10)

    def wait_then_hold(name: str) -> None:
        with sidecar_lock(article):
            inside.append(name)
            time.sleep(0.2)
            inside.append(name)

    holder = threading.Thread(target=hold)
    holder.start()
    assert holding.wait(5)
    waiters = [threading.Thread(target=wait_then_hold, args=(n,)) for n in "xy"]
    waiters[0].start()
    time.sleep(0.1)  # x has opened the lock file the holder is about to remove, and waits on it
    release.set()
    holder.join()
    waiters[1].start()  # y finds no lock file, makes a new one and locks it
    for thread in waiters:
        thread.join()
    assert inside in (["x", "x", "y", "y"], ["y", "y", "x", "x"])  # never both inside at once
    assert not lock.exists()


def test_lock_times_out_when_another_writer_holds_it(article: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sidecars, "LOCK_TIMEOUT", 0.3)
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with sidecar_lock(article):
            held.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert held.wait(5)
        start = time.monotonic()
        with pytest.raises(SidecarError, match=r"b\.txt\.yaml: locked by another writer$") as raised:
            update_sidecar(article, add_tags=["a"])
        assert isinstance(raised.value, EnvironmentFailure)  # exit status 4, not a usage error
        assert 0.25 < time.monotonic() - start < 3
    finally:
        release.set()
        holder.join()
    assert update_sidecar(article, add_tags=["a"]) == {"tags": ["a"]}


def test_lock_is_reentrant_within_a_thread(article: Path) -> None:
    with sidecar_lock(article):
        with sidecar_lock(article):
            update_sidecar(article, add_tags=["a"])
        update_sidecar(article, add_tags=["b"])
    assert read_sidecar(article) == {"tags": ["a", "b"]}


def test_read_only_folder_is_reported_clearly(article: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_open = os.open

    def read_only_fs(target, flags, *args):
        if flags & (os.O_CREAT | os.O_WRONLY | os.O_RDWR):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS))
        return real_open(target, flags, *args)

    monkeypatch.setattr(sidecars.os, "open", read_only_fs)
    with pytest.raises(SidecarError, match=r"b\.txt\.yaml: corpus folder is read-only$"):
        update_sidecar(article, add_tags=["a"])
    assert not sidecar_path(article).exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores directory permissions")
def test_read_only_folder_on_disk(article: Path) -> None:
    os.chmod(article.parent, 0o555)
    try:
        with pytest.raises(SidecarError, match="corpus folder is read-only"):
            update_sidecar(article, add_tags=["a"])
    finally:
        os.chmod(article.parent, 0o755)


# --- several processes -------------------------------------------------------------------------------

WRITERS, OPERATIONS, ARTICLES, TAGS_PER_WRITER = 4, 250, 5, 6


def _writer(number: int, folder: str, results: multiprocessing.Queue) -> None:
    """Add or remove tags only this writer uses; its last operation on a tag decides the tag's fate."""
    rng = random.Random(number)
    final: dict[tuple[int, str], bool] = {}
    try:
        for _ in range(OPERATIONS):
            index = rng.randrange(ARTICLES)
            tags = rng.sample([f"w{number}-t{j}" for j in range(TAGS_PER_WRITER)], rng.randint(1, 2))
            adding = rng.random() < 0.6
            spelled = [tag.upper() if rng.random() < 0.3 else tag for tag in tags]
            path = Path(folder) / f"article{index}.txt"
            update_sidecar(path, add_tags=spelled if adding else (), remove_tags=() if adding else spelled)
            final.update({(index, tag): adding for tag in tags})
    except Exception as exc:  # noqa: BLE001 - reported to the test
        results.put(f"writer {number} failed: {exc!r}")
        return
    results.put(final)


def _watcher(folder: str, stop: multiprocessing.Event, results: multiprocessing.Queue) -> None:
    """Read the sidecars over and over; any half-written file shows as an error, a stray or no `tags`."""
    universe = {f"w{n}-t{j}" for n in range(WRITERS) for j in range(TAGS_PER_WRITER)}
    reads, problems, seen = 0, [], set()
    while not stop.is_set():
        for index in range(ARTICLES):
            try:
                data = read_sidecar(Path(folder) / f"article{index}.txt")
            except SidecarError as exc:
                problems.append(str(exc))
                continue
            reads += 1
            if data or index in seen:
                seen.add(index)
                if not isinstance(data.get("tags"), list) or not set(data["tags"]) <= universe:
                    problems.append(f"article{index}: {data}")
        time.sleep(0.001)
    results.put((reads, problems[:5]))


def run_concurrent_writers(folder: Path, writer=_writer, *extra: str) -> None:
    """WRITERS processes (`writer(number, folder, *extra, results)`) and a watcher on the articles of
    `folder`; then every article holds exactly the tags each writer's last operation left."""
    context = multiprocessing.get_context("fork")
    results, watch_results, stop = context.Queue(), context.Queue(), context.Event()
    watcher = context.Process(target=_watcher, args=(str(folder), stop, watch_results), daemon=True)
    writers = [context.Process(target=writer, args=(n, str(folder), *extra, results), daemon=True)
               for n in range(WRITERS)]
    try:
        watcher.start()
        for process in writers:
            process.start()
        finals = [results.get(timeout=60) for _ in writers]
        assert all(isinstance(final, dict) for final in finals), finals
        stop.set()
        reads, problems = watch_results.get(timeout=10)
        for process in [*writers, watcher]:
            process.join(10)
            assert process.exitcode == 0
    finally:
        stop.set()
        for process in [*writers, watcher]:
            if process.is_alive():
                process.kill()
    assert problems == []
    assert reads > 0
    for index in range(ARTICLES):
        expected = {tag for final in finals for (i, tag), present in final.items() if i == index and present}
        tags = read_sidecar(folder / f"article{index}.txt").get("tags", [])
        assert len(tags) == len(set(tags))
        assert set(tags) == expected


def test_concurrent_writers_never_lose_a_tag(tmp_path: Path) -> None:
    run_concurrent_writers(tmp_path)


KILLED_WRITER = """
import sys
from pathlib import Path
from reader.core.userdata.sidecars import update_sidecar
article = Path(sys.argv[1])
n = int(sys.argv[2])
while True:
    n += 1
    update_sidecar(article, add_tags=[f"step-{n}"], remove_tags=[f"step-{n - 1}"], notes=f"state {n}\\n" * 50)
    print(n, flush=True)
"""


def test_killed_writer_leaves_a_whole_sidecar_and_no_stale_lock(article: Path) -> None:
    update_sidecar(article, add_tags=["base", "step-0"], notes="state 0\n" * 50, fields={"title": "kept"})
    done = 0
    rng = random.Random(7)
    for _ in range(6):
        writer = subprocess.Popen([sys.executable, "-c", KILLED_WRITER, str(article), str(done)],
                                  stdout=subprocess.PIPE, text=True, cwd=REPO,
                                  env={**os.environ, "PYTHONPATH": str(REPO)})
        assert writer.stdout is not None
        first = writer.stdout.readline()
        assert first.strip(), "writer did not start"
        time.sleep(rng.uniform(0, 0.15))
        writer.send_signal(signal.SIGKILL)
        output, _ = writer.communicate(timeout=10)
        reported = int(([first] + output.split())[-1])
        data = read_sidecar(article)
        step = int(data["notes"].split()[1])
        assert step in (reported, reported + 1)
        assert data == {"tags": ["base", f"step-{step}"], "notes": f"state {step}\n" * 50, "title": "kept"}
        done = step
    start = time.monotonic()
    assert update_sidecar(article, add_tags=["after"])["tags"] == ["base", f"step-{done}", "after"]
    assert time.monotonic() - start < 3
