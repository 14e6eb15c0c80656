"""Tagging from the keyboard (SPEC §7): add, remove, quick tags, marked results, undo, notes, tag panel."""

from __future__ import annotations

from functools import partial

from reader.core.text import safe_text
from reader.ui import messages as msg
from reader.ui.controllers.port import ScreenPort
from reader.ui.screens.dialogs import NotesEditor, TagPanel, TagPrompt
from reader.ui.tagging import TagEdit, describe, toggle_edit


class TagsController:
    """Tag and notes edits, the undo stack and the tag counts; the screen's `save_edits` worker writes."""

    def __init__(self, screen: ScreenPort, quick_tags: dict[int, str]) -> None:
        self.screen, self.quick_tags = screen, quick_tags
        self.undo_edits: list[TagEdit] = []  # the edits that undo the last save
        self.counts: dict[str, int] = {}  # every tag in the index with its article count

    def add(self) -> None:
        ids = self.screen.targets()
        if not ids:
            return self._nothing_to_tag()
        ordered = sorted(self.counts.items(), key=lambda item: (-item[1], item[0]))
        self.screen.push_screen(TagPrompt(f"Add a tag to {_what(ids)}", ordered),
                                partial(self._edit_tag, ids, "add"))

    def remove(self) -> None:
        ids = self.screen.targets()
        if not ids:
            return self._nothing_to_tag()
        counts: dict[str, int] = {}
        for tags in self._current_tags(ids).values():
            for tag in tags:
                counts[tag] = counts.get(tag, 0) + 1
        if not counts:
            self.screen.say(f"{_what(ids).capitalize()} has no tags.")
            return
        ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        self.screen.push_screen(TagPrompt(f"Remove a tag from {_what(ids)}", ordered, restrict=True),
                                partial(self._edit_tag, ids, "remove"))

    def _edit_tag(self, ids: list[str], how: str, tag: str | None) -> None:
        if tag:
            edit = TagEdit(tuple(ids), **{how: (tag,)})
            self._save([edit], describe(edit, len(ids)))

    def quick(self, slot: int) -> None:
        tag = self.quick_tags.get(slot)
        if not tag:
            self.screen.say(f"Quick tag {slot} is not set (quick-tags in the keymap file).", "error")
            return
        ids = self.screen.targets()
        if not ids:
            return self._nothing_to_tag()
        try:
            edit = toggle_edit(ids, tag, self._current_tags(ids))
        except ValueError as exc:
            self.screen.say(str(exc), "error")
            return
        self._save([edit], describe(edit, len(ids)))

    def undo(self) -> None:
        if not self.undo_edits:
            self.screen.say("Nothing to undo.")
            return
        edits, self.undo_edits = self.undo_edits, []
        self._save(edits, "undone: " + "; ".join(describe(e, len(e.ids)) for e in edits[:3]))

    def edit_notes(self) -> None:
        ids = self.screen.targets()
        if len(ids) != 1:
            if not ids:
                return self._nothing_to_tag()
            self.screen.say("Notes are edited one article at a time: open one, or clear the marks.", "error")
            return
        article_id, article = ids[0], self.screen.article
        if article is not None and article.id == article_id:
            notes = article.notes or ""
        else:
            from reader.core.userdata.sidecars import read_sidecar

            try:
                notes = str(read_sidecar(self.screen.engine.corpus / article_id).get("notes") or "")
            except Exception as exc:  # noqa: BLE001 - e.g. a sidecar that does not parse
                self.screen.say(str(exc), "error")
                return

        def done(text: str | None) -> None:
            if text is not None and text != notes:
                self._save([TagEdit((article_id,), notes=text)], "notes saved")

        self.screen.push_screen(NotesEditor(f"Notes: {safe_text(article_id)}", notes), done)

    def panel(self) -> None:
        typed = self.screen.expanded_query()
        if self.screen.engine is not None and self.screen.usable:
            self.screen.load_tag_counts()
        self.screen.push_screen(TagPanel(dict(self.counts), typed), partial(self.screen.narrow_query, typed))

    def saved(self, message: msg.TagsSaved) -> None:
        """Keep the undo of a save and say how it went."""
        if message.undo:
            self.undo_edits = message.undo
        if message.problems:
            self.screen.say(message.problems[0], "error")
            self.screen.notify(message.problems[0], severity="error", markup=False)
        elif message.summary:
            self.screen.say(f"{message.summary} · {self.screen.keys_text('undo')} undoes")

    def _current_tags(self, ids: list[str]) -> dict[str, list[str]]:
        results, article = self.screen.results, self.screen.article
        known = {hit.id: list(hit.tags) for hit in results.hits}
        known.update({article_id: list(hit.tags) for article_id, hit in results.marked.items()})
        if article is not None:
            known[article.id] = list(article.tags)
        return {article_id: known.get(article_id, []) for article_id in ids}

    def _nothing_to_tag(self) -> None:
        self.screen.say("Nothing to tag: search, then pick or mark results.", "error")

    def _save(self, edits: list[TagEdit], label: str) -> None:
        if self.screen.engine is not None:
            self.screen.save_edits(edits, label)


def _what(ids: list[str]) -> str:
    return "1 article" if len(ids) == 1 else f"{len(ids)} marked articles"
