"""The analyst workflow from the command line: dates, facets, saved searches, batches, exports, stories."""

from __future__ import annotations

import csv
import io
import json
import os

import pytest

from tests.cli.test_cli import run
from tests.conftest import write


@pytest.fixture
def news(tmp_path):
    """Drone articles: dated by front matter, by a dateline, or not at all; tagged; several sources."""
    root = tmp_path / "news"
    write(root, "en/a.md", "---\ntitle: Drones over Kyiv\ndate: 2023-06-01\nsource: Reuters\n---\n"
          "Drones attacked the city overnight, officials said.\n")
    write(root, "en/b.txt", "Drone deliveries rise\n\nLONDON, 7 May 2024 (Reuters) - Drone deliveries "
          "rose sharply, the ministry said.\n")
    write(root, "fr/c.txt", "Livraisons de drones\n\nParis, le 2 janvier 2025. Les livraisons de drones "
          "inquiètent les responsables européens.\n")
    write(root, "fr/d.txt", "Des drones sans date\n\nLes drones sont arrivés, selon des responsables "
          "français, sans plus de précisions.\n")
    write(root, "en/e.txt", "Weather report\n\nRain is expected over the weekend in most regions.\n")
    write(root, "en/b.txt.yaml", "tags: [dual-use]\nnotes: Check the figures.\n")
    write(root, "fr/c.txt.yaml", "tags: [dual-use, eu]\n")
    return root


def ids(result) -> list[str]:
    return [json.loads(line)["id"] for line in result.stdout.splitlines()]


def test_date_filters_and_sort(news):
    assert ids(run("search", "date:2024", "--format", "jsonl", corpus=news)) == ["en/b.txt"]
    assert sorted(ids(run("search", "date:>2024", "--format", "jsonl", corpus=news))) == ["fr/c.txt"]
    assert sorted(ids(run("search", "date:>=2024", "--format", "jsonl", corpus=news))) == ["en/b.txt", "fr/c.txt"]
    assert ids(run("search", "date:[2023-01-01 to 2023-12-31]", "--format", "jsonl", corpus=news)) == ["en/a.md"]
    assert ids(run("search", "date:<2024-05-07", "--format", "jsonl", corpus=news)) == ["en/a.md"]
    by_date = run("search", "drones OR drone", "--sort", "date", "--format", "jsonl", corpus=news)
    assert ids(by_date) == ["fr/c.txt", "en/b.txt", "en/a.md", "fr/d.txt"]  # newest first, undated last
    dates = [json.loads(line)["date"] for line in by_date.stdout.splitlines()]
    assert dates == ["2025-01-02", "2024-05-07", "2023-06-01", None]
    assert run("search", "drones", "--sort", "size", corpus=news).returncode == 2


def test_facets_count_every_matching_article_not_just_the_page(news):
    result = run("search", "drones OR drone", "--facets", "--format", "json", "--limit", "1", corpus=news)
    assert result.returncode == 0, result.stderr
    hits = json.loads(result.stdout)  # --facets leaves the hits' JSON array as it is
    assert isinstance(hits, list) and len(hits) == 1
    assert set(hits[0]) >= {"id", "title", "lang", "date", "score", "snippet", "tags"}
    facet_line = [line for line in result.stderr.splitlines() if line.startswith("{")]
    data = json.loads(facet_line[0])
    assert data["total"] == 4
    facets = data["facets"]
    assert facets["lang"] == {"en": 2, "fr": 2}
    assert facets["source"] == {"Reuters": 1}
    assert facets["tag"] == {"dual-use": 2, "eu": 1}
    assert isinstance(facets["entity"], dict) and len(facets["entity"]) <= 20
    text = run("search", "drones OR drone", "--facets", "--lang", "fr", corpus=news)
    assert "2 matching articles" in text.stderr and "fr 2" in text.stderr and "dual-use 1" in text.stderr
    assert "matching articles" not in text.stdout
    lines = run("search", "drones", "--facets", "--format", "jsonl", corpus=news)
    assert all("facets" not in json.loads(line) for line in lines.stdout.splitlines())
    assert json.loads(lines.stderr.splitlines()[-1])["facets"]["lang"]
    table = run("search", "drones", "--facets", "--format", "csv", corpus=news)
    assert table.returncode == 0 and table.stdout.startswith("id,title") and "matching articles" in table.stderr


def test_saved_search_round_trip_and_unknown_name(news, tmp_path):
    env = {"XDG_DATA_HOME": str(tmp_path / "data")}
    assert run("save", "eu-drones", "tag:eu", "drones", env=env, corpus=news).returncode == 0
    assert run("save", "dual", "tag:dual-use", env=env, corpus=news).returncode == 0
    saved = news / "saved-searches.yaml"  # in the corpus: it travels with it
    assert "eu-drones: tag:eu drones" in saved.read_text()
    assert not (tmp_path / "data" / "reader" / "saved-searches.yaml").exists()
    assert ids(run("search", "@eu-drones", "--format", "jsonl", env=env, corpus=news)) == ["fr/c.txt"]
    assert sorted(ids(run("search", "@dual", "--format", "jsonl", env=env, corpus=news))) == ["en/b.txt", "fr/c.txt"]
    unknown = run("search", "@nope", env=env, corpus=news)
    assert unknown.returncode == 2 and "dual, eu-drones" in unknown.stderr
    assert len(unknown.stderr.strip().splitlines()) == 1
    assert run("save", "bad", "(unclosed", env=env, corpus=news).returncode == 2
    saved.write_text("# mine\n" + saved.read_text())
    assert run("save", "dual", "tag:dual-use AND drones", env=env, corpus=news).returncode == 0
    assert "# mine" in saved.read_text() and "tag:dual-use AND drones" in saved.read_text()
    saved.write_text("[broken")
    broken = run("search", "@dual", env=env, corpus=news)
    assert broken.returncode == 2 and "does not parse" in broken.stderr


def test_batch_with_plain_lines_and_yaml(news, tmp_path):
    plain = write(tmp_path, "queries.txt", "# drone watch\n\ntag:eu\nrain\n")
    result = run("search", "--batch", str(plain), corpus=news)
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["query_name"], r["query"], r["id"]) for r in records] == [
        ("tag:eu", "tag:eu", "fr/c.txt"), ("rain", "rain", "en/e.txt")]
    listed = write(tmp_path, "queries.yaml", "- name: eu\n  query: tag:eu\n- {name: weather, query: rain}\n")
    records = [json.loads(line) for line in run("search", "--batch", str(listed), corpus=news).stdout.splitlines()]
    assert [(r["query_name"], r["id"]) for r in records] == [("eu", "fr/c.txt"), ("weather", "en/e.txt")]
    mapping = write(tmp_path, "map.yml", "eu: tag:eu\n")
    records = [json.loads(line) for line in run("search", "--batch", str(mapping), corpus=news).stdout.splitlines()]
    assert [(r["query_name"], r["query"]) for r in records] == [("eu", "tag:eu")]
    bad = write(tmp_path, "bad.yaml", "just a string\n")
    assert run("search", "--batch", str(bad), corpus=news).returncode == 2
    assert run("search", "--batch", str(tmp_path / "missing.txt"), corpus=news).returncode == 2
    assert run("search", "x", "--batch", str(plain), corpus=news).returncode == 2


def test_new_since_a_date_and_since_the_last_run(news, tmp_path):
    assert run("search", "drones", "--new-since", "2000-01-01", "--format", "jsonl", corpus=news).returncode == 0
    assert run("search", "drones", "--new-since", "2999-01-01", corpus=news).returncode == 1
    assert run("search", "drones", "--new-since", "yesterday", corpus=news).returncode == 2
    batch = write(tmp_path, "watch.txt", "drones OR drone\n")
    first = run("search", "--batch", str(batch), "--new-since", "last", corpus=news)
    assert len(first.stdout.splitlines()) == 4                     # never ran: everything is new
    second = run("search", "--batch", str(batch), "--new-since", "last", corpus=news)
    assert second.returncode == 1 and second.stdout == ""
    write(news, "de/neu.txt", "Neue Drohnen\n\nDrone deliveries resumed, officials said.\n")
    third = run("search", "--batch", str(batch), "--new-since", "last", corpus=news)
    assert ids(third) == ["de/neu.txt"]
    assert (news / ".reader" / "index" / "batch-state.json").exists()


def test_csv_and_markdown_exports(news):
    write(news, "en/f.txt", "=HYPERLINK(\"http://x\") | drones, \"quoted\"\n\nDrones again.\n")
    result = run("search", "drones OR drone", "--format", "csv", corpus=news)
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == ["id", "title", "lang", "date", "tags", "notes", "snippet", "path"]
    by_id = {row["id"]: row for row in rows}
    assert by_id["en/b.txt"]["notes"] == "Check the figures." and by_id["en/b.txt"]["tags"] == "dual-use"
    assert by_id["fr/c.txt"]["tags"] == "dual-use;eu" and by_id["fr/c.txt"]["date"] == "2025-01-02"
    assert by_id["en/f.txt"]["title"].startswith("'=HYPERLINK")  # not a formula in a spreadsheet
    assert os.path.basename(by_id["en/a.md"]["path"]) == "a.md"
    write(news, "fr/d.txt.yaml", "tags: [x\n")                   # malformed sidecar: empty notes
    assert run("search", "drones", "--format", "csv", corpus=news).returncode == 0
    md = run("search", "drones OR drone", "--format", "md", corpus=news).stdout.splitlines()
    assert md[0] == "| id | title | lang | date | tags | notes | snippet | path |"
    assert all(line.startswith("| ") and line.endswith(" |") for line in md)
    assert any("\\|" in line for line in md)


def test_story_timeline(demo_corpus):
    result = run("story", "002", "--format", "json", corpus=demo_corpus)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    members = [row["id"] for row in data["story"]]
    assert data["id"] == "002_fbf23ee5ad2ba58c.txt" and "004_4921ef0473f76c4f.txt" in members
    assert all(set(row) == {"date", "lang", "source", "id", "title"} for row in data["story"])
    dates = [row["date"] for row in data["story"]]
    dated = [d for d in dates if d]
    assert dated == sorted(dated) and dates[:len(dated)] == dated  # chronological, undated last
    text = run("story", "002", corpus=demo_corpus).stdout
    assert "* " in text and "004_4921ef0473f76c4f.txt" in text
    assert run("story", "nope", corpus=demo_corpus).returncode == 2
