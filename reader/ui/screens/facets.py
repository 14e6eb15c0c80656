"""The facet panel: languages, sources, tags and top entities of the current results; choosing one narrows."""

from __future__ import annotations

from textual.content import Content
from textual.widgets.option_list import Option

from reader.core.results.facets import FACET_NAMES
from reader.core.results.narrowing import facet_clause, has_clause
from reader.core.text import safe_text
from reader.ui.screens.dialogs import WIDEN
from reader.ui.screens.panels import LoadingPanel

FACET_LABELS = {"lang": "Languages", "source": "Sources", "tag": "Tags", "entity": "Top entities"}


class FacetPanel(LoadingPanel):
    """Counts over every article the query matches; answers the clauses to toggle in the query text."""

    def __init__(self, engine, query: str, typed: str) -> None:
        super().__init__("Facets of the results")
        self.engine, self.search_query, self.typed = engine, query, typed
        self.active: list[str] = []

    def load(self) -> dict[str, dict[str, int]]:
        return self.engine.facets(self.search_query)

    def options(self, facets: dict[str, dict[str, int]]) -> list[Option]:
        options = []
        for name in FACET_NAMES:
            counts = facets.get(name) or {}
            if not counts:
                continue
            options.append(Option(Content(FACET_LABELS[name]), disabled=True))
            for value, count in counts.items():
                clause = facet_clause(name, value)
                active = has_clause(self.typed, clause)
                if active:
                    self.active.append(clause)
                options.append(Option(Content(f" {'✓' if active else ' '} {safe_text(value)}  {count:,}"),
                                      id=clause))
        if self.active:
            options.insert(0, Option(Content("Widen: remove the facet filters (" + " ".join(
                safe_text(c) for c in self.active) + ")"), id=WIDEN))
        return options

    def hint(self, facets, any_option: bool) -> str:
        if not any_option:
            return f"Nothing to narrow by. {self.keys_for('back')}: close"
        return f"{self.keys_for('open')}: narrow the results (✓: in force; choose again to widen) · " \
               f"{self.keys_for('back')}: close"

    def answer(self, option_id: str) -> list[str]:
        return list(self.active) if option_id == WIDEN else [option_id]
