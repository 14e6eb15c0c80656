"""Tagging from the keyboard (SPEC §7): add, remove, quick tags, marked results, undo, notes, tag panel."""

from __future__ import annotations

from reader.core.results.narrowing import toggle_clauses
from reader.core.text import safe_text
from reader.ui import messages as msg
from reader.ui.screens.dialogs import NotesEditor, TagPanel, TagPrompt
from reader.ui.tagging import TagEdit, describe, toggle_edit


class TagActions:
    """Tagging actions of the main screen; the edits run in the `save_edits` worker."""

    def _targets(self) -> list[str]:
        """Marked results, else the article being read, else the result under the cursor."""
        results = self.results
        if results.marked:
            return list(results.marked)
        reading = self.focused is self.view or self.has_class("-fullscreen") or self.has_class("-reading")
        if reading and self.open_id:
            return [self.open_id]
        return [results.hit.id] if results.hit is not None else []

    def _current_tags(self, ids: list[str]) -> dict[str, list[str]]:
        known = {hit.id: list(hit.tags) for hit in self.results.hits}
        known.update({article_id: list(hit.tags) for article_id, hit in self.results.marked.items()})
        if self.article is not None:
            known[self.article.id] = list(self.article.tags)
        return {article_id: known.get(article_id, []) for article_id in ids}

    def _nothing_to_tag(self) -> None:
        self.status.say("Nothing to tag: search, then pick or mark results.", "error")

    def _save(self, edits: list[TagEdit], label: str) -> None:
        if self.engine is None:
            return
        self.save_edits(edits, label)

    def action_tag_add(self) -> None:
        ids = self._targets()
        if not ids:
            return self._nothing_to_tag()
        ordered = sorted(self.tag_counts.items(), key=lambda item: (-item[1], item[0]))
        title = f"Add a tag to {self._what(ids)}"

        def done(tag: str | None) -> None:
            if tag:
                edit = TagEdit(tuple(ids), add=(tag,))
                self._save([edit], describe(edit, len(ids)))

        self.app.push_screen(TagPrompt(title, ordered), done)

    def action_tag_remove(self) -> None:
        ids = self._targets()
        if not ids:
            return self._nothing_to_tag()
        counts: dict[str, int] = {}
        for tags in self._current_tags(ids).values():
            for tag in tags:
                counts[tag] = counts.get(tag, 0) + 1
        if not counts:
            self.status.say(f"{self._what(ids).capitalize()} has no tags.")
            return
        ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))

        def done(tag: str | None) -> None:
            if tag:
                edit = TagEdit(tuple(ids), remove=(tag,))
                self._save([edit], describe(edit, len(ids)))

        self.app.push_screen(TagPrompt(f"Remove a tag from {self._what(ids)}", ordered, restrict=True), done)

    def _quick(self, slot: int) -> None:
        tag = self.quick_tags.get(slot)
        if not tag:
            self.status.say(f"Quick tag {slot} is not set (quick-tags in the keymap file).", "error")
            return
        ids = self._targets()
        if not ids:
            return self._nothing_to_tag()
        try:
            edit = toggle_edit(ids, tag, self._current_tags(ids))
        except ValueError as exc:
            self.status.say(str(exc), "error")
            return
        self._save([edit], describe(edit, len(ids)))

    def action_undo(self) -> None:
        if not self.undo_edits:
            self.status.say("Nothing to undo.")
            return
        edits, self.undo_edits = self.undo_edits, []
        self._save(edits, "undone: " + "; ".join(describe(e, len(e.ids)) for e in edits[:3]))

    def action_edit_notes(self) -> None:
        ids = self._targets()
        if len(ids) != 1:
            if not ids:
                return self._nothing_to_tag()
            self.status.say("Notes are edited one article at a time: open one, or clear the marks.", "error")
            return
        article_id = ids[0]
        if self.article is not None and self.article.id == article_id:
            notes = self.article.notes or ""
        else:
            from reader.core.userdata.sidecars import read_sidecar

            try:
                notes = str(read_sidecar(self.engine.corpus / article_id).get("notes") or "")
            except Exception as exc:  # noqa: BLE001 - e.g. a sidecar that does not parse
                self.status.say(str(exc), "error")
                return

        def done(text: str | None) -> None:
            if text is not None and text != notes:
                self._save([TagEdit((article_id,), notes=text)], "notes saved")

        self.app.push_screen(NotesEditor(f"Notes: {safe_text(article_id)}", notes), done)

    def action_tag_panel(self) -> None:
        typed = self._expanded_query()

        def done(clauses: list[str] | None) -> None:
            if clauses:
                self.run_query_text(toggle_clauses(typed, clauses))

        if self.engine is not None and self.usable:
            self.load_tag_counts()
        self.app.push_screen(TagPanel(dict(self.tag_counts), typed), done)

    def _what(self, ids: list[str]) -> str:
        return "1 article" if len(ids) == 1 else f"{len(ids)} marked articles"

    # -- results of the worker -------------------------------------------------------------------
    def on_tags_saved(self, message: msg.TagsSaved) -> None:
        self.results.set_tags(message.tags)
        for hit in self.results.marked.values():
            if hit.id in message.tags:
                hit.tags = list(message.tags[hit.id])
        if message.undo:
            self.undo_edits = message.undo
        if self.open_id in message.tags:
            self._load(self.open_id, keep_position=True)
        if message.problems:
            self.status.say(message.problems[0], "error")
            self.app.notify(message.problems[0], severity="error", markup=False)
        elif message.summary:
            self.status.say(f"{message.summary} · {self.keys_text('undo')} undoes")
        self._show_facts()

    def on_tag_counts(self, message: msg.TagCounts) -> None:
        self.tag_counts = message.counts


def _quick_action(slot: int):
    def action(self) -> None:
        self._quick(slot)

    action.__name__ = f"action_quick_tag_{slot}"
    action.__doc__ = f"Toggle quick tag {slot} on the marked results or the current article."
    return action


for _slot in range(1, 10):
    setattr(TagActions, f"action_quick_tag_{_slot}", _quick_action(_slot))
