"""The one registry of bindable actions: ids, default keys, descriptions, help groups and where they bind.

It feeds every widget's BINDINGS, the help screen, keymap validation and the keys page of the docs. Textual
ignores unknown binding ids silently, so keymaps are validated here before the app starts.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual.binding import Binding

from reader.core.userdata.keymap import KeymapConfig, KeymapError, find_clashes, load_keymap

# Binding sites: the widget or screen classes that bind an action (their `action_<id>` runs it).
APP, MAIN, LIST, ARTICLE, QUERY, DIALOG = "app", "main", "list", "article", "query", "dialog"
SIDE = "side"  # the side-by-side screen
SAVED = "saved"  # the saved-searches panel
# The sites that see the same key presses, focused widget first; used to find clashing keys.
CHAINS = ((LIST, MAIN, APP), (ARTICLE, MAIN, APP), (QUERY, MAIN, APP), (LIST, DIALOG), (DIALOG,),
          (SIDE, APP), (LIST, SAVED, DIALOG))
GROUPS = ("General", "Results", "Reading", "Tagging", "Entities", "Related", "Workflow")


@dataclass(frozen=True)
class Action:
    """A bindable action: `id` is both the Textual binding id and the keymap entry."""

    id: str
    keys: str
    description: str
    group: str
    sites: tuple[str, ...]


def _quick(slot: int) -> Action:
    return Action(f"quick_tag_{slot}", str(slot), f"Toggle quick tag {slot}", "Tagging", (MAIN,))


ACTIONS: tuple[Action, ...] = (
    Action("quit", "q,ctrl+q", "Quit (when not typing)", "General", (APP,)),
    Action("help", "?,f1", "Show the keys in force", "General", (APP, DIALOG)),
    Action("focus_query", "/", "Go to the query box", "General", (MAIN,)),
    Action("back", "escape", "Back one step / close", "General", (MAIN, DIALOG, SIDE)),
    Action("focus_next", "tab", "Next pane / field", "General", (MAIN, DIALOG, SIDE)),
    Action("focus_previous", "shift+tab", "Previous pane / field", "General", (MAIN, DIALOG, SIDE)),
    Action("open", "enter", "Run the query / open the result", "Results", (LIST, QUERY)),
    Action("move_down", "j,down", "Move down", "Results", (LIST, ARTICLE, SIDE)),
    Action("move_up", "k,up", "Move up", "Results", (LIST, ARTICLE, SIDE)),
    Action("page_down", "pagedown", "Page down", "Results", (LIST, ARTICLE, SIDE)),
    Action("page_up", "pageup", "Page up", "Results", (LIST, ARTICLE, SIDE)),
    Action("first", "home,g", "Go to the top", "Results", (LIST, ARTICLE, SIDE)),
    Action("last", "end,G", "Go to the end", "Results", (LIST, ARTICLE, SIDE)),
    Action("mark", "space,m", "Mark / unmark the result", "Results", (LIST,)),
    Action("clear_marks", "M", "Unmark every result", "Results", (MAIN,)),
    Action("next_match", "n", "Next match in the article", "Reading", (MAIN,)),
    Action("prev_match", "N", "Previous match in the article", "Reading", (MAIN,)),
    Action("next_article", "],J", "Next article of the results", "Reading", (MAIN,)),
    Action("prev_article", "[,K", "Previous article of the results", "Reading", (MAIN,)),
    Action("fullscreen", "f", "Full-screen reading on / off", "Reading", (MAIN,)),
    Action("tag_add", "t", "Add a tag (marked results, else this one)", "Tagging", (MAIN,)),
    Action("tag_remove", "T", "Remove a tag", "Tagging", (MAIN,)),
    Action("undo", "u", "Undo the last tag or notes change", "Tagging", (MAIN,)),
    Action("edit_notes", "e", "Edit the article's notes", "Tagging", (MAIN,)),
    Action("tag_panel", "#", "Tags with counts; filter by one", "Tagging", (MAIN,)),
    Action("save", "ctrl+s", "Save (in the notes editor)", "Tagging", (DIALOG,)),
    *(_quick(slot) for slot in range(1, 10)),
    Action("toggle_entities", "h", "Entity highlighting on / off", "Entities", (MAIN,)),
    Action("next_entity", ".", "Next entity in the article", "Entities", (MAIN,)),
    Action("prev_entity", "comma", "Previous entity in the article", "Entities", (MAIN,)),
    Action("entity_panel", "E", "The article's entities with counts", "Entities", (MAIN,)),
    Action("entity_search", "*", "Search the corpus for the entity at the cursor", "Entities", (MAIN,)),
    Action("gazetteer_add", "A", "Add the entity at the cursor to the gazetteer", "Entities", (MAIN,)),
    Action("related_panel", "r", "Related articles of the open one", "Related", (MAIN,)),
    Action("side_by_side", "s", "Side by side with the best related article", "Related", (MAIN,)),
    Action("next_candidate", "],J", "Next related article in the right pane", "Related", (SIDE,)),
    Action("prev_candidate", "[,K", "Previous related article in the right pane", "Related", (SIDE,)),
    Action("swap_panes", "w", "Swap the two panes", "Related", (SIDE,)),
    Action("open_left", "o", "Open the left article alone", "Related", (SIDE,)),
    Action("open_right", "O", "Open the right article alone", "Related", (SIDE,)),
    Action("compare", "c", "Mark the words that differ (same language)", "Related", (SIDE,)),
    Action("facet_panel", "F", "Facets of the results; narrow by one", "Workflow", (MAIN,)),
    Action("sort_order", "o", "Sort by relevance / date", "Workflow", (MAIN,)),
    Action("as_typed", "X", "Search as typed / also as translations", "Workflow", (MAIN,)),
    Action("lexicon_add", "Y", "Add the word at the cursor to lexicon.yaml as a translation", "Workflow", (MAIN,)),
    Action("save_search", "S", "Save the query under a name", "Workflow", (MAIN,)),
    Action("saved_searches", "@", "Saved searches; run, rename or delete one", "Workflow", (MAIN,)),
    Action("saved_rename", "R", "Rename the saved search (in its panel)", "Workflow", (SAVED,)),
    Action("saved_delete", "D", "Delete the saved search (in its panel; asked twice)", "Workflow", (SAVED,)),
    Action("history_prev", "up", "Earlier query from the history", "Workflow", (QUERY,)),
    Action("history_next", "down", "Later query from the history", "Workflow", (QUERY,)),
    Action("export", "x", "Export the results or the tagged set", "Workflow", (MAIN,)),
    Action("timeline", "L", "Story timeline of the open article", "Workflow", (MAIN,)),
    Action("with_stories", "W", "Follow each hit with its translations and rewrites: on / off", "Workflow", (MAIN,)),
    Action("skipped_panel", "!", "Files the index could not read, and why", "Workflow", (MAIN,)),
    Action("orphans", "O", "Sidecars whose article is gone; re-attach or archive", "Workflow", (MAIN,)),
)
BY_ID = {action.id: action for action in ACTIONS}


def default_keys() -> dict[str, str]:
    """Action id -> default keys, as written in the registry."""
    return {action.id: action.keys for action in ACTIONS}


def bindings_for(site: str) -> list[Binding]:
    """Textual bindings of the actions bound at `site`, with their ids so keymaps can rebind them."""
    return [Binding(action.keys, action.id, action.description, show=False, id=action.id)
            for action in ACTIONS if site in action.sites]


def load_config(choice: str | None, user_file: Path | None = None) -> KeymapConfig:
    """The keymap in force for `--keymap choice`; KeymapError for unknown ids, bad keys or clashes."""
    config = load_keymap(choice, default_keys(), user_file=user_file)
    chains = [[[a.id for a in ACTIONS if site in a.sites] for site in chain] for chain in CHAINS]
    clashes = find_clashes(config.keys, chains)
    if clashes:
        key, first, second = clashes[0]
        where = ", ".join(str(path) for path in config.files) or "the default keys"
        raise KeymapError(f"{where}: key '{key}' is bound to both '{first}' and '{second}'")
    return config


def grouped(keys: dict[str, str], quick_tags: dict[int, str] | None = None) -> list[tuple[str, list[tuple[str, str]]]]:
    """The help screen's content: for each group, (keys as shown, description) of every action; a quick
    tag's row names its tag."""
    from reader.ui.render import key_display

    groups = []
    for group in GROUPS:
        rows = [(", ".join(key_display(k) for k in keys.get(a.id, a.keys).split(",")), _described(a, quick_tags))
                for a in ACTIONS if a.group == group]
        groups.append((group, rows))
    return groups


def _described(action: Action, quick_tags: dict[int, str] | None) -> str:
    if quick_tags is None or not action.id.startswith("quick_tag_"):
        return action.description
    tag = quick_tags.get(int(action.id.rsplit("_", 1)[1]))
    return f"Toggle the tag #{tag}" if tag else "Quick tag not set (quick-tags in the keymap file)"


def markdown_table(keys: dict[str, str] | None = None) -> str:
    """The actions as a Markdown table (group, id, default keys, description)."""
    from reader.ui.render import key_display

    keys = keys or {a.id: a.keys for a in ACTIONS}
    rows = ["| Group | Action id | Keys | What it does |", "|---|---|---|---|"]
    for action in sorted(ACTIONS, key=lambda a: GROUPS.index(a.group)):
        shown = ", ".join(f"`{key_display(k.strip())}`" for k in keys[action.id].split(","))
        rows.append(f"| {action.group} | `{action.id}` | {shown} | {action.description} |")
    return "\n".join(rows)


def keys_page() -> str:
    """`docs/keys.md`: every action of the app with its default keys, generated from this registry."""
    return ("# Keys\n\n"
            "Every action of the app, its id (the name keymaps use) and its default keys. This page is\n"
            "generated from the action registry: `python -m reader.ui.actions > docs/keys.md`.\n"
            "`?` in the app lists the keys in force, with your keymap applied; see [Keymaps](keymaps.md).\n\n"
            + markdown_table() + "\n")


if __name__ == "__main__":
    print(keys_page(), end="")
