"""Keymaps: the shipped files, layering, validation errors, switching, and the help screen."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from reader.core.userdata.keymap import (
    BUILTIN_NAMES,
    KeymapError,
    builtin_keymap_path,
    load_keymap,
    normalise_key,
    parse_keys,
    user_keymap_path,
)
from reader.ui.actions import ACTIONS, default_keys, load_config
from reader.ui.app import run_app
from reader.ui.screens.help import HelpScreen
from tests.ui.conftest import make_app, ready


@pytest.mark.parametrize("name", BUILTIN_NAMES)
def test_every_action_has_keys_in_every_shipped_keymap(name):
    data = yaml.safe_load(builtin_keymap_path(name).read_text(encoding="utf-8"))
    assert sorted(k for k in data if k != "quick-tags") == sorted(a.id for a in ACTIONS)
    config = load_config(name)  # parses every key and finds no clash
    assert all(config.keys[a.id] for a in ACTIONS)


def test_default_yaml_matches_the_registry():
    data = yaml.safe_load(builtin_keymap_path("default").read_text(encoding="utf-8"))
    assert {k: parse_keys(v) for k, v in data.items() if k != "quick-tags"} == \
        {k: parse_keys(v) for k, v in default_keys().items()}


def test_key_names_follow_textual():
    from textual.keys import _character_to_key

    for char in "?/[]#!-+=,.;:'\"`~@$%^&*()_{}|\\<>":
        assert normalise_key(char) == _character_to_key(char)
    assert normalise_key("ctrl+S") == "ctrl+S"
    assert normalise_key(" shift+tab ") == "shift+tab"
    assert normalise_key("alt+less_than_sign") == "alt+less_than_sign"
    for bad in ("ctrl+shft+a", "pgdown", "", "ctrl+"):
        with pytest.raises(ValueError):
            normalise_key(bad)


def test_user_overrides_win_over_the_chosen_keymap(tmp_path):
    user = user_keymap_path()
    assert str(user).startswith(os.environ["XDG_CONFIG_HOME"])
    user.parent.mkdir(parents=True)
    user.write_text("move_down: z, down\nquick-tags:\n  4: source:politico\n", encoding="utf-8")
    config = load_config("vim")
    assert config.keys["move_down"] == "z,down"
    assert config.keys["page_down"] == "ctrl+f,ctrl+d,pagedown"  # from vim.yaml
    assert config.quick_tags[4] == "source:politico" and config.quick_tags[1] == "important"
    assert config.files == (builtin_keymap_path("vim"), user)


@pytest.mark.parametrize("content, message", [
    ("frobnicate: x\n", "unknown action id 'frobnicate'"),
    ("move_down: ctrl+shft+j\n", "entry 'move_down: ctrl+shft+j': unknown modifier 'shft'"),
    ("move_down: pgdown\n", "unknown key 'pgdown'"),
    ("move_down: [j\n", "does not parse as YAML"),
    ("- j\n", "a keymap is a mapping"),
    ("quick-tags:\n  12: x\n", "slots are the numbers 1 to 9"),
    ("tag_add: j\n", "key 'j' is bound to both 'move_down' and 'tag_add'"),
])
def test_a_bad_keymap_file_names_the_file_and_the_entry(tmp_path, content, message):
    path = tmp_path / "bad.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(KeymapError) as caught:
        load_config(str(path))
    assert str(path) in str(caught.value) and message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_unknown_keymap_name_and_missing_file():
    with pytest.raises(KeymapError, match="unknown keymap 'nope'"):
        load_keymap("nope", default_keys())
    with pytest.raises(KeymapError, match="keymap file not found"):
        load_keymap("/nowhere/keys.yaml", default_keys())


def test_run_app_reports_a_bad_keymap_in_one_line_and_exits_2(tmp_path, demo_corpus, capsys):
    path = tmp_path / "bad.yaml"
    path.write_text("quit: q\nfly: w\n", encoding="utf-8")
    assert run_app(demo_corpus, None, str(path)) == 2
    err = capsys.readouterr().err
    assert err.startswith("reader: ") and err.count("\n") == 1 and "fly" in err and str(path) in err


def test_the_keymap_loader_imports_no_ui(tmp_path):
    path = tmp_path / "keys.yaml"
    path.write_text("quit: x\n", encoding="utf-8")
    code = (f"import sys, reader.core.userdata.keymap as k; k.load_keymap({str(path)!r}, {{'quit': 'q'}});"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


async def test_emacs_keymap_moves_with_ctrl_n_and_switching_at_run_time(demo_corpus):
    app = make_app(demo_corpus, "emacs")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        await pilot.press("tab")
        assert app.focused is screen.results
        await pilot.press("ctrl+n", "ctrl+n")
        assert screen.results.cursor == 2
        await pilot.press("j")  # not bound in the emacs keymap
        assert screen.results.cursor == 2
        app.set_keymap({**app.keymap_keys, "move_down": "x"})
        await pilot.press("x")
        assert screen.results.cursor == 3
        await pilot.press("ctrl+p")
        assert screen.results.cursor == 2


async def test_vim_keymap_jumps_to_the_end_with_G(demo_corpus):
    app = make_app(demo_corpus, "vim")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        await pilot.press("tab", "G")
        assert screen.results.cursor == len(screen.results.hits) - 1
        await pilot.press("g")
        assert screen.results.cursor == 0


async def test_help_lists_the_bindings_in_force_grouped(demo_corpus):
    app = make_app(demo_corpus, "emacs")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = "\n".join(str(static.render()) for static in app.screen.query(".help-group, .help-keys"))
        for group in ("General", "Results", "Reading", "Tagging"):
            assert group in text
        assert "ctrl+n, down" in text and "Move down" in text
        assert "Toggle the tag #important" in text and "Toggle the tag #dual-use" in text  # named
        assert "Quick tag not set" in text  # slot 9 has no tag
        await pilot.press("escape")
        assert app.screen is screen
        await pilot.press("tab", "question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("question_mark")
        assert app.screen is screen


def test_the_keys_page_lists_every_action():
    from reader.ui.actions import keys_page

    page = keys_page()
    assert all(f"`{action.id}`" in page for action in ACTIONS)
    docs = (Path(__file__).resolve().parents[2] / "docs" / "keys.md").read_text(encoding="utf-8")
    assert docs == page, "docs/keys.md is out of date: run `python -m reader.ui.actions > docs/keys.md`"


def test_every_action_runs_somewhere():
    """Each action id in the registry has an `action_<id>` method on a class that binds it."""
    from reader.ui.app import ReaderApp
    from reader.ui.screens.dialogs import Dialog
    from reader.ui.screens.main import MainScreen
    from reader.ui.screens.saved import SavedSearchPanel
    from reader.ui.screens.side_by_side import SideBySideScreen
    from reader.ui.widgets.article import ArticleView
    from reader.ui.widgets.query import QueryInput
    from reader.ui.widgets.results import ResultList

    def family(cls: type) -> list[type]:
        return [cls, *(sub for child in cls.__subclasses__() for sub in family(child))]

    site_classes = {"app": [ReaderApp], "main": [MainScreen], "list": family(ResultList),
                    "article": [ArticleView], "query": [QueryInput], "dialog": family(Dialog),
                    "side": [SideBySideScreen], "saved": [SavedSearchPanel]}
    missing = [(action.id, site) for action in ACTIONS for site in action.sites
               if not any(hasattr(cls, f"action_{action.id}") for cls in site_classes[site])]
    assert not missing
