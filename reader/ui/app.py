"""The Textual app: loads the keymap before starting, then shows the main screen (SPEC §8, §10)."""

from __future__ import annotations

import sys
from pathlib import Path

from textual.app import App

from reader.core.userdata.keymap import KeymapConfig, KeymapError, shown_path
from reader.ui.actions import APP, bindings_for, load_config
from reader.ui.driver import clean_exit_driver
from reader.ui.screens.dialogs import Dialog
from reader.ui.screens.help import HelpScreen
from reader.ui.screens.main import MainScreen


class ReaderApp(App, inherit_bindings=False):
    """The interactive reader for one corpus."""

    CSS_PATH = "reader.tcss"
    TITLE = "reader"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = bindings_for(APP)

    def __init__(self, corpus: Path, index_dir: Path | None = None, config: KeymapConfig | None = None,
                 data: Path | None = None) -> None:
        super().__init__(driver_class=clean_exit_driver())
        self.corpus, self.index_dir, self.data = Path(corpus), index_dir, data
        self.config = config or load_config(None)
        self.keymap_keys: dict[str, str] = dict(self.config.keys)

    def get_default_screen(self) -> MainScreen:
        return MainScreen(self.corpus, self.index_dir, self.config.quick_tags, self.data)

    def on_mount(self) -> None:
        self.set_keymap(self.keymap_keys)

    def set_keymap(self, keymap) -> None:
        """Apply a keymap (action id -> keys) and remember it for the help screen and hints."""
        self.keymap_keys = dict(keymap)
        super().set_keymap(keymap)

    def action_help(self) -> None:
        if not isinstance(self.screen, Dialog):
            engine = getattr(self.screen, "engine", None)
            where = engine.tags_location if engine is not None else ""
            files = [shown_path(path) for path in self.config.files]
            self.push_screen(HelpScreen(self.keymap_keys, files, self.config.quick_tags, where))


def run_app(corpus: Path, index_dir: Path | None, keymap: str | None, data: Path | None = None) -> int:
    """Start the app on a corpus; a bad keymap or a missing corpus is a one-line error, exit 2."""
    try:
        config = load_config(keymap)
    except KeymapError as exc:
        print(f"reader: {exc}", file=sys.stderr)
        return 2
    if not corpus.is_dir():
        print(f"reader: corpus folder not found: {corpus}", file=sys.stderr)
        return 2
    ReaderApp(corpus, index_dir, config, data).run()
    return 0
