"""Keystroke-to-results latency and memory of the app on an indexed corpus; prints its figures.

    python -m benchmarks.tui_latency CORPUS

Drives the real app headless (Textual's Pilot, 120×40): types queries one key at a time and, after
each key, waits until the screen has painted that query's results, then its exact count (a long
list's first page comes before its count). "Painted" is the first frame the app composes after the
result list changed (the headless driver then writes nothing; a terminal adds its own output time).
The waiting yields to the app's event loop without forcing frames of its own. The times include the
app's typing debounce. Also prints the time until the app is usable and the process's peak RSS (the
app plus this small harness).
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from textual import events

from benchmarks.bench import percentile

QUERIES = ["government", "police officers", "Regierung", "lang:fr police", "econom*"]


async def measure(corpus: Path) -> tuple[float, list[float], list[float]]:
    """(seconds until usable, milliseconds from each key press to its results, and to their count)."""
    from reader.ui.actions import load_config
    from reader.ui.app import ReaderApp

    started = time.perf_counter()
    app = ReaderApp(corpus, None, load_config(None))
    latencies: list[float] = []
    counted: list[float] = []
    typed = ""
    pressed = shown = counted_at = 0.0

    def timed_display(*args) -> None:  # every frame the app composes passes here
        nonlocal shown, counted_at
        display(*args)
        ran = getattr(app.screen, "ran", None)
        if typed and ran == typed:
            now = time.perf_counter()
            shown = shown or now
            if app.screen.total is not None:
                counted_at = counted_at or now

    display, app._display = app._display, timed_display
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        while not (screen.usable and screen.ran is not None):
            await pilot.pause(0.01)
        usable = time.perf_counter() - started
        for query in QUERIES:
            await pilot.press("slash")
            screen.query_one("#query").value = ""
            await pilot.pause(0.2)
            typed = ""
            for char in query:
                key = "space" if char == " " else char
                typed, shown, counted_at = typed + char, 0.0, 0.0
                pressed = time.perf_counter()
                app._driver.send_message(events.Key(key, char))  # as a terminal's key arrives
                while not counted_at and time.perf_counter() - pressed < 5:
                    await asyncio.sleep(0.001)
                latencies.append((shown - pressed) * 1000)
                counted.append((counted_at - pressed) * 1000)
                await asyncio.sleep(0.05)
    return usable, latencies, counted


def _peak_memory_mib() -> int:
    """This process's peak resident memory. Linux's getrusage keeps the peak of the process that started
    it across fork and exec (a benchmark holding 4.8 GiB made this one report 4.8 GiB), so the peak of
    this process's own memory (VmHWM) is read where there is one."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) // 1024
    except (OSError, StopIteration, ValueError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", type=Path)
    args = parser.parse_args()
    subprocess.run([sys.executable, "-m", "reader.cli", "index", "--corpus", str(args.corpus), "--no-vectors"],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    usable, latencies, counted = asyncio.run(measure(args.corpus))
    peak = _peak_memory_mib()
    print(f"TUI usable after {usable:.2f} s   keystroke → results p50 {statistics.median(latencies):.0f} ms   "
          f"p95 {percentile(latencies, 0.95):.0f} ms ({len(latencies)} keys)   → exact count p50 "
          f"{statistics.median(counted):.0f} ms   p95 {percentile(counted, 0.95):.0f} ms   peak RSS {peak} MiB")


if __name__ == "__main__":
    main()
