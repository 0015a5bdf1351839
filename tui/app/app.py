"""The Textual application: one review screen over an open (writable) store."""

from __future__ import annotations

import contextlib
import os
import signal
from functools import cached_property, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import events
from textual.actions import ActionParseResult
from textual.app import App, SystemCommand
from textual.await_complete import AwaitComplete
from textual.binding import Binding, BindingType
from textual.command import CommandList, CommandListItem, DiscoveryHit, Hit, Hits, Provider, SimpleProvider
from textual.command import CommandPalette as TextualCommandPalette
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.theme import ThemeProvider
from textual.widget import Widget
from textual.widgets import Button, Input, OptionList
from textual.worker import Worker

from ..sanitize import clean, clean_line
from ..store import StoreError
from ..store.urls import is_url
from ..widths import spacing_marks_take_a_cell
from . import escapes
from .bindings import REVIEW, Keys
from .collector import TICK, IdleCollector
from .config import config_problems, load_keymap, load_settings, update_settings
from .keyorder import KeysInOrder
from .leaks import install as leaks_install
from .leaks import prune_all
from .nocolor import use_legible_greys
from .screens.once import ClosesOnce, has_left
from .screens.review import ReviewScreen
from .state import ActiveClock
from .terminal import hung_up, is_job, let_go, terminal_fd

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from textual.dom import DOMNode
    from textual.screen import Screen
    from textual.widget import AwaitMount

    from ..store import ReviewStore


#: review actions that act on an entity only (left out of the palette when none is current)
ENTITY_ONLY = frozenset({"relabel", "relabel_picker", "expand", "collapse", "apply_rest"})


class ReviewCommands(Provider):
    """Every review action in the command palette (ctrl+p), with the key it has now."""

    def _commands(self) -> list[tuple[str, str, str]]:
        screen = self.screen
        if not isinstance(screen, ReviewScreen):
            return []
        out: list[tuple[str, str, str]] = []
        # with a claim current (or none) the entity-only commands would only say they do nothing here
        # (QA, stop 45: the palette listed "relabel … PERSON" with a claim current)
        current = screen.current() if screen.aid is not None else None
        entity = current is not None and current["kind"] == "entity"
        for b in REVIEW:
            action = b.action.split("(")[0]
            if b.action == "quit" or screen.check_action(action, ()) is not True:
                continue
            if action in ENTITY_ONLY and not entity:
                continue
            name = b.tooltip or b.description
            key = screen.keys.show(b.id) if b.id else b.key
            out.append((f"{name} ({key})", b.action, b.id or ""))
        return out

    async def _run(self, action: str) -> None:
        await self.screen.run_action(action)

    async def discover(self) -> Hits:
        for name, action, bid in self._commands():
            yield DiscoveryHit(Text(name), partial(self._run, action), text=name, help=bid)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, action, bid in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), partial(self._run, action), text=name, help=bid)


#: what the palette's own widgets tell it: a search to run, a command chosen
_PALETTE_INPUT = (Input.Changed, Input.Submitted, OptionList.OptionSelected, Button.Pressed)


class CommandPalette(ClosesOnce, TextualCommandPalette):
    """Textual's command palette without the crashes QA met in Textual 8.2.8:

    - page up/down reach the option list before it is laid out (its size still zero: results just
      arrived) and OptionList._move_page raises KeyError. Until the list has a size, those two keys
      do nothing.
    - Enter on a command, then Escape at once: Escape closed the palette, then the selection Enter
      had started reached it and dismissed it again — which popped the screen beneath (the review
      screen) and ran the command on it, its widgets gone (NoMatches: ArticleView). The palette
      closes once (:class:`ClosesOnce`), and what its widgets had on the way when it closed — a
      selection, a search for the letters typed last — is dropped: no command after Escape.
    - a search still running while the palette's widgets were removed set ``_list_visible``, whose
      watcher looks its list up (NoMatches: CommandList, the app exited). Once the palette has left
      the app its watchers and countdowns do nothing.
    """

    def _action_command_list(self, action: str) -> None:
        if action in ("page_up", "page_down") and not self.query_one(CommandList).scrollable_content_region:
            return
        super()._action_command_list(action)

    #: an Enter read while the search for the letters typed before it still runs: it waits for the
    #: list that search makes (independent review, stop 45: `ctrl+p zzzq ⏎` typed ahead chose the
    #: first command of the list for the empty query — an accept — where typed slowly it did nothing)
    enter_held = False

    def _searching(self) -> bool:
        return any(
            w.group == self._GATHER_COMMANDS_GROUP and w.node is self and not w.is_finished for w in self.app.workers
        )

    async def _on_message(self, message: Message) -> None:
        if isinstance(message, _PALETTE_INPUT) and has_left(self):
            return  # queued before Escape closed the palette: no search, no command after it is gone
        if isinstance(message, Input.Submitted) and self._searching():
            self.enter_held = True  # (not passed on: it is this palette's, and acted on below)
            return
        await super()._on_message(message)
        if (
            self.enter_held
            and isinstance(message, Worker.StateChanged)
            and message.worker.group == self._GATHER_COMMANDS_GROUP
            and not self._searching()
        ):
            self.enter_held = False
            if not has_left(self):
                self._select_or_command()
            keys = getattr(self.app, "keys_in_order", None)
            if isinstance(keys, KeysInOrder):
                keys.palette_enter_done()

    def _showing(self) -> bool:
        """The palette is up, its list there (not being removed)."""
        return not has_left(self) and bool(self.query(CommandList))

    def _watch__list_visible(self) -> None:
        if self._showing():
            super()._watch__list_visible()

    async def _watch__show_busy(self) -> None:
        if self._showing():
            await super()._watch__show_busy()

    def _start_no_matches_countdown(self, search_value: str) -> None:
        if self._showing():  # (its timer would look the list up after the palette is gone)
            super()._start_no_matches_countdown(search_value)

    def _start_busy_countdown(self) -> None:
        if self._showing():
            super()._start_busy_countdown()

    def dismiss(self, result: Any = None) -> AwaitComplete:
        # a countdown started while the palette showed would look its list up after it has gone
        self._stop_no_matches_countdown()
        self._stop_busy_countdown()
        return super().dismiss(result)


LEFT_OFF_KEPT = 50  # stores x reviewers whose last article the settings remember
KEY_PROBLEMS_SHOWN = 8  # lines of keys.toml problems in the notification, then how many more
#: seconds in which the key that closed a dialog, pressed again (a key repeat, a double press in one
#: burst), goes nowhere: Enter saves a dialog and accepts on the review screen beneath it
CLOSING_KEY_GRACE = 0.25


class ReviewApp(App[None]):
    CSS_PATH = "newsreview.tcss"
    TITLE = "newsreview"
    #: how to review under another name, for the look-alike name warning (a browser tab logs in again)
    SWITCH_NAME = "quit and use --reviewer {name}"
    COMMANDS = App.COMMANDS | {ReviewCommands}
    ENABLE_COMMAND_PALETTE = True
    #: Textual's own (ctrl+q quits, ctrl+c "help quit"), and ctrl+z, which suspends as in any program
    #: of a terminal (QA: it did nothing; ``fg`` resumes); under ``serve`` there is nothing to suspend
    BINDINGS: ClassVar[list[BindingType]] = [
        *(b for b in App.BINDINGS if not (isinstance(b, Binding) and b.key == "ctrl+c")),
        # ctrl+c quits, everywhere, as in any program of a terminal (every decision is saved already):
        # Textual only told how to quit, in markup shown as text (QA: "Press [b]q[/b] to quit the app"),
        # and a text box took it to copy, so it quit from some boxes and not others (QA)
        Binding("ctrl+c", "quit", "quit", show=False, priority=True, system=True),
        # priority: a dialog's text box took it (as undo) and the `fg` typed to resume went into the
        # label picker, which saved it as a new label (QA, SSH)
        Binding("ctrl+z", "suspend_process", "suspend", show=False, priority=True, system=True),  # (no id)
    ]

    def __init__(
        self,
        store: ReviewStore,
        *,
        start_article: str | None = None,
        config: Path | None = None,
        model: str | None = None,
        adjudicate: bool = False,
        anonymous: bool = False,
    ) -> None:
        super().__init__()
        use_legible_greys(self)  # NO_COLOR: red marks were grey on grey
        self.adjudicate = adjudicate  # open on the adjudication screen (review --adjudicate)
        self.anonymous = anonymous
        self.store = store
        self.model = model
        self.start_article = start_article
        self.config_folder = config
        self.keymap, self.keymap_problem = load_keymap(config)
        self.keys = Keys(self.keymap)
        self.settings = load_settings(config)
        self.clock = ActiveClock()
        # the last key the app received, and when it arrived (a dialog it closes notes it)
        self._last_key: tuple[str, float] | None = None
        self.keys_in_order = KeysInOrder(self, self._take)
        spacing_marks_take_a_cell()  # before anything is measured: Devanagari's vowel signs take a cell
        leaks_install()  # Textual's styles caches keep no widget alive (leaks.py)
        escapes.install()  # Escape read before another escape sequence stays Escape (escapes.py)
        self._closed_by: tuple[str, float] | None = None  # the key that last closed a dialog, and when
        # closed widgets' watchers of the app (its theme: text views, text areas) let go now and then
        self.collector = IdleCollector(lambda: self.clock.last, before_full=lambda: prune_all(self))

    def _themes(self) -> dict[str, Any]:
        themes = self.settings.get("themes")
        return themes if isinstance(themes, dict) else {}

    def on_mount(self) -> None:
        # ``-colors16``: a terminal of 8 or 16 colours (TERM=xterm, screen, linux): the theme's tints all
        # fall to black there, claims with them (QA: claims invisible in the article), so the
        # stylesheet gives such terminals colours of their own
        self.set_class(self.console.color_system in ("standard", "windows"), "-colors16")
        # each reviewer's own theme (QA: under serve, every analyst shares the server's settings, and
        # one analyst's choice changed everyone's screen); the one saved before themes were kept per
        # reviewer otherwise
        theme = self._themes().get(self.store.reviewer) or self.settings.get("theme")
        if isinstance(theme, str) and theme in self.available_themes:
            self.theme = theme
        if self.keymap:
            self.set_keymap(self.keys.in_force())  # without keys that cannot work (said below)
        self.push_screen(ReviewScreen(self.store, self.keys, self.clock, self.start_article, self.model))
        if self.adjudicate:
            from .screens.adjudicate import AdjudicateScreen

            self.push_screen(AdjudicateScreen(self.store, self.keys, anonymous=self.anonymous, standalone=True))
        self.call_after_refresh(self.collector.start)  # the collector runs between keys from now on
        self.set_interval(TICK, self.collector.tick, name="idle collector")
        self._watch_terminal()
        self.app_resume_signal.subscribe(self, self._resumed)
        if os.environ.get("NEWSREVIEW_EXIT_WHEN_READY"):  # startup probe for bench/ui_bench.py
            self.call_after_refresh(self.exit)
        alike = self.store.look_alike_warning(self.SWITCH_NAME) if self.store.mode == "review" else None
        if alike:  # a slip of the keyboard splits one analyst into two reviewers
            self.notify(
                alike[:1].upper() + alike[1:], title="a new name?", severity="warning", markup=False, timeout=30
            )
        for problem in config_problems(self.config_folder):
            self.notify(problem, title="settings", severity="warning", markup=False, timeout=20)
        problems = ([self.keymap_problem] if self.keymap_problem else []) + self.keys.problems()
        if problems:
            shown = problems[:KEY_PROBLEMS_SHOWN]  # QA: 3,000 unknown ids made a warning taller than the screen
            if len(problems) > len(shown):
                shown.append(f"… and {len(problems) - len(shown)} more problems in keys.toml")
            self.notify("\n".join(shown), title="keys.toml", severity="warning", markup=False, timeout=20)

    def action_suspend_process(self) -> None:
        """Ctrl-Z, where a shell with job control started the app (its own process group in the
        session): one that could bring it back with ``fg``. Started as a session's command (``ssh host
        newsreview``, a tmux window's command, ``bash -c``), nothing could, and the app stayed stopped
        for good (found in this stop's tmux checks): said, not done."""
        if not is_job():
            self.notify(
                "ctrl+z suspends only where a shell started newsreview as a job (it could not bring it "
                "back here); q quits — every decision is saved",
                title="not suspended",
                severity="warning",
                markup=False,
            )
            return
        super().action_suspend_process()

    def _resumed(self, _app: App[Any]) -> None:
        """Back from Ctrl-Z (``fg``): the whole screen drawn again, as Textual's own ``suspend()`` does —
        after SIGCONT it only took the terminal back (QA, SSH: two lines of the screen came back, the
        rest blank until a key changed them)."""
        self.refresh(layout=True)  # (the screen's, repainted whole)

    # -- where this reviewer left off on this store (the user's settings, not the store: it is theirs) --

    @cached_property
    def _left_off_key(self) -> str:
        location = self.store.location
        if not is_url(location):  # one key per folder however it was named (".", "../x", a link)
            with contextlib.suppress(OSError, RuntimeError):
                location = str(Path(location).resolve())
        return f"{location}\n{self.store.reviewer}"

    def left_off(self) -> str | None:
        """The article this reviewer last had open on this store, if any."""
        places = self.settings.get("left_off")
        value = places.get(self._left_off_key) if isinstance(places, dict) else None
        return value if isinstance(value, str) else None

    def remember_article(self, aid: str) -> None:
        key = self._left_off_key
        if self.left_off() == aid:
            return

        def change(settings: dict[str, Any]) -> dict[str, Any]:
            places = settings.get("left_off")
            places = dict(places) if isinstance(places, dict) else {}
            places.pop(key, None)
            places[key] = aid
            settings["left_off"] = dict(list(places.items())[-LEFT_OFF_KEPT:])  # the most recent stores
            return settings

        self.settings = update_settings(change, self.config_folder)

    def _watch_terminal(self) -> None:
        """Close as a SIGHUP would once the terminal is hung up (see ``terminal``)."""
        fd = None if self.is_headless else terminal_fd()
        if fd is None:
            return

        def look() -> None:
            if not hung_up(fd):
                return
            let_go()  # nothing left to show on: the exit must not fail flushing to it
            if signal.getsignal(signal.SIGHUP) in (signal.SIG_IGN, None):
                self.exit(return_code=129)  # SIGHUP ignored (nohup): close anyway, nothing is left to show on
            else:
                os.kill(os.getpid(), signal.SIGHUP)

        self.set_interval(1.0, look, name="terminal watch")

    def on_unmount(self) -> None:
        self.collector.stop()  # automatic collection again (tests run many apps in one process)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            event = escapes.restored(event, self)  # an Escape the parser would have made "^" (escapes.py)
        if isinstance(event, events.Key | events.MouseDown):
            self.clock.touch()  # the analyst is working: the decision clock runs (see ActiveClock)
        # a key comes back here, unhandled, to run the screen's (non-priority) bindings — those of the
        # screen on top *now*. Two Enters read at once both go to a confirmation; the first closes it,
        # and the second, coming back after, accepted on the review screen beneath. A key meant for
        # a screen that is no longer on top does nothing.
        if (
            isinstance(event, events.Key)
            and event.is_forwarded
            and getattr(event, "_newsreview_screen", self.screen) is not self.screen
        ):
            event.stop()
            return
        if isinstance(event, events.Key) and not event.is_forwarded and (parts := self._escape_then(event)):
            for part in parts:
                if not self.keys_in_order.hold(part):
                    await self._take_key(part)
            return
        if not getattr(event, "is_forwarded", False) and self.keys_in_order.hold(event):
            return  # an earlier key is still on its way: this waits its turn (keyorder.py)
        if not isinstance(event, events.Key) or event.is_forwarded:
            await self._take_other(event)
            return
        await self._take_key(event)

    def _escape_then(self, event: events.Key) -> list[events.Key]:
        """Escape and a letter read together (a burst over SSH, or typed within 0.1 s) reach Textual
        as ``alt``+the letter, which nothing here binds: QA (stop 44) saw "/iran⎋x" keep the filter and
        reject Iran, "⎋q" type q into the box. Such a key is both again, Escape first — unless a
        remapped key in force is that ``alt`` key. [] for any other key."""
        name = event.key
        if not name.startswith("alt+") or event.character is None or len(event.character) != 1:
            return []
        if any(key == name for key in self.screen.active_bindings):
            return []
        escape = events.Key("escape", "\x1b")
        rest = events.Key(name.removeprefix("alt+"), event.character)
        for part in (escape, rest):
            part.time = event.time
            part.set_sender(self)
        return [escape, rest]

    async def _take(self, event: events.Event) -> None:
        """A key, paste or mouse press held back, in its turn (see :class:`KeysInOrder`)."""
        if isinstance(event, events.Key):
            await self._take_key(event)
        else:
            await self._take_other(event)

    async def _take_other(self, event: events.Event) -> None:
        await super().on_event(event)
        if isinstance(event, events.Paste) and event.is_forwarded:  # into the focused box, before what follows
            self.keys_in_order.follow(event, self.focused or self.screen)

    async def _take_key(self, event: events.Key) -> None:
        """A key in its turn: it acts on the screen on top now, as it would have, typed slowly."""
        event._newsreview_screen = self.screen  # type: ignore[attr-defined]  # (read above)
        closed, self._closed_by = self._closed_by, None  # a key in between ends the closing key's grace
        # measured between the keys' arrivals, not their handling: a slow save between them must not
        # make a double press look like two
        if closed is not None and closed[0] == event.key and event.time - closed[1] < CLOSING_KEY_GRACE:
            event.stop()  # the second Enter of a double press that saved a dialog: not an accept too
            self._closed_by = closed  # (a third, as quick, neither: any other key ends the grace)
            return
        self._last_key = (event.key, event.time)
        before = self.screen
        await super().on_event(event)
        if event.is_forwarded:  # passed to the focused widget (no priority binding took it)
            self.keys_in_order.follow(event, self.focused or self.screen)
        elif self.screen is not before:  # a priority binding opened or closed a screen (the palette)
            self.keys_in_order.screen_changed()

    def dialog_closed(self) -> None:
        """A dialog closed: the key that closed it, repeated at once as the very next key, is
        swallowed rather than acting on the screen beneath (see :data:`CLOSING_KEY_GRACE`); any other
        key between them ends that."""
        # a priority binding closes it while the app handles the key; any other (a confirmation's
        # Enter) once the screen handles it, after the app has moved on: either way the key that
        # closed it is the last one the app received (had the repeat arrived already, it went to the
        # dialog, which ignores it once closing)
        self._closed_by = self._last_key

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Textual's palette commands but Maximize/Minimize: a dialog's maximized search box filled
        the screen with hatching (found by QA on the article queue), and no pane needs it."""
        for command in super().get_system_commands(screen):
            if command.title == "Quit":  # (QA: Textual's "as soon as possible" read as losing something)
                yield command._replace(help="every decision is already saved (q, ctrl+q)")
            elif command.title not in ("Maximize", "Minimize"):
                yield command

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every notification, sanitised: messages quote labels, names and file names."""
        super().notify(clean(message), title=clean_line(title, 80), severity=severity, timeout=timeout, markup=False)

    async def run_action(
        self,
        action: str | ActionParseResult,
        default_namespace: DOMNode | None = None,
        namespaces: Mapping[str, DOMNode] | None = None,
    ) -> bool:
        """Every action, with a store that fails (a lost server, a full disk) said on screen: the
        action stops there and the app carries on (what it shows was saved before). An action for a
        screen that has left the app (a palette command arriving after its screen was closed) does
        nothing: that screen's widgets are being removed."""
        if isinstance(default_namespace, Widget) and has_left(default_namespace):
            return False
        # the message said after the previous action goes as the next one begins: a key read in the
        # same burst reached the screen's on_key before the previous key's binding ran, and its
        # message ("rejected: 4 mentions … one u reverts them") outlived the key after it (QA)
        clear = getattr(self.screen, "clear_message", None)
        if callable(clear):
            clear()
        try:
            return await super().run_action(action, default_namespace, namespaces)
        except StoreError as err:
            self.notify(str(err), title="store", severity="error", markup=False, timeout=8)
            return False

    def on_command_palette_closed(self, event: TextualCommandPalette.Closed) -> None:
        self.keys_in_order.palette_closed(event.option_selected)

    def action_command_palette(self) -> None:
        if self.use_command_palette and not isinstance(self.screen, TextualCommandPalette):
            self.push_screen(CommandPalette(id="--command-palette"))

    # The palette's own commands open palettes of their own ("Theme" lists the themes): Textual's, not
    # the guarded one above (QA: page up in the theme list, its size still zero, ended the app).

    def search_commands(
        self, commands: Sequence[CommandListItem], placeholder: str = "Search for commands…"
    ) -> AwaitMount:
        provider = SimpleProvider(self.screen, list(commands))  # an instance, as Textual's own passes it
        return self.push_screen(CommandPalette(providers=[provider], placeholder=placeholder))  # type: ignore[list-item]

    def search_themes(self) -> None:
        self.push_screen(CommandPalette(providers=[ThemeProvider], placeholder="Search for themes…"))

    def watch_theme(self, theme: str) -> None:
        if self._themes().get(self.store.reviewer) != theme and self.is_running:
            who = self.store.reviewer

            def mine(settings: dict[str, Any]) -> dict[str, Any]:
                themes = settings.get("themes")
                return {**settings, "themes": {**(themes if isinstance(themes, dict) else {}), who: theme}}

            self.settings = update_settings(mine, self.config_folder)
