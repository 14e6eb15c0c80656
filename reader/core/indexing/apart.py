"""Work in a process of its own: index loaders, and an app's merges and learning when it is idle."""

from __future__ import annotations

import os
import threading
from typing import Callable


def exit_with_parent(parent: int) -> None:
    """End this process when the process `parent` that started it dies (a killed indexer or app must not
    leave its helpers behind)."""
    import time

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="parent-watch").start()


def run_apart(target: Callable[..., None], args: tuple, cancel: threading.Event, name: str) -> bool:
    """Run `target(*args)` in a new low-priority process that ends with this one; killed when `cancel` is
    set (`target` must be safe to kill at any point). True when it finished without an error."""
    import multiprocessing

    process = multiprocessing.get_context("spawn").Process(
        target=_child, args=(target, args, os.getpid()), daemon=True, name=name)
    process.start()
    while process.exitcode is None:
        if cancel.wait(0.5):
            process.kill()
        process.join(timeout=0)
    process.join()
    return process.exitcode == 0


def _child(target: Callable[..., None], args: tuple, parent: int) -> None:
    exit_with_parent(parent)
    os.nice(19)
    target(*args)
