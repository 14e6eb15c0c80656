"""Time to bring the index up to date after one record is appended to a JSON-lines dump of N records.

Records are newstest2014 documents (READER_NEWSTEST, default `../shared/data/newstest2014`) cycled
to N with their own ids; the figure is `Engine.update()` after the append (the build before is printed too).

    python -m benchmarks.dump_append [--records 10000]
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

from benchmarks import newstest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000)
    args = parser.parse_args()
    from reader.core.engine import Engine

    data_dir = Path(os.environ.get("READER_NEWSTEST", "../shared/data/newstest2014"))
    docs = [doc for pair, lang in newstest.FILES for doc in newstest.load(pair, lang, data_dir)]
    with tempfile.TemporaryDirectory() as temporary:
        corpus = Path(temporary)
        dump = corpus / "dump.jsonl"
        with open(dump, "w", encoding="utf-8") as handle:
            for number in range(args.records):
                doc = docs[number % len(docs)]
                handle.write(json.dumps({"id": f"r{number}", "title": doc.title, "text": " ".join(doc.sentences),
                                         "lang": doc.lang, "date": "2014-01-01"}, ensure_ascii=False) + "\n")
        engine = Engine(corpus)
        started = time.perf_counter()
        built = engine.update()
        print(f"build of a dump of {args.records:,} records: {time.perf_counter() - started:.1f} s "
              f"({built.added:,} articles)")
        doc = docs[0]
        with open(dump, "a", encoding="utf-8") as handle:
            handle.write(json.dumps({"id": "appended", "title": doc.title, "text": " ".join(doc.sentences)}) + "\n")
        started = time.perf_counter()
        report = engine.update()
        seconds = time.perf_counter() - started
        print(f"update after appending one record: {seconds:.2f} s ({report.added} added, {report.changed} changed, "
              f"{report.removed} removed)")
        engine.close()


if __name__ == "__main__":
    main()
