"""The real `reader` over a real SSH connection to a private sshd on 127.0.0.1 (SPEC §10).

The test starts its own sshd (own host key, own authorized_keys, own port), connects with `ssh -t`
inside tmux, searches, opens an article, tags it from the app and checks the sidecar on disk.
"""

from __future__ import annotations

import contextlib
import getpass
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
import yaml

from tests.e2e.tmux import (
    READY,
    STARTUP_SECONDS,
    TmuxServer,
    clean_env,
    copy_corpus,
    isolated_env,
    open_only_hit,
    reader_executable,
    run_reader,
)

pytestmark = pytest.mark.slow

SSHD = Path("/usr/sbin/sshd")
QUERY = "Chogou"
TAG = "seen-over-ssh"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_listening(port: int, process: subprocess.Popen, log: Path, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"sshd exited with status {process.returncode}:\n{log.read_text(errors='replace')}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"sshd did not listen on 127.0.0.1:{port} within {timeout:.0f} s:\n"
                f"{log.read_text(errors='replace')}")


@pytest.fixture
def sshd(tmp_path):
    """A private sshd on 127.0.0.1 and a high port that lets the user running the tests in with a fresh key
    (run as another user than root, sshd can only log that same user in); yields (port, key, log file)."""
    ssh, keygen = shutil.which("ssh"), shutil.which("ssh-keygen")
    if not SSHD.is_file() or ssh is None or keygen is None:
        pytest.skip("needs /usr/sbin/sshd, ssh and ssh-keygen (apt-get install openssh-server openssh-client)")
    home = tmp_path / "ssh"
    home.mkdir()
    host_key, user_key = home / "host_ed25519", home / "user_ed25519"
    for key in (host_key, user_key):
        subprocess.run([keygen, "-q", "-t", "ed25519", "-N", "", "-C", "reader-e2e", "-f", str(key)], check=True)
    authorized = home / "authorized_keys"
    authorized.write_text(user_key.with_suffix(".pub").read_text())
    port = free_port()
    config = home / "sshd_config"
    config.write_text("\n".join([
        f"Port {port}",
        "ListenAddress 127.0.0.1",
        f"HostKey {host_key}",
        f"PidFile {home / 'sshd.pid'}",
        f"AuthorizedKeysFile {authorized}",
        "StrictModes no",
        "UsePAM no",
        "PermitRootLogin prohibit-password",
        "PubkeyAuthentication yes",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "PrintMotd no",
        "PrintLastLog no",
        "LogLevel VERBOSE",
    ]) + "\n")
    if os.geteuid() == 0:  # sshd's privilege-separation directory, which the service unit normally creates
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)
    log = home / "sshd.log"
    process = subprocess.Popen([str(SSHD), "-D", "-f", str(config), "-E", str(log)], start_new_session=True,
                               env=clean_env())
    try:
        wait_listening(port, process, log)
        yield port, user_key, log
    finally:  # sshd leads its own process group: end it and any connection it still serves
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def test_search_open_tag_over_ssh(sshd, tmp_path):
    port, key, log = sshd
    corpus = copy_corpus(tmp_path / "corpus")
    matching = [p for p in sorted(corpus.glob("*.txt")) if QUERY in p.read_text(encoding="utf-8")]
    assert len(matching) == 1, f"the demo corpus should have one article with {QUERY!r}: {matching}"
    article = matching[0]
    sidecar = article.with_name(article.name + ".yaml")
    assert not sidecar.exists()

    env = {**isolated_env(tmp_path / "home"), "TERM": "xterm-256color"}
    remote = "cd {} && env {} {} --corpus {}".format(
        shlex.quote(str(tmp_path)), " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items()),
        shlex.quote(reader_executable()), shlex.quote(str(corpus)))
    command = " ".join(shlex.quote(part) for part in [
        shutil.which("ssh"), "-t", "-F", "/dev/null", "-p", str(port), "-i", str(key),
        "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no",
        "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR", f"{getpass.getuser()}@127.0.0.1", remote])

    tmux = TmuxServer(tmp_path)
    try:
        pane = tmux.start("ssh", command, 100, 30)
        try:
            pane.wait_for(READY, timeout=STARTUP_SECONDS + 10)
        except AssertionError as exc:
            raise AssertionError(f"{exc}\nsshd log:\n{log.read_text(errors='replace')}") from None

        pane.type(f"={QUERY}")  # as written: not also its other spellings
        pane.wait_for(re.compile(r"\b1 hit\b"))
        open_only_hit(pane, article.name)

        pane.keys("t")
        pane.wait_for("Add a tag to 1 article")
        pane.type(TAG)
        pane.wait_for(TAG)
        pane.keys("Enter")
        pane.wait_for(f"added #{TAG}")

        pane.keys("q")  # at once: the app may still be re-indexing the article
        status = pane.wait_exit(timeout=15)
        leftover = pane.leftover()
        assert status == 0, f"ssh (and reader behind it) exited with status {status}; screen:\n{leftover}"
        assert not leftover, f"output left behind after quitting over SSH:\n{leftover}"
    finally:
        tmux.kill()

    assert sidecar.is_file(), f"no sidecar {sidecar.name} after tagging over SSH"
    text = sidecar.read_text(encoding="utf-8")
    assert TAG in ((yaml.safe_load(text) or {}).get("tags") or []), text
    assert f"Accepted publickey for {getpass.getuser()}" in log.read_text(errors="replace")
    found = run_reader(corpus, "search", "--format", "paths", f"tag:{TAG}", env=env)
    assert found.returncode == 0 and found.stdout.split() == [str(article)], (found.stdout, found.stderr)
