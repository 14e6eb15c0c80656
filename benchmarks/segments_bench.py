"""Index segments under the write paths and maintenance (issue 24); part of benchmarks/bench.py.

    python -m benchmarks.segments_bench CORPUS   (an indexed corpus; its index is changed)

Prints the segment count after each step: the first tag after the build, a re-index after one
changed file, 100 tags in a row (each a process, as an analyst's `reader tag`), background
maintenance, query latency with 10, 30 and 100 segments (tags re-indexed without merging), after
maintenance, and after `reader index --optimize` of 30 segments.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from benchmarks.bench import QUERIES, percentile, reader_cmd, run_timed
from reader.core.engine import Engine


def _segments(corpus: Path) -> str:
    from reader.core.indexing.segment_policy import layout

    infos = layout(corpus / ".reader" / "index")
    return f"{len(infos)} segments ({sum(s.bytes for s in infos) / 2**20:,.0f} MiB)"


def _tag(corpus: Path, article: str, tag: str) -> tuple[float, int]:
    seconds, peak, _ = run_timed(reader_cmd("tag", "--corpus", str(corpus), article, f"+{tag}"))
    return seconds, peak


def query_p95(corpus: Path) -> tuple[float, float]:
    """p50 and p95 in ms over every benchmark query, five rounds, in one engine."""
    engine = Engine(corpus)
    engine.search("warmup", limit=20)
    timings = []
    for _ in range(5):
        for queries in QUERIES.values():
            for query in queries:
                started = time.perf_counter()
                engine.search(query, limit=20)
                timings.append((time.perf_counter() - started) * 1000)
    engine.close()
    return statistics.median(timings), percentile(timings, 0.95)


def _add_segments(corpus: Path, ids: list[str], wanted: int) -> None:
    """Tag articles in one engine until the index has `wanted` segments (each re-index adds one)."""
    from reader.core.userdata.sidecars import update_sidecar

    engine = Engine(corpus)
    number = 0
    while len(engine.segments()) < wanted:
        article = ids[(7919 * number) % len(ids)]
        update_sidecar(corpus / article, add_tags=[f"fill{number}"])
        engine.reindex([article])
        number += 1
    engine.close()


def _maintain(corpus: Path) -> None:
    """Background maintenance as `reader index` runs it; prints what it did."""
    engine = Engine(corpus)
    started = time.perf_counter()
    report = engine.maintain()
    print(f"maintenance                {time.perf_counter() - started:6.2f} s   merges {report.merges}   "
          f"longest lock hold {report.locked_seconds * 1000:.0f} ms   {_segments(corpus)}", flush=True)
    engine.close()


def bench_segments(corpus: Path) -> None:
    print(f"after the build: {_segments(corpus)}", flush=True)
    ids = sorted(p.relative_to(corpus).as_posix() for p in corpus.rglob("*.txt"))
    seconds, peak = _tag(corpus, ids[123], "probe")
    print(f"first tag after build      {seconds:6.2f} s   peak RSS {peak} MiB   {_segments(corpus)}", flush=True)
    victim = corpus / ids[5]
    victim.write_text(victim.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    seconds, peak, _ = run_timed(reader_cmd("index", "--corpus", str(corpus), "--no-vectors"))
    print(f"re-index, 1 file changed   {seconds:6.2f} s   peak RSS {peak} MiB   {_segments(corpus)}", flush=True)
    runs = [_tag(corpus, ids[(104729 * n) % len(ids)], f"row{n}") for n in range(100)]
    times = [r[0] for r in runs]
    print(f"100 tags in a row          median {statistics.median(times):.2f} s   max {max(times):.2f} s   "
          f"peak RSS {max(r[1] for r in runs)} MiB   {_segments(corpus)}", flush=True)
    _maintain(corpus)
    for wanted in (10, 30, 100):
        _add_segments(corpus, ids, wanted)
        p50, p95 = query_p95(corpus)
        print(f"queries with {_segments(corpus):28s} p50 {p50:6.1f} ms   p95 {p95:6.1f} ms", flush=True)
    _maintain(corpus)
    p50, p95 = query_p95(corpus)
    print(f"queries with {_segments(corpus):28s} p50 {p50:6.1f} ms   p95 {p95:6.1f} ms", flush=True)
    _add_segments(corpus, ids, 30)
    estimate = Engine(corpus).optimize_estimate().seconds
    seconds, peak, _ = run_timed(reader_cmd("index", "--corpus", str(corpus), "--optimize", "--no-vectors"))
    print(f"reader index --optimize    {seconds:6.2f} s (estimated {estimate:.0f} s)   peak RSS {peak} MiB   "
          f"{_segments(corpus)}", flush=True)
    p50, p95 = query_p95(corpus)
    print(f"queries with {_segments(corpus):28s} p50 {p50:6.1f} ms   p95 {p95:6.1f} ms", flush=True)


if __name__ == "__main__":
    bench_segments(Path(sys.argv[1]))
