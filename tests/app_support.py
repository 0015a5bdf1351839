"""Helpers for the app's tests: what the screen shows (text), what the terminal would be sent
(bytes), fast key presses, and stores built from hostile or odd data."""

from __future__ import annotations

import asyncio
import io
import re
import unicodedata
from pathlib import Path
from typing import Any

from rich.console import Console
from textual import events
from textual.app import App
from textual.pilot import Pilot

from extractors.pipeline import Extraction
from extractors.records import Article, claim_candidate, entity_candidate
from extractors.wrapping import hard_wrap
from tui.store import ReviewStore

from support import make_extraction, tokens_of


def _console(app: App[Any]) -> Console:
    width, height = app.size
    return Console(
        width=width,
        height=height,
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        record=True,
        legacy_windows=False,
        safe_box=False,
    )


def screen_text(app: App[Any]) -> str:
    """The whole screen as plain text, as the analyst sees it (toasts and dialogs included)."""
    console = _console(app)
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    console.print(update)
    return console.export_text(styles=False)


def screen_bytes(app: App[Any]) -> str:
    """What Textual's driver would write to the terminal for a full repaint of the current screen
    (``App._display`` renders the same update with ``render_segments``)."""
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    return update.render_segments(_console(app))


def status_line(app: App[Any]) -> str:
    return screen_text(app).splitlines()[0]


# Sequences Textual itself writes: CSI (ESC [ … final byte), cursor-key / charset selections, and
# OSC 22 (the mouse pointer's shape, e.g. ESC ] 22 ; default BEL) — nothing else may carry an ESC.
_CSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]")
_OWN = re.compile(r"\x1b[()][0-9A-Za-z]|\x1b[=>78]|\x1b\]22;[a-z-]*\x07")
#: characters a terminal interprets: C0 but \r \n, DEL, C1, bidi controls, U+2028/9, lone surrogates
UNSAFE = re.compile(
    "[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2028\u2029\u2066-\u2069\ud800-\udfff]"
)


def foreign_controls(output: str) -> list[str]:
    """Control characters in terminal output that are not part of the app's own CSI sequences
    (an OSC, a lone ESC, a C1 CSI/OSC, a bidi override, a line separator …), with context."""
    stripped = _OWN.sub("", _CSI.sub("", output))
    return [
        f"{unicodedata.name(m.group(), hex(ord(m.group())))} in {stripped[max(0, m.start() - 20) : m.end() + 20]!r}"
        for m in UNSAFE.finditer(stripped)
    ]


async def page_keys_before_layout(app: App[Any], pilot: Pilot[Any], command_list: Any, monkeypatch: Any) -> None:
    """Page up and down on a palette's list as before its first layout — no lines, no size (Textual
    8.2.8 then raised KeyError in OptionList._move_page) — and check that the app is still running."""
    from textual.command import CommandList
    from textual.geometry import Region

    command_list._line_cache.clear()
    monkeypatch.setattr(CommandList, "scrollable_content_region", property(lambda self: Region(0, 0, 0, 0)))
    await pilot.press("pageup", "pagedown")
    assert app.is_running and app._exception is None
    monkeypatch.undo()


def _busy(app: App[Any]) -> bool:
    nodes: list[Any] = [app]
    for screen in app.screen_stack:
        nodes.extend(screen.walk_children(with_self=True))
    # a message pump has work while its queue holds messages or a callback waits for its next idle;
    # the app, while a key is on its way or keys wait their turn (tui/app/keyorder.py)
    order = getattr(app, "keys_in_order", None)
    if order is not None and not order.idle:
        return True
    return any(node._message_queue.values or node._next_callbacks for node in nodes)


async def _calm(pilot: Pilot[Any], quiet: int, limit: int) -> bool:
    """Yield to the event loop until no message pump of the app has work for ``quiet`` rounds in a
    row (True), or ``limit`` rounds pass (False)."""
    calm = 0
    for _ in range(limit):
        await asyncio.sleep(0)
        calm = 0 if _busy(pilot.app) else calm + 1
        if calm >= quiet:
            return True
    return False


async def settle(pilot: Pilot[Any], quiet: int = 3, limit: int = 2000) -> None:
    """Let every message the last key caused be processed: yield to the event loop until no
    message pump of the app has work for ``quiet`` rounds in a row (no idle sleeps: fast)."""
    if await _calm(pilot, quiet, limit):
        return
    # still busy after `limit` turns of the loop: keys wait their turn behind a screen being drawn
    # (a refresh is a timer away, not a turn of the loop): wait for them in time, up to 5 s
    order = getattr(pilot.app, "keys_in_order", None) if pilot.app.is_running else None
    deadline = asyncio.get_running_loop().time() + 5.0
    while order is not None and not order.idle and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.01)
    if order is not None and not order.idle:
        raise AssertionError("keys still held 5 s after they were sent")
    await pilot._wait_for_screen()
    if order is not None and asyncio.get_running_loop().time() < deadline:
        await _calm(pilot, quiet, limit)  # and what the last of them set going


async def press_fast(pilot: Pilot[Any], key: str) -> None:
    """Press one key the way the driver delivers it, then let it settle — much faster than
    ``pilot.press``, which sleeps until the process looks idle after every key."""
    from textual.keys import _character_to_key, _get_unicode_name_from_key

    app = pilot.app
    name = _character_to_key(key) if len(key) == 1 and not key.isalnum() else key
    try:
        char: str | None = unicodedata.lookup(_get_unicode_name_from_key(name))
    except KeyError:
        char = name if len(name) == 1 else None
    event = events.Key(name, char)
    event.set_sender(app)
    assert app._driver is not None
    app._driver.send_message(event)
    await settle(pilot)


# -- stores -------------------------------------------------------------------------------------------

EVIL = {
    "osc52": "\x1b]52;c;AAAA\x1b\\",
    "osc0": "\x1b]0;pwned\x07",
    "csi": "\x1b[2J\x1b[31m",
    "c1csi": "\x9b31m",
    "c1osc": "\x9d0;title\x9c",
    "bidi": "\u202eevil\u202c\u2066iso\u2069",
    "ls": "a\u2028b",
    "c0": "\x00\x01\x07\x08\x7f",
}
EVIL_ALL = "".join(EVIL.values())


def evil_store(folder: Path) -> tuple[ReviewStore, Extraction]:
    """A store whose outside strings carry terminal controls: article text, title, source, url, id,
    labels, a model name and a speaker's name. (Reviewer names with controls are refused by the
    store itself; the status bar's own test covers them.)"""
    text = (
        f"Headline {EVIL['osc52']}ORG here\n"
        f"Ben {EVIL['bidi']} Wallace said {EVIL['c1csi']}Russia lost {EVIL['ls']} troops {EVIL['osc0']} today.\n"
        f"Officials {EVIL['c0']} agreed {EVIL['csi']} on {EVIL['c1osc']} Tuesday."
    )
    art = Article(
        text=text,
        title=f"Title {EVIL_ALL} end",
        source=f"src{EVIL['osc0']}.txt",
        url=f"https://x/{EVIL['c1osc']}",
        published=f"2024{EVIL['bidi']}",
        id=f"id-{EVIL['osc52']}-1",
    )
    tokens = tokens_of(text)
    ents = []
    for surface, label in (
        ("Headline", f"{EVIL['osc52']}ORG"),
        ("Wallace", f"PER{EVIL['c1csi']}SON"),
        ("Russia", "GPE"),
        ("Tuesday", f"DATE{EVIL['bidi']}"),
    ):
        s = text.index(surface)
        ents.append(entity_candidate(text, art.id, s, s + len(surface), label, model=f"m{EVIL['osc0']}"))
    s = text.index("Russia lost")
    wallace = text.index("Wallace")
    claim = claim_candidate(
        text,
        art.id,
        s,
        text.index(" today"),
        quote_type="indirect",
        checkworthiness=0.7,
        speaker={"start": wallace, "end": wallace + 7, "text": "Wallace", "name": f"Wallace{EVIL_ALL}"},
        cue={"start": text.index("said"), "end": text.index("said") + 4, "text": "said"},
        numbers=[],
        model="test",
    )
    ex = Extraction(art, ents, [claim], tokens)
    store = ReviewStore.open(folder, write=True, reviewer="ana")  # (the store refuses controls in names)
    store.add_article(ex)
    return store, ex


def several_store(folder: Path) -> ReviewStore:
    """Four articles: several candidates, one candidate, no candidates at all, and a big-ish one."""
    store = ReviewStore.open(folder, write=True, reviewer="rand")
    store.add_article(
        make_extraction(
            "Ben Wallace said Russia lost 100,000 troops near Zürich.\n\nOfficials in São Paulo agreed on Tuesday.",
            [
                ("Ben Wallace", "PERSON"),
                ("Russia", "GPE"),
                ("Zürich", "GPE"),
                ("São Paulo", "GPE"),
                ("Tuesday", "DATE"),
            ],
            ["Russia lost 100,000 troops near Zürich", "Officials in São Paulo agreed on Tuesday"],
        )
    )
    store.add_article(make_extraction("Moscow is cold.", [("Moscow", "GPE")], []))
    store.add_article(make_extraction("Nothing to see here at all.", [], []))
    words = " ".join(f"Word{i}" + ("." if i % 11 == 10 else "") for i in range(400))
    ents = [(f"Word{i}", "ORG" if i % 2 else "PERSON") for i in range(0, 400, 7)]
    claims = [f"Word{i} Word{i + 1}" for i in range(20, 380, 40) if i % 11 != 10]
    # hard-wrapped at 60 columns (a space made a line break: the same offsets), so that the pane's
    # flowing of it, a find and the lists are walked too; some claims cross a wrap
    wrapped = hard_wrap(words, 60)
    claims = [wrapped[words.index(c) : words.index(c) + len(c)] for c in claims]
    assert any("\n" in c for c in claims)
    store.add_article(make_extraction(wrapped, ents, claims))
    return store


def _as_in_a_terminal() -> None:
    """Ctrl-C and Ctrl-\\ as a terminal's foreground job has them: pytest started in the background
    (``&``, ``nohup``, a CI runner) ignores SIGINT, its children inherit that, and the app then keeps
    the ignore as Unix asks (QA, stop 44: the SIGINT test failed every time that way)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGQUIT, signal.SIG_DFL)


class InPty:
    """A program running in a pseudo-terminal of ``size`` (columns, rows), in a session of its own:
    what it wrote so far in ``out``; :meth:`pump` reads on."""

    def __init__(self, argv: list[str], env: dict[str, str], *, size: tuple[int, int] = (160, 48), **popen: Any):
        import fcntl
        import os
        import pty
        import struct
        import subprocess
        import termios

        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
        then = popen.pop("preexec_fn", None)

        def before() -> None:
            _as_in_a_terminal()
            if then is not None:
                then()

        popen["preexec_fn"] = before
        self.proc = subprocess.Popen(
            argv, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True, **popen
        )
        os.close(slave)
        self.out = bytearray()

    def pump(self, seconds: float, until: bytes | None = None) -> None:
        """Read for up to ``seconds``: until ``until`` was written, the program ended, or its end of
        the terminal closed."""
        import os
        import select
        import time

        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if ready:
                try:
                    chunk = os.read(self.master, 65536)
                except OSError:
                    return
                if not chunk:
                    return
                self.out.extend(chunk)
                if until is not None and until in self.out:
                    return
            elif self.proc.poll() is not None:
                return

    def write(self, data: bytes) -> None:
        import os

        os.write(self.master, data)

    def pump_until_decided(self, store: Any, decided: int, seconds: float = 10) -> None:
        """Read on until the store at ``store`` counts ``decided`` decided items (or ``seconds`` pass)."""
        import time

        from tui.store import ReviewStore

        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            with ReviewStore.open(store) as st:
                if st.summary()["decided"] == decided:
                    return
            self.pump(0.2)

    def close(self) -> int:
        """Its exit code (killed if it is still running); the terminal closed."""
        import os

        if self.proc.poll() is None:
            self.proc.kill()
        code = self.proc.wait()
        os.close(self.master)
        return code


def run_in_pty(
    argv: list[str], env: dict[str, str], keys: list[str], *, size: tuple[int, int] = (160, 48), timeout: float = 90
) -> tuple[bytes, int]:
    """Run a program in a pseudo-terminal of ``size``; once it drew its first screen (the status
    line), type ``keys`` one by one with a pause after each; return every byte it wrote and its
    exit code."""
    import time

    term = InPty(argv, env, size=size)
    try:
        term.pump(timeout, until=b"decided here")
        term.pump(0.5)
        for key in keys:
            term.write(key.encode())
            term.pump(0.4 if key == "\x1b" else 0.25)
        deadline = time.monotonic() + 20
        while term.proc.poll() is None and time.monotonic() < deadline:
            term.pump(0.2)
        term.pump(0.3)
    finally:
        code = term.close()
    return bytes(term.out), code


async def add_in_app(pilot: Pilot[Any], app: App[Any], path: Path | str, rounds: int = 1) -> None:
    """Add ``path`` through the app's ``+`` prompt, then let the add's workers finish and their
    results land (``rounds`` times: a load, then its extraction, then the screen)."""
    await pilot.press("plus")
    app.screen.query_one("#add-path").value = str(path)  # type: ignore[attr-defined]
    await pilot.press("enter")
    for _ in range(rounds):
        await app.workers.wait_for_complete()
        await pilot.pause()


async def select_text(pilot: Pilot[Any], view: Any, text: str) -> None:
    """Select ``text`` (its first occurrence in the article) in cursor mode, token by token, as an
    analyst would."""
    start = view.text.index(text)
    view.move_cursor(start)
    await pilot.pause()
    while view.selection() is None or view.selection()[1] < start + len(text):
        await pilot.press("L")
    assert view.selection() == (start, start + len(text)), view.selection()


async def exported(pilot: Pilot[Any], app: App[Any], limit: float = 30.0) -> None:
    """Wait for the export ``E`` started (a child process) to end and its notification to show."""
    from tui.app.screens.exporter import Exporter

    exporter = app.screen.query_one(Exporter)
    waited = 0.0
    while exporter.running:
        assert waited < limit, "the export did not end"
        await pilot.pause(0.05)
        waited += 0.05
    await pilot.pause()
