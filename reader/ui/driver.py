"""The terminal driver: Textual's, blanking the alternate screen before leaving it.

tmux (3.3) copies rows of the alternate screen onto the normal one when the window grew while a
program was in it; a blank alternate screen leaves the analyst's shell as it was.
"""

from __future__ import annotations

import sys


def clean_exit_driver():
    """A driver class for this platform that clears the screen on exit, or None for Textual's default."""
    if sys.platform == "win32":
        return None
    from textual.drivers.linux_driver import LinuxDriver

    class CleanExitDriver(LinuxDriver):
        def stop_application_mode(self) -> None:
            self.write("\x1b[H\x1b[2J")  # home, erase the (alternate) screen
            super().stop_application_mode()

    return CleanExitDriver
