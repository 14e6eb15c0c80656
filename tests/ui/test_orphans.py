"""The app tells of sidecars whose article is gone and lists them (O); one is re-attached or archived."""

from __future__ import annotations

from reader.ui.screens.orphans import OrphanPanel
from reader.ui.screens.panels import TextPrompt
from tests.cli.test_git_merge import clones  # noqa: F401 - a fixture
from tests.conftest import write
from tests.ui.conftest import make_app, ready, settle, until


def corpus_with_orphan(tmp_path):
    root = tmp_path / "corpus"
    write(root, "kept.txt", "Kept article\n\nHarbours and ships in the north.\n")
    write(root, "edited.txt", "Edited article\n\nA text about rivers, changed after it was tagged.\n")
    write(root, "gone.txt.yaml", "# my reading\ntags: [river, 'Dual Use']\nnotes: |\n  Check the source.\n")
    return root


def labels(panel) -> list[str]:
    choices = panel.query_one("#panel-list")
    return [str(choices.get_option_at_index(i).prompt) for i in range(choices.option_count)]


async def ready_out_of_the_query_box(pilot):
    screen = await ready(pilot)
    await pilot.press("tab")
    return screen


async def choose_the_orphan(pilot) -> None:
    """Open the orphan list (O) and choose its first entry: the prompt for what to do with it is up."""
    await pilot.press("O")
    await until(pilot, lambda: isinstance(pilot.app.screen, OrphanPanel) and labels(pilot.app.screen))
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(pilot.app.screen, TextPrompt))


async def test_orphans_are_counted_listed_and_re_attached(tmp_path):
    root = corpus_with_orphan(tmp_path)
    app = make_app(root)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await ready_out_of_the_query_box(pilot)
        assert "1 sidecar without their article (O lists them)" in screen.status.message
        await pilot.press("O")
        await until(pilot, lambda: isinstance(app.screen, OrphanPanel) and labels(app.screen))
        assert labels(app.screen) == ["gone.txt.yaml · river, dual-use · Check the source."]
        await pilot.press("escape")
        await choose_the_orphan(pilot)
        await pilot.press(*"edit", "enter")  # a unique prefix of the article's id
        await until(pilot, lambda: "now belongs to edited.txt" in screen.status.message)
        await settle(pilot)
        assert not (root / "gone.txt.yaml").exists()
        assert (root / "edited.txt.yaml").read_text(encoding="utf-8").startswith("# my reading\n")
        assert screen.engine.search("tag:river").hits[0].id == "edited.txt"


async def test_an_orphan_is_archived_and_a_bad_answer_is_one_line(tmp_path):
    root = corpus_with_orphan(tmp_path)
    app = make_app(root)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await ready_out_of_the_query_box(pilot)
        await choose_the_orphan(pilot)
        await pilot.press(*"nothing-like-it", "enter")
        await until(pilot, lambda: screen.status.severity == "error" and "no article id starts" in screen.status.message)
        assert (root / "gone.txt.yaml").exists()
        await choose_the_orphan(pilot)
        await pilot.press(*"archive", "enter")
        await until(pilot, lambda: "Archived" in screen.status.message)
        assert (root / ".reader" / "orphans" / "gone.txt.yaml").is_file() and not (root / "gone.txt.yaml").exists()
        await pilot.press("O")
        await until(pilot, lambda: isinstance(app.screen, OrphanPanel)
                    and "No orphaned sidecars" in str(app.screen.query_one("#panel-hint").render()))


async def test_a_running_app_sees_tags_merged_by_a_real_git_pull(clones):  # noqa: F811 - the fixture
    from tests.cli.test_cli import run
    from tests.cli.test_git_merge import commit_all, pull

    alice, bob = clones
    app = make_app(bob)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await ready(pilot)
        run("tag", "news/one.txt", "+alice-tag", corpus=alice)
        commit_all(alice, "alice tags")
        run("tag", "news/one.txt", "+bob-tag", corpus=bob)  # bob tags while the app runs
        commit_all(bob, "bob tags")
        assert pull(bob).returncode == 0
        await until(pilot, lambda: {"alice-tag", "bob-tag", "base"} <= set(screen.tags.counts), timeout=20)
        assert [hit.id for hit in screen.engine.search("tag:alice-tag").hits] == ["news/one.txt"]
