"""The search path loads only what a search needs: no UI, network, asyncio or relatedness code."""

from __future__ import annotations

import subprocess
import sys

import pytest

from reader.core.search.lean_import import deferring
from tests.conftest import DEMO_CORPUS

NOT_NEEDED = ("textual", "rich", "asyncio", "urllib.request", "http.client", "reader.core.related.features",
              "reader.core.entities.recognise", "anyascii", "whoosh.lang.morph_en",
              "whoosh.qparser.dateparse", "numpy", "multiprocessing", "concurrent.futures")


TRANSLATING = ("reader.core.related.features", "reader.core.entities.recognise", "anyascii")  # names across scripts, the gazetteer


@pytest.mark.parametrize("as_typed", [True, False], ids=["as typed", "translated"])
def test_a_search_loads_none_of_what_it_does_not_need(tmp_path, as_typed):
    not_needed = NOT_NEEDED if as_typed else tuple(m for m in NOT_NEEDED if m not in TRANSLATING)
    code = ("from reader.core.engine import Engine\n"
            "if __name__ == '__main__':\n"
            f"    Engine({str(DEMO_CORPUS)!r}, {str(tmp_path / 'ix')!r}).update()\n")
    subprocess.run([sys.executable, "-c", code], check=True)
    search = ("import sys\nfrom reader.core.engine import Engine\n"
              f"engine = Engine({str(DEMO_CORPUS)!r}, {str(tmp_path / 'ix')!r})\n"
              f"assert engine.search('Shoigu', as_typed={as_typed}).total >= 1\n"
              f"print(sorted(m for m in sys.modules if m in {not_needed!r} or m.split('.')[0] in ('textual', 'rich')))")
    loaded = subprocess.run([sys.executable, "-c", search], check=True, capture_output=True, text=True).stdout
    assert loaded.strip() == "[]"


def test_a_deferred_module_loads_when_first_used():
    name = "json.tool"  # any module not imported yet by the test run
    sys.modules.pop(name, None)
    with deferring((name,)):
        from json.tool import main  # a stand-in function
    assert name not in sys.modules
    assert callable(main)
    try:
        main()  # calls the real json.tool.main, which reads stdin
    except BaseException:  # noqa: BLE001 - what it does with pytest's stdin does not matter
        pass
    assert name in sys.modules and sys.modules[name].main is not main  # the real module


def test_a_corpus_without_a_gazetteer_is_searched_without_the_yaml_parser(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Harbour strike\n\nDockers stopped work in the harbour.\n", encoding="utf-8")
    search = ("import sys\nfrom reader.cli import main\n"
              f"try:\n    main(['search', 'harbour', '--corpus', {str(corpus)!r}])\nexcept SystemExit:\n    pass\n"
              "print(sorted({m.split('.')[0] for m in sys.modules} & {'yaml', 'ruamel'}), file=sys.stderr)")
    subprocess.run([sys.executable, "-c", search], check=True, capture_output=True)  # builds the index
    loaded = subprocess.run([sys.executable, "-c", search], check=True, capture_output=True, text=True)
    assert "a.txt" in loaded.stdout
    assert loaded.stderr.strip().splitlines()[-1] == "[]"
