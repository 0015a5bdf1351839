"""The Textual application: one review screen over an open (writable) store."""

from __future__ import annotations

import gc
import os
from functools import partial
from pathlib import Path
from typing import Any

from textual.app import App
from textual.command import Hit, Hits, Provider

from .config import load_keymap, load_settings, save_settings
from .screens.review import ReviewScreen


class ReviewCommands(Provider):
    """Every review action in the command palette (ctrl+p)."""

    async def search(self, query: str) -> Hits:
        screen = self.app.screen
        if not isinstance(screen, ReviewScreen):
            return
        matcher = self.matcher(query)
        commands = [(b.description, b.action) for b in ReviewScreen.BINDINGS if b.description]
        commands += [
            ("export reviewed JSON", "export"),
            ("claims: toggle check-worthiness / article order", "toggle_order"),
        ]
        for name, action in commands:
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), partial(screen.run_action, action), help=f"action: {action}")


class ReviewApp(App):
    CSS_PATH = "newsreview.tcss"
    TITLE = "newsreview"
    COMMANDS = App.COMMANDS | {ReviewCommands}
    ENABLE_COMMAND_PALETTE = True

    def __init__(
        self, store: Any, *, start_article: str | None = None, config: Path | None = None, model: str | None = None
    ) -> None:
        super().__init__()
        self.store = store
        self.model = model
        self.start_article = start_article
        self.config_folder = config
        self.keymap, self.keymap_problem = load_keymap(config)
        self.settings = load_settings(config)

    def on_mount(self) -> None:
        theme = self.settings.get("theme")
        if theme and theme in self.available_themes:
            self.theme = theme
        if self.keymap:
            self.set_keymap(self.keymap)
        self.push_screen(ReviewScreen(self.store, self.start_article, self.model))
        self.call_after_refresh(gc.freeze)  # long-lived start-up objects leave the GC's scans: no pauses
        if os.environ.get("NEWSREVIEW_EXIT_WHEN_READY"):  # startup probe for bench/ui_bench.py
            self.call_after_refresh(self.exit)
        if self.keymap_problem:
            self.notify(self.keymap_problem, severity="warning", markup=False)

    def watch_theme(self, theme: str) -> None:
        if self.settings.get("theme") != theme and self.is_running:
            self.settings["theme"] = theme
            save_settings(self.settings, self.config_folder)

    def action_export(self) -> None:
        from ..export import render, store_articles
        from ..store.journal import StoreError, atomic_write

        path = self.store.folder / "export.json"
        try:
            atomic_write(path, render(store_articles(self.store)))
        except StoreError as err:
            self.notify(str(err), severity="error", markup=False)
            return
        self.notify(
            f"exported accepted, edited and added items to {path} (same as 'newsreview export')",
            markup=False,
            timeout=6,
        )
