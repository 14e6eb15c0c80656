"""`reader git-setup` and `reader merge-file`: a corpus in git whose tags, notes and gazetteer merge by data.

git-setup writes `.gitattributes` lines in the corpus folder (committed with the corpus, so every clone
routes these files to the driver) and the driver command in the repository's own config (which git
never copies between clones, so each analyst runs git-setup once per clone). Both steps only add what is
missing: a second run changes nothing.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from reader.core.corpus.articles import ARTICLE_SUFFIXES, GAZETTEER_FILE
from reader.core.errors import ReaderError
from reader.core.git.datamerge import MergeRefused, merge_lines, merge_texts
from reader.core.userdata.files import read_text, write_atomic

DRIVER = "reader"
DATA_FILES = (GAZETTEER_FILE, "lexicon.yaml", "saved-searches.yaml")
ATTRIBUTES = [f"*{suffix}.yaml merge={DRIVER}" for suffix in ARTICLE_SUFFIXES] + \
             [f"{name} merge={DRIVER}" for name in DATA_FILES]
HEADER = "# reader: tags, notes and the gazetteer merge by their data (reader git-setup)"


class GitSetupError(ReaderError):
    """The corpus is not in a git repository, or git cannot be run."""


def _git(folder: Path, *args: str) -> subprocess.CompletedProcess:
    if shutil.which("git") is None:
        raise GitSetupError("git is not installed")
    return subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True, check=False)


def driver_command() -> str:
    """The command git runs to merge: the `reader` console script, else this Python running reader."""
    program = "reader" if shutil.which("reader") else f"{shlex.quote(sys.executable)} -m reader.cli"
    return f"{program} merge-file %O %A %B %P"


def git_setup(corpus: Path) -> list[str]:
    """Register the merge driver for the corpus's repository; return one line per change (none: all set)."""
    corpus = Path(corpus)
    if not corpus.is_dir():
        raise GitSetupError(f"corpus folder not found: {corpus}")
    top = _git(corpus, "rev-parse", "--show-toplevel")
    if top.returncode != 0:
        raise GitSetupError(f"{corpus} is not in a git repository (git init first)")
    done = []
    attributes = corpus / ".gitattributes"
    text = read_text(attributes) or ""
    present = {line.strip() for line in text.splitlines()}
    missing = [line for line in ATTRIBUTES if line not in present]
    if missing:
        lines = ([] if HEADER in present else [HEADER]) + missing
        write_atomic(attributes, text + ("\n" if text and not text.endswith("\n") else "") + "\n".join(lines) + "\n")
        done.append(f"added {len(missing)} lines to {attributes} (commit it with the corpus)")
    for key, value in ((f"merge.{DRIVER}.name", "reader: merge tags, notes and the gazetteer by their data"),
                       (f"merge.{DRIVER}.driver", driver_command())):
        if _git(corpus, "config", "--local", "--get", key).stdout.rstrip("\n") != value:
            if _git(corpus, "config", "--local", key, value).returncode != 0:
                raise GitSetupError(f"cannot set {key} in the repository's git config")
            done.append(f"set {key} in {Path(top.stdout.strip()) / '.git' / 'config'}")
    return done


def merge_file(base: Path, ours: Path, theirs: Path, path: str) -> tuple[int, list[str]]:
    """The merge driver: merge into `ours`; (exit status, one-line messages).

    0: merged cleanly; 1: merged, with conflicts marked for the analyst; 2: a version does not parse,
    so the file gets git's ordinary line merge (markers and all) and git reports a normal conflict.
    """
    texts = [read_text(p, 16 * 1024 * 1024) or "" for p in (base, ours, theirs)]
    try:
        merged = merge_texts(*texts, path=path)
    except MergeRefused as exc:
        text, clean = merge_lines(*texts)
        write_atomic(ours, text)
        return 2, [f"{path}: not merged by its data ({exc}); git's line merge"
                   + (" found no conflict" if clean else " left conflict markers")]
    write_atomic(ours, merged.text)
    return (1 if merged.conflicts else 0), merged.conflicts
