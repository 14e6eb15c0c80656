"""Failures of the machine (a full disk, a read-only file system, a lock held too long): one line,
exit status 4, and nothing the analyst wrote lost."""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
import subprocess
import uuid
from pathlib import Path

import pytest

from reader import cli
from reader.core.errors import EnvironmentFailure, environment_failure
from reader.core.userdata.files import LockHeld, file_lock
from tests.cli.test_cli import run

EXIT_ENVIRONMENT = 4


@pytest.mark.parametrize("exc,words", [
    (OSError(errno.ENOSPC, "No space left on device", "/x/seg.tmp"), "/x/seg.tmp: no space left"),
    (OSError(errno.EROFS, "Read-only file system"), "read-only file system"),
    (OSError(errno.EDQUOT, "Disk quota exceeded"), "quota"),
    (OSError(errno.EIO, "Input/output error"), "input/output error"),
    (sqlite3.OperationalError("database or disk is full"), "no space left"),
])
def test_environmental_failures_are_named_with_what_happens_next(exc, words):
    failure = environment_failure(exc)
    assert isinstance(failure, EnvironmentFailure)
    assert words in str(failure) and "the next command brings the index up to date" in str(failure)


def test_a_failure_behind_another_error_is_found_and_bugs_are_not():
    try:
        try:
            raise OSError(errno.ENOSPC, "No space left on device")
        except OSError as inner:
            raise RuntimeError("writing the segment failed") from inner
    except RuntimeError as outer:
        assert "no space left" in str(environment_failure(outer))
    assert environment_failure(ValueError("a bug")) is None
    assert environment_failure(OSError(errno.ENOENT, "No such file")) is None
    assert environment_failure(sqlite3.OperationalError("no such table: x")) is None


def test_a_lock_held_too_long_is_an_environmental_failure(tmp_path):
    target = tmp_path / "saved.yaml"
    holder = subprocess.Popen(["python", "-c", (
        "import fcntl, os, sys, time; fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT);"
        "fcntl.flock(fd, fcntl.LOCK_EX); print('held', flush=True); time.sleep(30)"),
        str(tmp_path / ".saved.yaml.lock")], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(LockHeld) as raised:
            with file_lock(target, timeout=0.2):
                pass
        assert environment_failure(raised.value) is raised.value
    finally:
        holder.kill()
        holder.wait()


def test_injected_no_space_while_tagging_exits_4_with_one_line(demo_corpus, monkeypatch, capsys):
    assert cli.main(["index", "--corpus", str(demo_corpus)]) == 0
    capsys.readouterr()
    real_replace = os.replace

    def full_disk(src, dst, *args, **kwargs):
        if str(dst).endswith(".yaml"):
            raise OSError(errno.ENOSPC, "No space left on device", str(dst))
        return real_replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", full_disk)
    status = cli.main(["tag", "000", "+after-full", "--corpus", str(demo_corpus)])
    err = capsys.readouterr().err
    assert status == EXIT_ENVIRONMENT, err
    assert len(err.strip().splitlines()) == 1 and "no space left" in err.lower() and "internal error" not in err
    assert not list(demo_corpus.glob("000*.yaml"))  # nothing half-written
    monkeypatch.setattr(os, "replace", real_replace)
    assert cli.main(["tag", "000", "+after-full", "--corpus", str(demo_corpus)]) == 0
    assert cli.main(["search", "tag:after-full", "--format", "paths", "--corpus", str(demo_corpus)]) == 0


@pytest.fixture
def small_disk(tmp_path):
    """A 16 MiB file system of its own (tmpfs), where the machine lets tests mount one."""
    mount_point = tmp_path / f"disk-{uuid.uuid4().hex[:6]}"
    mount_point.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(mount_point)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small file system here: {mounted.stderr.strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], capture_output=True)


def _fill(folder: Path) -> Path:
    """Fill the file system of `folder` to the last byte; return the filler to delete later."""
    filler = folder / "filler.bin"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError as exc:
        assert exc.errno == errno.ENOSPC
    finally:
        os.close(fd)
    return filler


def test_a_really_full_disk_is_one_line_and_exit_4_and_recovers(demo_corpus, small_disk):
    corpus = small_disk / "corpus"
    shutil.copytree(demo_corpus, corpus)
    assert run("index", corpus=corpus).returncode == 0
    article = next(corpus.glob("000_*.txt"))
    filler = _fill(small_disk)
    for args in (("tag", "000", "+after-full"), ("index",)):
        if args == ("index",):
            with open(article, "a", encoding="utf-8") as out:  # one changed article to re-index
                out.write("\nA late paragraph about drones.\n")
        result = run(*args, corpus=corpus)
        assert result.returncode == EXIT_ENVIRONMENT, (args, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert "no space left" in result.stderr.lower() and "Traceback" not in result.stderr
    sidecar = corpus / (article.name + ".yaml")
    assert not sidecar.exists() or "after-full" in sidecar.read_text(encoding="utf-8")
    filler.unlink()
    assert run("tag", "000", "+after-full", corpus=corpus).returncode == 0
    found = run("search", "tag:after-full drones", "--format", "paths", corpus=corpus)
    assert found.returncode == 0 and article.name in found.stdout


def test_a_sidecar_lock_held_by_another_process_exits_4(demo_corpus, monkeypatch, capsys):
    from reader.core.userdata import sidecars

    assert cli.main(["index", "--corpus", str(demo_corpus)]) == 0
    capsys.readouterr()
    monkeypatch.setattr(sidecars, "LOCK_TIMEOUT", 0.3)
    lock = demo_corpus / ".000_2b620b70247fd231.txt.yaml.lock"
    holder = subprocess.Popen(["python", "-c", (
        "import fcntl, os, sys, time; fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT);"
        "fcntl.flock(fd, fcntl.LOCK_EX); print('held', flush=True); time.sleep(30)"), str(lock)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        status = cli.main(["tag", "000", "+x", "--corpus", str(demo_corpus)])
    finally:
        holder.kill()
        holder.wait()
    err = capsys.readouterr().err
    assert status == EXIT_ENVIRONMENT, err
    assert err.strip().splitlines() == [f"reader: {demo_corpus}/000_2b620b70247fd231.txt.yaml: locked by another writer"]
