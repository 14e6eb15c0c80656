"""The Textual app: loads the keymap before starting, shows the main screen and opens the engine (SPEC §8, §10)."""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.app import App
from textual.message_pump import MessagePump

from reader.core.userdata.keymap import KeymapConfig, KeymapError, shown_path
from reader.ui import messages as msg
from reader.ui.actions import APP, bindings_for, load_config
from reader.ui.driver import clean_exit_driver
from reader.ui.jobs import problem_line
from reader.ui.screens.dialogs import Dialog
from reader.ui.screens.help import HelpScreen
from reader.ui.screens.main import MainScreen

if TYPE_CHECKING:
    from reader.core.engine import Engine


class ReaderApp(App, inherit_bindings=False):
    """The interactive reader for one corpus; it owns the engine, which its screens share under `engine_lock`."""

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
        self.engine: Engine | None = None  # set once `open_engine` opened it
        self.engine_lock = threading.Lock()  # one search (or re-index) of the engine at a time
        self.engine_warm = threading.Event()  # set once the language model is loaded (or failed to)

    def get_default_screen(self) -> MainScreen:
        return MainScreen(self.corpus, self.config.quick_tags)

    @work(thread=True, exclusive=True, group="engine", exit_on_error=False)
    def open_engine(self, listener: MessagePump) -> None:
        """Open the corpus and its index, then tell `listener` (msg.EngineOpened or msg.EngineFailed)."""
        try:
            from reader.core.engine import Engine

            engine = Engine(self.corpus, self.index_dir, self.data)
            stale = engine.is_stale()
            documents = engine.doc_count()
            skipped = engine.last_skipped()
            generation = engine.index_generation()
        except Exception as exc:  # noqa: BLE001 - shown in the status line
            listener.post_message(msg.EngineFailed(problem_line(exc)))
            return
        self.engine = engine
        listener.post_message(msg.EngineOpened(stale, documents, skipped, generation))
        try:  # load the language model and the world names now, not when the first article is opened (2 s)
            from reader.core.corpus.language import detect_language
            from reader.core.entities.world_names import lookup

            detect_language("A few words to load the language identification model.")
            lookup("Paris")
        except Exception:  # noqa: BLE001 - only a warm-up
            pass
        finally:
            self.engine_warm.set()

    def on_mount(self) -> None:
        self.set_keymap(self.keymap_keys)

    def set_keymap(self, keymap) -> None:
        """Apply a keymap (action id -> keys) and remember it for the help screen and hints."""
        self.keymap_keys = dict(keymap)
        super().set_keymap(keymap)

    def action_help(self) -> None:
        if not isinstance(self.screen, Dialog):
            where = self.engine.tags_location if self.engine is not None else ""
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
