"""A read-only corpus for tests: the demo corpus behind a read-only bind mount where the machine
allows one (root), else made read-only by its permissions (EACCES for anyone but root)."""

from __future__ import annotations

import os
import subprocess
import uuid
from pathlib import Path

import pytest


def _mount(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["mount", *args], capture_output=True, text=True, check=False)


@pytest.fixture
def read_only_corpus(demo_corpus: Path, tmp_path: Path):
    """The demo corpus (with a sidecar beside article 000 and its entities.yaml), read-only."""
    (demo_corpus / "000_2b620b70247fd231.txt.yaml").write_text("# archived by the team\ntags: [archived]\n",
                                                                 encoding="utf-8")
    mount_point = tmp_path / f"archive-{uuid.uuid4().hex[:6]}"
    mount_point.mkdir()
    bound = _mount("--bind", str(demo_corpus), str(mount_point))
    if bound.returncode == 0:
        remounted = _mount("-o", "remount,bind,ro", str(mount_point))
        if remounted.returncode == 0:
            try:
                yield mount_point
            finally:
                subprocess.run(["umount", "-l", str(mount_point)], capture_output=True, check=False)
            return
        subprocess.run(["umount", "-l", str(mount_point)], capture_output=True, check=False)
    if os.geteuid() == 0:
        pytest.skip(f"no read-only bind mount here ({(bound.stderr or 'remount failed').strip()}), "
                    "and root ignores permissions")
    for path in [demo_corpus, *demo_corpus.iterdir()]:
        path.chmod(0o555 if path.is_dir() else 0o444)
    try:
        yield demo_corpus
    finally:
        demo_corpus.chmod(0o755)
