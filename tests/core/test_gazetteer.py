"""The gazetteer: loading safely, matching names in text, resolving aliases, adding names atomically."""

from __future__ import annotations

import multiprocessing
import os
import unicodedata
from pathlib import Path

import pytest

from reader.core.entities.gazetteer import Entity, Gazetteer, GazetteerError, add_name
from reader.core.entities.spans import ENTITY_TYPES

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "corpus" / "entities.yaml"

SMALL = """\
# Analyst notes: keep Shoigu's spellings together.
entities:
  - id: shoigu
    type: person
    names: [Sergei Shoigu, Shoigu, Sergue Chogou, Chogou, Choïgou, Сергей Шойгу, Шойгу]   # all of them
  # Places below.
  - id: ukraine
    type: place
    names: [Ukraine, Украина]
"""


@pytest.fixture
def gazetteer() -> Gazetteer:
    return Gazetteer([
        Entity("shoigu", "person", ["Sergei Shoigu", "Shoigu", "Sergue Chogou", "Chogou", "Choïgou", "Сергей Шойгу",
                                    "Шойгу", "Schoigu"]),
        Entity("putin", "person", ["Vladimir Putin", "Putin", "Poutine", "Путин"]),
        Entity("bonne", "person", ["Emmanuel Bonne", "Bonne"]),
        Entity("ukraine", "place", ["Ukraine", "Украина"]),
        Entity("china", "place", ["China", "Chine", "Китай"]),
        Entity("iran", "place", ["Iran"]),
        Entity("moscow", "place", ["Moscow", "Moscou", "Москва"]),
        Entity("washington", "place", ["Washington"]),
        Entity("washington_post", "organisation", ["Washington Post"]),
        Entity("united_states", "place", ["United States", "US", "États-Unis", "США"]),
        Entity("nato", "organisation", ["NATO", "OTAN", "НАТО"]),
        Entity("beijing", "place", ["Beijing", "Pékin", "Пекин"]),
        Entity("strasse", "other", ["Straße"]),
    ])


def found(gazetteer: Gazetteer, text: str) -> list[tuple[str, str]]:
    spans = gazetteer.match(text)
    for span in spans:
        assert text[span.start : span.end] == span.text
        assert span.source == "gazetteer"
    return [(span.text, span.entity_id) for span in spans]


# --- matching ------------------------------------------------------------------------------------------

def test_match_ignores_case_and_accents(gazetteer):
    assert found(gazetteer, "CHOÏGOU met Choigou and Chogou's aide; PÉKIN and Pekin; sergei shoigu, united states") == [
        ("CHOÏGOU", "shoigu"), ("Choigou", "shoigu"), ("Chogou", "shoigu"), ("PÉKIN", "beijing"), ("Pekin", "beijing"),
        ("sergei shoigu", "shoigu"), ("united states", "united_states")]


def test_match_in_other_scripts(gazetteer):
    assert found(gazetteer, "Сергей Шойгу прилетел в Пекин.") == [("Сергей Шойгу", "shoigu"), ("Пекин", "beijing")]


def test_match_names_written_with_vowel_signs():
    hindi = Gazetteer([Entity("modi", "person", ["Narendra Modi", "नरेंद्र मोदी", "मोदी"]),
                       Entity("jamshedpur", "place", ["जमशेदपुर"])])
    text = "प्रधानमंत्री नरेंद्र मोदी जमशेदपुर पहुंचे। मोदी ने कहा, मेदी मादा नहीं।"
    assert found(hindi, text) == [("नरेंद्र मोदी", "modi"), ("जमशेदपुर", "jamshedpur"), ("मोदी", "modi")]


def test_longest_match_wins(gazetteer):
    assert found(gazetteer, "The Washington Post said Washington and Sergei Shoigu agreed.") == [
        ("Washington Post", "washington_post"), ("Washington", "washington"), ("Sergei Shoigu", "shoigu")]


def test_word_boundaries_in_any_script(gazetteer):
    assert found(gazetteer, "Irani, Iranian, machine, Chinese, Ukrainian, Китайский, Iran.") == [("Iran", "iran")]


def test_french_elisions_and_english_possessives(gazetteer):
    assert found(gazetteer, "l'Ukraine, d’Ukraine, qu'Ukraine, China's and China’s") == [
        ("Ukraine", "ukraine"), ("Ukraine", "ukraine"), ("Ukraine", "ukraine"), ("China", "china"), ("China", "china")]


def test_german_genitive_s(gazetteer):
    assert found(gazetteer, "Chinas Politik und Moskaus, Putins Pläne") == [("Chinas", "china"), ("Putins", "putin")]


def test_russian_case_endings(gazetteer):
    text = "Путина, Путину, Путиным, Шойгу, в Москве, из Москвы, Москвой, Китая, Китаю, Украины, Украине, НАТО"
    assert [entity for _, entity in found(gazetteer, text)] == [
        "putin", "putin", "putin", "shoigu", "moscow", "moscow", "moscow", "china", "china", "ukraine", "ukraine",
        "nato"]


def test_russian_endings_are_short(gazetteer):
    assert found(gazetteer, "Путинизм и Москвичи") == []


def test_capitalised_one_word_names_skip_lowercase_words(gazetteer):
    assert found(gazetteer, "une bonne idée, us and them, Emmanuel Bonne, BONNE, US") == [
        ("Emmanuel Bonne", "bonne"), ("BONNE", "bonne"), ("US", "united_states")]


def test_hyphenated_and_multiword_names(gazetteer):
    assert found(gazetteer, "aux États-Unis et aux Etats-Unis, the United  States") == [
        ("États-Unis", "united_states"), ("Etats-Unis", "united_states"), ("United  States", "united_states")]


def test_multiword_names_do_not_cross_punctuation(gazetteer):
    assert found(gazetteer, "Emmanuel, Bonne said; Sergei. Shoigu left") == [("Bonne", "bonne"), ("Shoigu", "shoigu")]


def test_offsets_survive_decomposed_text(gazetteer):
    text = unicodedata.normalize("NFD", "Hier Choïgou et la Chine, puis Pékin.")
    spans = gazetteer.match(text)
    assert [(span.text, span.entity_id) for span in spans] == [
        (unicodedata.normalize("NFD", "Choïgou"), "shoigu"), ("Chine", "china"),
        (unicodedata.normalize("NFD", "Pékin"), "beijing")]
    assert all(text[span.start : span.end] == span.text for span in spans)


def test_sharp_s_matches_both_spellings(gazetteer):
    assert found(gazetteer, "Straße und Strasse") == [("Straße", "strasse"), ("Strasse", "strasse")]


def test_empty_gazetteer_and_text():
    assert Gazetteer().match("Anything at all") == []
    assert Gazetteer([Entity("x", "other", ["X"])]).match("") == []


# --- resolve / aliases ---------------------------------------------------------------------------------

def test_resolve_ids_aliases_and_scripts(gazetteer):
    for name in ("shoigu", "Shoigu", "SHOIGU", "Choïgou", "choigou", "Sergue Chogou", "Шойгу", "Сергей Шойгу"):
        assert gazetteer.resolve(name) == "shoigu", name
    assert gazetteer.resolve("pekin") == "beijing"
    assert gazetteer.resolve("Путин") == "putin"
    assert gazetteer.resolve("Nobody") is None
    assert gazetteer.resolve("") is None


def test_aliases(gazetteer):
    assert gazetteer.aliases("putin") == ["Vladimir Putin", "Putin", "Poutine", "Путин"]
    assert gazetteer.aliases("unknown") == []


# --- loading -------------------------------------------------------------------------------------------

def test_missing_file_is_an_empty_gazetteer(tmp_path):
    assert Gazetteer.load(tmp_path / "entities.yaml").entities == {}


def test_load_small_file(tmp_path):
    path = tmp_path / "entities.yaml"
    path.write_text(SMALL, encoding="utf-8")
    gazetteer = Gazetteer.load(path)
    assert list(gazetteer.entities) == ["shoigu", "ukraine"]
    assert gazetteer.entities["ukraine"] == Entity("ukraine", "place", ["Ukraine", "Украина"])


def test_demo_gazetteer_loads_and_covers_the_seed_spellings():
    gazetteer = Gazetteer.load(DEMO)
    assert all(entity.type in ENTITY_TYPES for entity in gazetteer.entities.values())
    expected = [("Sergue Chogou", "shoigu"), ("Sergei Shoigu", "shoigu"), ("Elyse", "elysee"), ("OTAN", "nato"),
                ("НАТО", "nato"), ("Pékin", "beijing"), ("Moscou", "moscow"), ("Kiew", "kyiv"), ("Киев", "kyiv"),
                ("США", "united_states"), ("Aspen Security Forum", "aspen_security_forum"),
                ("Shanghai Cooperation Organization", "sco"), ("Politico", "politico")]
    for name, entity_id in expected:
        assert gazetteer.resolve(name) == entity_id, name
    text = (REPO / "corpus" / "001_e13ff6d2d78ae1e3.txt").read_text(encoding="utf-8")
    ids = {span.entity_id for span in gazetteer.match(text)}
    assert {"shoigu", "dong_jun", "sco", "astana", "kazakhstan", "xi_jinping", "elysee", "macron"} <= ids


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("entities: [\n  - id: x\n", ":2:"),
        ("entities:\n  - id: x\n    type: person\n    names: [a, b\n", "entities.yaml:"),
        ("- just\n- a list\n", ":1: expected a mapping"),
        ("entities: {id: x}\n", ":1: 'entities' must be a list"),
        ("entities:\n  - id: x\n    type: animal\n    names: [X]\n", ":2: entity 'x' has type 'animal'"),
        ("entities:\n  - id: x\n    type: place\n", ":2: entity 'x' needs a non-empty 'names' list"),
        ("entities:\n  - type: place\n    names: [X]\n", ":2: entity needs an 'id'"),
        ("entities:\n  - id: x\n    type: place\n    names: [X]\n  - id: x\n    type: place\n    names: [Y]\n",
         ":5: duplicate entity id 'x'"),
        ("entities:\n  - id: x\n    type: place\n    names: [[nested]]\n", "has a name that is not text"),
    ],
)
def test_malformed_gazetteer_is_a_one_line_error_naming_file_and_line(tmp_path, content, message):
    path = tmp_path / "entities.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(GazetteerError) as error:
        Gazetteer.load(path)
    assert str(path) in str(error.value)
    assert message in str(error.value)
    assert "\n" not in str(error.value)


def test_python_tags_are_refused_and_never_run(tmp_path):
    marker = tmp_path / "pwned"
    path = tmp_path / "entities.yaml"
    path.write_text(f"entities: !!python/object/apply:os.system ['touch {marker}']\n", encoding="utf-8")
    with pytest.raises(GazetteerError, match=r"entities\.yaml:1:"):
        Gazetteer.load(path)
    assert not marker.exists()


def test_alias_bomb_is_refused(tmp_path):
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, 10):
        previous = chr(ord("a") + level - 1)
        lines.append(f"{chr(ord('a') + level)}: &{chr(ord('a') + level)} [{', '.join(['*' + previous] * 9)}]")
    lines.append("entities: *j")
    path = tmp_path / "entities.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(GazetteerError, match="alias expansion"):
        Gazetteer.load(path)


def test_recursive_alias_is_refused(tmp_path):
    path = tmp_path / "entities.yaml"
    path.write_text("entities: &a [*a]\n", encoding="utf-8")
    with pytest.raises(GazetteerError):
        Gazetteer.load(path)


def test_huge_and_binary_files_are_refused(tmp_path):
    path = tmp_path / "entities.yaml"
    path.write_bytes(b"# " + b"x" * (5 * 1024 * 1024))
    with pytest.raises(GazetteerError, match="larger than"):
        Gazetteer.load(path)
    path.write_bytes(b"entities: [\xff\xfe]\n")
    with pytest.raises(GazetteerError, match="not UTF-8"):
        Gazetteer.load(path)


def test_empty_or_comment_only_file_is_empty(tmp_path):
    path = tmp_path / "entities.yaml"
    path.write_text("# nothing yet\n", encoding="utf-8")
    assert Gazetteer.load(path).entities == {}
    path.write_text("entities:\n", encoding="utf-8")
    assert Gazetteer.load(path).entities == {}


# --- add_name ------------------------------------------------------------------------------------------

def test_add_alias_keeps_comments_order_and_entries(tmp_path):
    path = tmp_path / "entities.yaml"
    path.write_text(SMALL, encoding="utf-8")
    assert add_name(path, "Schoigu", "person", "shoigu") == "shoigu"
    lines, expected = path.read_text(encoding="utf-8").splitlines(), SMALL.splitlines()
    assert [line for line in lines if "Schoigu" not in line] == [line for line in expected if "Шойгу]" not in line]
    assert [" ".join(line.split()) for line in lines if "Schoigu" in line] == [
        "names: [Sergei Shoigu, Shoigu, Sergue Chogou, Chogou, Choïgou, Сергей Шойгу, Шойгу, Schoigu] # all of them"]
    assert Gazetteer.load(path).resolve("Schoigu") == "shoigu"


def test_add_new_entity_derives_a_unique_id(tmp_path):
    path = tmp_path / "entities.yaml"
    path.write_text(SMALL, encoding="utf-8")
    assert add_name(path, "Dong Jun", "person") == "dong_jun"
    assert add_name(path, "Ukraine!", "other", None) == "ukraine"  # already a name: nothing added
    assert add_name(path, "Шойгу Сергей", "person") == "shoigu_sergei"
    text = path.read_text(encoding="utf-8")
    assert text.startswith(SMALL)
    assert "  - id: dong_jun\n    type: person\n    names: [Dong Jun]\n" in text
    gazetteer = Gazetteer.load(path)
    assert list(gazetteer.entities) == ["shoigu", "ukraine", "dong_jun", "shoigu_sergei"]


def test_add_to_an_unknown_id_creates_it_and_ids_stay_unique(tmp_path):
    path = tmp_path / "entities.yaml"
    path.write_text(SMALL, encoding="utf-8")
    assert add_name(path, "Kyiv", "place", "kyiv") == "kyiv"
    assert add_name(path, "Kiew", "place", "kyiv") == "kyiv"
    path2 = tmp_path / "other.yaml"
    add_name(path2, "Shoigu", "person")
    assert add_name(path2, "Shoigu Jr", "person") == "shoigu_jr"
    assert Gazetteer.load(path).aliases("kyiv") == ["Kyiv", "Kiew"]


def test_add_existing_name_is_a_no_op_and_conflicts_are_errors(tmp_path):
    path = tmp_path / "entities.yaml"
    path.write_text(SMALL, encoding="utf-8")
    before = path.read_bytes()
    assert add_name(path, "choïgou", "person", "shoigu") == "shoigu"
    assert add_name(path, "CHOGOU", "person") == "shoigu"
    assert path.read_bytes() == before
    with pytest.raises(GazetteerError, match="already a name of 'shoigu'"):
        add_name(path, "Shoigu", "place", "ukraine")
    assert path.read_bytes() == before


def test_add_creates_a_missing_file_with_a_header(tmp_path):
    path = tmp_path / "entities.yaml"
    assert add_name(path, "Astana", "place") == "astana"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Gazetteer for this corpus")
    assert Gazetteer.load(path).aliases("astana") == ["Astana"]
    assert [p.name for p in tmp_path.iterdir()] == ["entities.yaml"]  # no lock file left


def test_add_to_a_comment_only_file_keeps_the_comment(tmp_path):
    path = tmp_path / "entities.yaml"
    path.write_text("# my notes\n", encoding="utf-8")
    add_name(path, "Astana", "place")
    assert path.read_text(encoding="utf-8").startswith("# my notes\n")
    assert Gazetteer.load(path).resolve("Astana") == "astana"


def test_add_respects_the_files_indentation(tmp_path):
    path = tmp_path / "entities.yaml"
    original = "entities:\n- id: x\n  type: place\n  names:\n  - Xanadu\n"
    path.write_text(original, encoding="utf-8")
    add_name(path, "Shangdu", "place", "x")
    add_name(path, "Kubla", "person")
    assert path.read_text(encoding="utf-8") == original + "  - Shangdu\n- id: kubla\n  type: person\n  names: [Kubla]\n"


@pytest.mark.parametrize(
    "content", ["entities: [\n", "entities: !!python/object/apply:os.system ['true']\n", "entities: {a: 1}\n"]
)
def test_add_never_writes_over_a_file_that_does_not_parse(tmp_path, content):
    path = tmp_path / "entities.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(GazetteerError):
        add_name(path, "Astana", "place")
    assert path.read_text(encoding="utf-8") == content
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_add_rejects_bad_names_and_types(tmp_path):
    path = tmp_path / "entities.yaml"
    with pytest.raises(ValueError):
        add_name(path, "   ", "place")
    with pytest.raises(ValueError):
        add_name(path, "!!!", "place")
    with pytest.raises(ValueError):
        add_name(path, "Astana", "city")
    assert not path.exists()


def test_add_is_atomic_when_the_replace_fails(tmp_path, monkeypatch):
    path = tmp_path / "entities.yaml"
    path.write_text(SMALL, encoding="utf-8")

    def broken_replace(source, target):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        add_name(path, "Dong Jun", "person")
    assert path.read_text(encoding="utf-8") == SMALL
    assert sorted(p.name for p in tmp_path.iterdir()) == ["entities.yaml"]


def test_add_keeps_file_permissions(tmp_path):
    path = tmp_path / "entities.yaml"
    path.write_text(SMALL, encoding="utf-8")
    path.chmod(0o640)
    add_name(path, "Dong Jun", "person")
    assert path.stat().st_mode & 0o777 == 0o640


def test_add_merges_with_changes_made_since_loading(tmp_path):
    path = tmp_path / "entities.yaml"
    path.write_text(SMALL, encoding="utf-8")
    loaded = Gazetteer.load(path)
    with path.open("a", encoding="utf-8") as handle:  # another analyst edits the file meanwhile
        handle.write("  - id: astana\n    type: place\n    names: [Astana]\n")
    add_name(path, "Kazakhstan", "place")
    assert "astana" not in loaded.entities
    assert set(Gazetteer.load(path).entities) == {"shoigu", "ukraine", "astana", "kazakhstan"}


def _add_many(path: str, worker: int) -> None:
    for number in range(5):
        add_name(Path(path), f"Name {worker} {number}", "other")


def test_concurrent_adds_from_processes_are_all_kept(tmp_path):
    path = tmp_path / "entities.yaml"
    path.write_text(SMALL, encoding="utf-8")
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_add_many, args=(str(path), worker)) for worker in range(4)]
    for process in workers:
        process.start()
    for process in workers:
        process.join(30)
        assert process.exitcode == 0
    gazetteer = Gazetteer.load(path)
    assert len(gazetteer.entities) == 2 + 20
    assert path.read_text(encoding="utf-8").startswith(SMALL)
