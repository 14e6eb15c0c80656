"""Ways an index folder gets damaged, for the tests that check it is detected and rebuilt."""

from __future__ import annotations

from pathlib import Path

SEGMENT_DATA = (".seg", ".pst", ".trm")  # compound segments (older indexes), postings, terms


def segment_files(index: Path) -> list[Path]:
    return sorted(p for p in index.glob("MAIN_*") if p.suffix in SEGMENT_DATA)


def truncate_segments(index: Path) -> None:
    """Cut every segment's data files short (a full disk, a bad copy)."""
    for segment in segment_files(index):
        segment.write_bytes(segment.read_bytes()[:100])


def truncate_stored_fields(index: Path, keep: int) -> None:
    """Cut every segment's stored-field column to its first `keep` bytes."""
    for column in index.glob("MAIN_*._stored.col"):
        column.write_bytes(column.read_bytes()[:keep])


def remove_table_of_contents(index: Path) -> None:
    for toc in index.glob("*.toc"):
        toc.unlink()


def killed_mid_commit(index: Path) -> None:
    """What a writer killed while committing leaves: half-written segment files no table of contents
    lists yet, and a half-written table of contents of the next generation (which readers pick)."""
    (toc,) = index.glob("_MAIN_*.toc")
    generation = int(toc.stem.rsplit("_", 1)[1])
    for number, segment in enumerate(p for p in index.glob("MAIN_*") if p.suffix):
        data = segment.read_bytes()
        (index / f"MAIN_killedmidcommit{number}{segment.suffix}").write_bytes(data[:len(data) // 2])
    (index / f"_MAIN_{generation + 1}.toc").write_bytes(toc.read_bytes()[:len(toc.read_bytes()) // 2])
