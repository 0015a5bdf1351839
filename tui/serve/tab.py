"""One browser tab: the review app on the store, as one reviewer, in its own process.

The server starts ``python -m tui.serve.tab [--model M] [--allow-add] -- STORE REVIEWER`` for each
websocket, with textual-serve's web driver in the environment; the reviewer is one argv element and
no shell is involved. If the store cannot be opened (another writer holds it, it is damaged), the tab
shows why instead of a blank page.
"""

from __future__ import annotations

import argparse
import inspect
import sys
from pathlib import Path
from typing import Any, ClassVar

from . import valid_reviewer

ADD_REFUSED = (
    "Adding files is off in the browser: it would read files on the server. "
    "Ask whoever runs 'newsreview serve' to add them (newsreview add PATH), or to restart it with --allow-add."
)


def tab_argv(store: Path, reviewer: str, *, model: str | None = None, allow_add: bool = False) -> list[str]:
    """The command of one tab's process, as an argv list (never through a shell)."""
    argv = [sys.executable, "-P", "-m", "tui.serve.tab"]  # -P: never a tui/ of the folder serve started in
    if model:
        argv += ["--model", model]
    if allow_add:
        argv.append("--allow-add")
    return [*argv, "--", str(store), valid_reviewer(reviewer)]


def served_app(store: Any, *, model: str | None = None, allow_add: bool = False, config: Path | None = None) -> Any:
    """The review app as a browser tab runs it: the same app; ``+`` (add files from the server's disk)
    answers with a notice unless ``allow_add``."""
    from textual.app import App

    from ..app.app import ReviewApp
    from ..app.screens.review import ReviewScreen

    class ServedReviewApp(ReviewApp):
        # Textual resolves CSS_PATH next to the class's own module: point it at the app's stylesheet.
        CSS_PATH = str(Path(inspect.getfile(ReviewApp)).with_name(str(ReviewApp.CSS_PATH)))
        SWITCH_NAME = "log out and log in as {name}"

        def on_mount(self) -> None:
            # Textual calls every class's on_mount, this one first: ReviewApp's pushes the review
            # screen, so the restriction is applied once that has happened.
            if not allow_add:
                self.call_later(self._restrict_add)

        def _restrict_add(self) -> None:
            for screen in self.screen_stack:
                if isinstance(screen, ReviewScreen):
                    screen.action_add_articles = self._add_refused  # type: ignore[method-assign]

        def _add_refused(self) -> None:
            self.notify(ADD_REFUSED, severity="warning", markup=False, timeout=8)

    app: App[None] = ServedReviewApp(store, model=model, config=config)
    return app


def message_app(title: str, message: str) -> Any:
    """A one-screen app that shows why the tab could not open the review (shown, never as markup)."""
    from rich.text import Text
    from textual.app import App, ComposeResult
    from textual.binding import Binding, BindingType
    from textual.widgets import Footer, Static

    from ..sanitize import clean

    class MessageApp(App[None]):
        TITLE = "newsreview"
        BINDINGS: ClassVar[list[BindingType]] = [Binding("q", "quit", "close")]
        CSS = "Static { padding: 1 2; }"

        def compose(self) -> ComposeResult:
            body = Text()
            body.append(title + "\n\n", style="bold red")
            body.append(clean(message))
            body.append("\n\nClose this tab, or press q and reload the page to try again.", style="dim")
            yield Static(body)
            yield Footer()

    return MessageApp()


def exit_with_server(app: Any, server_pid: int, poll: float = 1.0) -> None:
    """Quit the tab if the server dies without telling it (kill -9, a crash): a thread that watches
    for this process being re-parented. The app exits cleanly; if it cannot, the process ends."""
    import os
    import threading
    import time

    def watch() -> None:
        while os.getppid() == server_pid:
            time.sleep(poll)
        try:
            app.call_from_thread(app.exit)
        except Exception:
            os._exit(1)
        time.sleep(5)
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-server", daemon=True).start()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tui.serve.tab", description="One tab of newsreview serve.")
    parser.add_argument("--model")
    parser.add_argument("--allow-add", action="store_true")
    parser.add_argument("store", type=Path)
    parser.add_argument("reviewer")
    args = parser.parse_args(argv)

    import os

    # The review app asks for 120 frames/s in a terminal; textual-serve sets 60: keep the terminal's.
    os.environ["TEXTUAL_FPS"] = "120"

    from ..store import ReviewStore, StoreError
    from ..store.errors import StoreLocked

    try:
        reviewer = valid_reviewer(args.reviewer)
    except ValueError as err:
        message_app("newsreview cannot start this tab", str(err)).run()
        return 2
    try:
        # QA: a store folder gone since the server started was made anew, empty, by the next tab (and
        # decisions went where nobody looked): serve refuses a missing store at its start, a tab too
        store = ReviewStore.open(
            args.store,
            write=True,
            reviewer=reviewer,
            holder=f"'newsreview serve' (a browser tab of {reviewer})",
            create=False,
        )
    except StoreLocked as err:  # QA: the terminal's advice ("another --reviewer name") means nothing here
        text = str(err)
        if "already has" in text and "; close it first" in text:
            text = (
                f"{text.split('; close it first')[0]}. A reviewer reviews in one place at a time: close that "
                "one (its tab, or the terminal's newsreview) and reload this page."
            )
        message_app("newsreview cannot open the store", text).run()
        return 1
    except StoreError as err:
        message_app("newsreview cannot open the store", str(err)).run()
        return 1
    with store:
        app = served_app(store, model=args.model, allow_add=args.allow_add)
        exit_with_server(app, os.getppid())
        app.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
