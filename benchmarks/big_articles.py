"""Big articles in the real app: first-screen time and time per page-down, measured in tmux.

    python -m benchmarks.big_articles [--runs 3] [--pages 20] [--size 100x30]

Measured in tmux rather than with Pilot because an analyst waits for the terminal, not for a widget:
the time runs from pressing `enter` on the hit until the article's words are on tmux's screen, so it
includes the app's parsing and wrapping, rendering, the terminal writes and tmux's own parsing. The
screen is polled with `tmux capture-pane` as fast as it answers (a few milliseconds), which is also the
resolution of the figures. Prints figures only; the tests make no timing assertions.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from tests.e2e.tmux import READY, Pane, TmuxServer, copy_corpus, isolated_env, reader_command, run_reader

BIG_LINE_BYTES = 5 * 1024 * 1024
MANY_LINES = 50_000
ARTICLES = {"huge-line.txt": "hugelinemarker", "many-lines.txt": "manylinesmarker"}  # file -> word only in it


def make_corpus(root: Path) -> Path:
    """The demo corpus plus a 5 MB single-line article and a 50,000-line article."""
    corpus = copy_corpus(root / "corpus")
    words = "alpha bravo charlie delta echo foxtrot golf hotel india juliet "
    (corpus / "huge-line.txt").write_text("Huge line hugelinemarker\n\n" + words * (BIG_LINE_BYTES // len(words)),
                                          encoding="utf-8")
    (corpus / "many-lines.txt").write_text("Many lines manylinesmarker\n\n" + "".join(
        f"Line {i} of a long article with a few more words.\n" for i in range(MANY_LINES)), encoding="utf-8")
    return corpus


def poll(pane: Pane, done, timeout: float = 60.0) -> tuple[float, str]:
    """Seconds until `done(screen)` holds, polling as fast as tmux answers; and that screen."""
    started = time.perf_counter()
    while True:
        screen = pane.capture()
        if done(screen):
            return time.perf_counter() - started, screen
        if time.perf_counter() - started > timeout:
            raise RuntimeError(f"timed out; screen:\n{screen}")


def page_downs(pane: Pane, pages: int) -> list[float]:
    """Seconds from each of `pages` page-downs until the screen changed."""
    times = []
    for _ in range(pages):
        before = pane.capture()
        pane.keys("PageDown")
        seconds, _ = poll(pane, lambda s, before=before: s != before, timeout=30)
        times.append(seconds)
    return times


def measure(tmux: TmuxServer, corpus: Path, home: Path, name: str, size: tuple[int, int],
            pages: int) -> tuple[float, list[float], list[float]]:
    """First-screen seconds of opening `name`; seconds of `pages` page-downs at once (while the app
    still finds every match and the entities in the background), then of `pages` more once it is quiet."""
    command = reader_command(corpus, {**isolated_env(home), "TERM": "xterm-256color"})
    pane = tmux.start(name.split(".")[0], command, *size)
    pane.wait_for(READY, timeout=60)
    pane.type(ARTICLES[name])
    pane.wait_for(" 1 hit", timeout=30)
    pane.keys("Enter")  # to the hit
    pane.settle(quiet=0.3)
    pane.keys("Enter")  # open it
    first, _ = poll(pane, lambda s: name in s)  # the article's header (painted with its text) names the file
    busy = page_downs(pane, pages)
    pane.settle(quiet=3.0, timeout=120)  # background work done: entity marks and match counts shown
    quiet = page_downs(pane, pages)
    pane.keys("q")
    pane.wait_exit(timeout=30)
    return first, busy, quiet


def summary(times: list[float]) -> str:
    times = sorted(times)
    return (f"median {statistics.median(times) * 1000:.0f} ms, p95 {times[int(len(times) * 0.95) - 1] * 1000:.0f} ms, "
            f"max {times[-1] * 1000:.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="app starts per article (default 3)")
    parser.add_argument("--pages", type=int, default=20, help="page-downs timed per run (default 20)")
    parser.add_argument("--size", default="100x30", help="terminal size WxH (default 100x30)")
    args = parser.parse_args()
    size = tuple(int(n) for n in args.size.split("x"))
    with tempfile.TemporaryDirectory(prefix="reader-big-") as folder:
        work = Path(folder)
        corpus = make_corpus(work)
        started = time.perf_counter()
        done = run_reader(corpus, "index", "--no-vectors", env=isolated_env(work / "home"))
        assert done.returncode == 0, done.stderr
        print(f"indexing the demo corpus with both big articles: {time.perf_counter() - started:.1f} s")
        for name in ARTICLES:
            firsts, busy, quiet = [], [], []
            for run in range(args.runs):
                (work / f"tmux-{run}").mkdir(exist_ok=True)
                tmux = TmuxServer(work / f"tmux-{run}")
                try:
                    first, during, after = measure(tmux, corpus, work / "home", name, size, args.pages)
                finally:
                    tmux.kill()
                firsts.append(first)
                busy += during
                quiet += after
            print(f"{name} ({(corpus / name).stat().st_size / 1e6:.1f} MB) in tmux {args.size}: first screen "
                  f"median {statistics.median(firsts):.2f} s (max {max(firsts):.2f} s, {args.runs} runs)")
            print(f"  page-down while matches and entities are found: {summary(busy)} ({len(busy)} pages)")
            print(f"  page-down afterwards:                           {summary(quiet)} ({len(quiet)} pages)")
        print(f"load average when done: {' '.join(f'{n:.1f}' for n in os.getloadavg())} on {os.cpu_count()} cores")

if __name__ == "__main__":
    main()
