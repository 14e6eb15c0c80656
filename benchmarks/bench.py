"""Performance benchmark of the engine and CLI on synthetic corpora; prints its figures.

    python -m benchmarks.bench [--sizes 10000 100000 1000000] [--work DIR] [--parallel DIR] [--no-segments]

Corpora are built from real news sentences (benchmarks/synthetic.py: newstest2014's English, French and
German, and with --parallel or READER_PARALLEL the languages and scripts of more parallel sets) and kept
in --work between runs. Each size reports: full index build (time, articles/s, peak memory, index size),
in-process query latency p50/p95 per query kind, related-article lists, the semantic tier (embedding
rate, query latency with meaning vectors) when installed, whole `reader search` processes against ripgrep,
the app's first screen, keystroke-to-results latency and memory (benchmarks/tui_latency.py),
incremental updates after touching one file and after adding 100 files, and the index segments
under tags, updates and maintenance with query latency at 10, 30 and 100 segments
(benchmarks/segments_bench.py); the segment count is printed after each step.
"""

from __future__ import annotations

import argparse
import compileall
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.synthetic import make_corpus

QUERIES = {
    "single word": ["government", "police", "Regierung", "gouvernement", "economy"],
    "two words": ["police officers", "economic growth", "Bundesregierung Berlin", "président français"],
    "phrase": ['"United States"', '"the European Union"', '"la police"', '"im Jahr"'],
    "field-filtered": ["lang:fr police", "lang:de Regierung", "title:government", "lang:en economy"],
    "wildcard": ["govern*", "polic*", "regier*", "écon*"],
    "other scripts": ["правительство", "सरकार", "政府", "полиция"],  # none found without --parallel
}
RG_WORDS = ["government", "police", "regierung", "economy"]


def machine() -> str:
    """A one-line description of this machine."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{cpu}, {os.cpu_count()} cores, {memory:.0f} GiB, Python {platform.python_version()}"


def reference_loop() -> float:
    """Seconds a fixed pure-Python loop takes now: shared machines slow down when their host is busy,
    and every figure here moves with this one (about 0.56 s on the machine of README's figures, idle)."""
    started = time.perf_counter()
    sum(range(30_000_000))
    return time.perf_counter() - started


def folder_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def tree_rss(root: int) -> int:
    """Resident memory in bytes of a process and all its descendants (Linux /proc)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            parents[int(stat.parent.name)] = int(fields[1])
        except (OSError, ValueError, IndexError):
            continue
    family, found = {root}, True
    while found:
        found = {pid for pid, parent in parents.items() if parent in family and pid not in family}
        family |= found
    total = 0
    for pid in family:
        try:
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, ValueError, IndexError):
            continue
    return total


def run_timed(command: list[str], sample_memory: bool = False) -> tuple[float, int, int]:
    """Run a command; return (seconds, peak RSS in MiB of its largest process, and with `sample_memory`
    the peak RSS in MiB of the command and its child processes together, sampled every 0.2 s)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    together = 0
    while True:
        if sample_memory:
            together = max(together, tree_rss(process.pid))
        pid, status, usage = os.wait4(process.pid, os.WNOHANG if sample_memory else 0)
        if pid:
            break
        time.sleep(0.2)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise subprocess.CalledProcessError(process.returncode, command)
    return seconds, usage.ru_maxrss // 1024, together // 2**20  # this command's processes only


def reader_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "reader.cli", *args]


def tui_first_screen(corpus: Path, marker: str = "(? keys)", runs: int = 3) -> float | None:
    """Median seconds from starting `reader` in tmux to its first screen (the query prompt painted)."""
    if not shutil.which("tmux") or not shutil.which("reader"):
        return None
    timings = []
    tmux = ["tmux", "-L", f"reader-bench-{os.getpid()}"]  # a private server: other sessions are not touched
    for run in range(runs):
        session = f"bench-{run}"
        started = time.perf_counter()
        if subprocess.run([*tmux, "new-session", "-d", "-s", session, "-x", "120", "-y", "40",
                           f"reader --corpus {corpus}"]).returncode:
            continue
        try:
            while time.perf_counter() - started < 30:
                screen = subprocess.run([*tmux, "capture-pane", "-p", "-t", session],
                                        capture_output=True, text=True).stdout
                if marker in screen:
                    timings.append(time.perf_counter() - started)
                    break
                time.sleep(0.01)
        finally:
            subprocess.run([*tmux, "kill-server"], capture_output=True)
    return statistics.median(timings) if timings else None


def bench_size(size: int, work: Path, segments_only: bool = False, parallel: Path | None = None,
               segments: bool = True, keep_index: bool = False) -> None:
    corpus = work / f"corpus-{size}"
    if not corpus.is_dir():
        print(f"  building a synthetic corpus of {size:,} articles…", flush=True)
        make_corpus(corpus, size, parallel=parallel)
    index_dir = corpus / ".reader" / "index"
    if keep_index and index_dir.is_dir():
        print(f"\n== {size:,} articles: the index built before is kept "
              f"({folder_size(index_dir) / 2**20:,.0f} MiB, {_segment_count(index_dir)} segments)", flush=True)
    else:
        shutil.rmtree(corpus / ".reader", ignore_errors=True)
        print(f"\n== {size:,} articles ({folder_size(corpus) / 2**20:,.0f} MiB of text)", flush=True)
        seconds, peak, together = run_timed(reader_cmd("index", "--corpus", str(corpus), "--no-vectors"),
                                            sample_memory=True)
        print(f"full index build      {seconds:8.1f} s   {size / seconds:7.0f} articles/s   "
              f"peak RSS {peak} MiB (largest process), {together} MiB (all processes)   "
              f"index {folder_size(index_dir) / 2**20:,.0f} MiB, {_segment_count(index_dir)} segments", flush=True)
    if segments_only:
        from benchmarks.segments_bench import bench_segments

        bench_segments(corpus)
        return

    from reader.core.engine import Engine
    from reader.core.search.scoring import forget_recent_scores

    engine = Engine(corpus)
    engine.search("warmup", limit=20)
    for kind, queries in QUERIES.items():
        timings = []
        for _ in range(5):
            for query in queries:
                forget_recent_scores()  # each query timed as if it came first
                started = time.perf_counter()
                engine.search(query, limit=20)
                timings.append((time.perf_counter() - started) * 1000)
        print(f"query {kind:15s} p50 {statistics.median(timings):6.1f} ms   p95 {percentile(timings, 0.95):6.1f} ms")
    bench_related(engine)
    bench_semantic(engine, corpus)
    engine.close()

    ours, theirs = [], []
    for word in RG_WORDS:
        for _ in range(3):
            ours.append(run_timed(reader_cmd("search", "--corpus", str(corpus), word, "--limit", "20"))[0])
            if shutil.which("rg"):
                theirs.append(run_timed(["rg", "-i", "-l", word, str(corpus)])[0])
    line = f"`reader search` process  median {statistics.median(ours):.3f} s   max {max(ours):.3f} s"
    if theirs:
        line += (f"   |  `rg -i -l` median {statistics.median(theirs):.3f} s   max {max(theirs):.3f} s"
                 f"   → reader is {statistics.median(theirs) / statistics.median(ours):.2f}× ripgrep")
    print(line)

    first = tui_first_screen(corpus)
    if first is not None:
        print(f"TUI first screen (tmux, 120×40)  median {first:.2f} s")
    subprocess.run([sys.executable, "-m", "benchmarks.tui_latency", str(corpus)], check=False)

    victim = next(corpus.rglob("*.txt"))
    victim.write_text(victim.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    seconds = run_timed(reader_cmd("index", "--corpus", str(corpus), "--no-vectors"))[0]
    print(f"re-index, 1 file changed   {seconds:6.2f} s   {_segment_count(index_dir)} segments")
    replaced = victim.with_name(victim.name + ".new")  # as git writes a file: a new one renamed over it
    replaced.write_text(victim.read_text(encoding="utf-8") + "\nAnd another.\n", encoding="utf-8")
    os.replace(replaced, victim)
    seconds = run_timed(reader_cmd("search", "--corpus", str(corpus), RG_WORDS[0], "--limit", "20"))[0]
    print(f"search after 1 file replaced (its update included)  {seconds:6.2f} s")
    extra = corpus / "zz-added"
    make_corpus(extra, 100, seed=size)
    seconds = run_timed(reader_cmd("index", "--corpus", str(corpus), "--no-vectors"))[0]
    print(f"re-index, 100 files added  {seconds:6.2f} s   {_segment_count(index_dir)} segments")
    shutil.rmtree(extra)
    run_timed(reader_cmd("index", "--corpus", str(corpus), "--no-vectors"))
    if segments:
        from benchmarks.segments_bench import bench_segments

        bench_segments(corpus)


def bench_related(engine, articles: int = 40) -> None:
    """Latency of related-article lists (10 with their reasons, as the app's panel asks) for articles
    spread over the corpus, each asked once cold and once again."""
    ids = engine.all_ids()
    chosen = [ids[i * len(ids) // articles] for i in range(articles)]
    cold, warm = [], []
    for timings in (cold, warm):
        for article_id in chosen:
            started = time.perf_counter()
            engine.related(article_id, limit=10)
            timings.append((time.perf_counter() - started) * 1000)
    print(f"related list (10)      p50 {statistics.median(cold):6.1f} ms   p95 {percentile(cold, 0.95):6.1f} ms"
          f"   again p95 {percentile(warm, 0.95):6.1f} ms")


def bench_semantic(engine, corpus: Path, sample: int = 400) -> None:
    """With the semantic extra: how fast articles are embedded (a sample), and query latency with meaning
    vectors for every article. Random unit vectors stand in for those (a search costs the same whatever
    they hold; embedding them all would take an hour at 100,000): figures of speed only."""
    import numpy as np

    from reader.core.search.scoring import forget_recent_scores
    from reader.core.semantic import model, vectors
    from reader.core.semantic.embedding import BATCH

    if not model.available():
        print("semantic tier             not installed (pip install -e '.[semantic]')")
        return
    ids = engine.all_ids()
    picked = ids[:: max(1, len(ids) // sample)]
    texts = [model.passage_text(engine.stored(i).title, engine._body(i) or "") for i in picked]
    model.embed_passages(texts[:4])
    started = time.perf_counter()
    for start in range(0, len(texts), BATCH):
        model.embed_passages(texts[start:start + BATCH])
    print(f"semantic vectors          {len(texts) / (time.perf_counter() - started):6.1f} articles/s "
          f"({len(texts)} sampled)", flush=True)
    rows = np.random.default_rng(0).standard_normal((len(ids), model.DIMENSION)).astype(np.float32)
    rows /= np.linalg.norm(rows, axis=1, keepdims=True)
    vectors.save(engine.index_dir, vectors.Vectors.of(model.model_name(), ids, rows))
    try:
        engine.search("warmup words", limit=20)
        timings = []
        for _ in range(3):
            for query in QUERIES["single word"] + QUERIES["two words"] + QUERIES["field-filtered"]:
                forget_recent_scores()
                started = time.perf_counter()
                engine.search(query, limit=20)
                timings.append((time.perf_counter() - started) * 1000)
        print(f"query with meaning        p50 {statistics.median(timings):6.1f} ms   "
              f"p95 {percentile(timings, 0.95):6.1f} ms", flush=True)
        ours = [run_timed(reader_cmd("search", "--corpus", str(corpus), word, "--limit", "20"))[0]
                for word in RG_WORDS]
        print(f"`reader search` with meaning  median {statistics.median(ours):.3f} s   max {max(ours):.3f} s")
    finally:
        (engine.index_dir / vectors.VECTORS_FILE).unlink()


def _segment_count(index_dir: Path) -> int:
    from reader.core.indexing.segment_policy import layout

    return len(layout(index_dir))


def compile_bytecode() -> None:
    """Write reader's bytecode, as an install does (and a first run, unless PYTHONDONTWRITEBYTECODE is
    set, as on this project's machines): otherwise every timed process compiles reader's sources again."""
    compileall.compile_dir(Path(__file__).resolve().parent.parent / "reader", quiet=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--work", type=Path, default=Path("/tmp/reader-bench"))
    parser.add_argument("--parallel", type=Path, default=None,
                        help="folder of <xx>-en.jsonl parallel sets whose languages the corpora add")
    parser.add_argument("--no-segments", action="store_true", help="skip the segment steps (long at 1,000,000)")
    parser.add_argument("--keep-index", action="store_true",
                        help="time the searches on an index a previous run built, without building it again")
    parser.add_argument("--segments-only", action="store_true",
                        help="after the build only the segment steps (tags, updates, maintenance, query p95)")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    compile_bytecode()
    print(f"machine: {machine()}   reference loop {reference_loop():.2f} s")
    demo = Path(__file__).resolve().parent.parent / "corpus"
    first = tui_first_screen(demo)
    if first is not None:
        print(f"TUI first screen on the demo corpus (tmux, 120×40)  median {first:.2f} s")
    for size in args.sizes:
        bench_size(size, args.work, args.segments_only, args.parallel, not args.no_segments, args.keep_index)
        print(f"reference loop {reference_loop():.2f} s")


if __name__ == "__main__":
    main()
