"""Save the README's screenshot of the app: `python scripts/screenshot.py` writes
docs/images/main-screen.svg (the demo corpus, a search, an article open beside the results)."""

from __future__ import annotations

import asyncio
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reader.ui.app import ReaderApp  # noqa: E402


async def shoot(target: Path) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        corpus = Path(scratch) / "corpus"
        shutil.copytree(ROOT / "corpus", corpus)
        app = ReaderApp(corpus, Path(scratch) / "index")
        async with app.run_test(size=(130, 36)) as pilot:
            screen = app.screen
            for _ in range(100):  # the index is built in a worker
                await pilot.pause(0.1)
                if getattr(screen, "usable", False):
                    break
            await pilot.press("slash")  # to the query box (typed as text when it is there already)
            screen.query_one("#query").value = ""
            await pilot.press(*"military", "space", *"equipment")
            for _ in range(20):
                await pilot.pause(0.1)
            await pilot.press("tab", "enter")
            for _ in range(20):
                await pilot.pause(0.1)
            app.save_screenshot(filename=target.name, path=str(target.parent))


if __name__ == "__main__":
    out = ROOT / "docs" / "images" / "main-screen.svg"
    out.parent.mkdir(parents=True, exist_ok=True)
    asyncio.run(shoot(out))
    print(out)
