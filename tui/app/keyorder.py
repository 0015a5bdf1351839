"""Keys (and pastes and clicks) handled one at a time, in the order they arrived, whatever they move the
focus to or open.

Textual hands a key to the focused widget's own message queue and, when that widget passes it on, the
key bubbles up queue by queue to the app, which runs the screen's bindings. Meanwhile the app reads
the next key. Typed one at a time that never shows; in a burst — keys typed ahead over SSH arrive
together, a paste — a later key can act before an earlier one has finished: QA (stop 44) typed
"a x / label:GPE ⏎ a x" over SSH, and the accept and reject ran after the filter had focused its box
(which hides the screen's letter keys: they did nothing) or after the filter had applied (they
decided the wrong candidates).

:class:`KeysInOrder` holds every key, paste and mouse press that arrives while an earlier key is
still on its way: it follows that key up through the queues it bubbles through (a callback posted
behind it in each) and lets the next one go once the key was handled — stopped by a widget, or run by
the app's bindings. A key that opened or closed a screen (a dialog, the palette) is done once that
screen has been drawn: the keys typed ahead after it go to it, as they would have, typed slowly.
Should a queue never get to the callback (a widget removed meanwhile), the next goes on after
:data:`GIVE_UP` seconds anyway: late, never lost.

What a key sets going on its way is followed too (QA, stop 44; fixed in stop 45): once the key is
handled, one more pass up the same queues lets what it posted there be handled first (selection
mode's ``e`` posts a message whose handler opens the label picker; a paste right behind ``L`` reached
the picker before the focus its mounting asked for); Enter in the command palette is done once the
command it chose has run (the palette says it closed, then the app runs the command), or once the
selection it may have started in the palette's list is seen to have chosen nothing — and an Enter
read while the palette's search for the letters before it still runs waits for that search
(``CommandPalette.enter_held`` in app.py). Not followed: messages a key's handling posts to widgets
off its path, and other work in threads or timers — unless that work says so: :meth:`KeysInOrder.pause`
holds every key until :meth:`KeysInOrder.resume` (a claim edit saved while the spaCy model loads
waits for the model; QA, stop 45: the keys typed behind it were refused, "press the key again").
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from textual import events
from textual.command import CommandList, CommandPalette

if TYPE_CHECKING:
    from textual.app import App
    from textual.dom import DOMNode

#: seconds after which the next key goes on even though the one before was not seen to finish
GIVE_UP = 1.0
#: seconds after which keys held by a :meth:`KeysInOrder.pause` go on anyway (a model that never loads)
PAUSE_GIVE_UP = 15.0
#: what waits its turn behind a key on its way: keys, pastes and mouse presses (a move or a scroll
#: carries no decision, and holding them would make the pointer lag)
HELD = (events.Key, events.Paste, events.MouseDown, events.MouseUp)


class KeysInOrder:
    """The app's keys, one on its way at a time (see the module's text)."""

    def __init__(self, app: App[Any], take: Callable[[events.Event], Awaitable[None]]) -> None:
        self.app = app
        self.take = take  # the app's handling of an input event in its turn
        self.held: deque[events.Event] = deque()
        self.busy: object | None = None  # the token of the key on its way (or of a screen being drawn)
        self._give_up: asyncio.TimerHandle | None = None
        self._screen: object | None = None  # the screen on top when the key on its way was taken
        self._palette: object | None = None  # the token of a key that may have chosen a palette command
        self.gave_up = 0  # how many times a key went on because the one before was not seen to finish
        self.paused: asyncio.TimerHandle | None = None  # keys wait for work in a worker (see pause)

    @property
    def idle(self) -> bool:
        return self.busy is None and not self.held and self.paused is None

    def pause(self) -> None:
        """Work the key on its way set going elsewhere (a worker) must finish before the next key
        acts: every key, paste and press waits until :meth:`resume`, or :data:`PAUSE_GIVE_UP`."""
        if self.paused is None:
            self.paused = asyncio.get_running_loop().call_later(PAUSE_GIVE_UP, self._pause_gave_up)

    def _pause_gave_up(self) -> None:
        self.gave_up += 1
        self.paused = None
        self._go_on()

    def resume(self) -> None:
        """The work :meth:`pause` waited for is done: the keys held meanwhile go on, in order."""
        if self.paused is not None:
            self.paused.cancel()
            self.paused = None
            self._go_on()

    def _go_on(self) -> None:
        if self.busy is None and self.held:
            self.app.call_later(self._next)

    def hold(self, event: events.Event) -> bool:
        """Keep ``event`` for later if a key before it is still on its way (or waiting)."""
        if self.idle or not isinstance(event, HELD):
            return False
        self.held.append(event)
        return True

    def follow(self, event: events.Event, target: DOMNode) -> None:
        """``event`` was just posted to ``target``'s queue: hold what comes after it until it is handled."""
        path = [node for node in target.ancestors_with_self if node is not self.app]
        self._screen = self.app.screen
        token = self._wait()
        if isinstance(event, events.Key) and event.key == "enter" and isinstance(self._screen, CommandPalette):
            self._palette = token  # Enter in the palette: done once the command it chose has run
        if path:
            self._behind(token, event, path, 0)
        else:
            self._release(token)

    def _wait(self) -> object:
        token = object()
        self.busy = token
        # a plain loop callback, not a Textual timer (a task of its own for every key)
        self._give_up = asyncio.get_running_loop().call_later(GIVE_UP, self._gave_up, token)
        return token

    def _gave_up(self, token: object) -> None:
        if self.busy is token:
            self.gave_up += 1  # (the tests count these: each is a key a second late)
            self._release(token)

    def _behind(self, token: object, event: events.Event, path: list[DOMNode], at: int) -> None:
        if not path[at].call_later(self._seen, token, event, path, at):
            self._release(token)  # that queue is closing: the key goes no further

    def _seen(self, token: object, event: events.Event, path: list[DOMNode], at: int) -> None:
        """``path[at]`` has handled ``event``: it stopped there, or it is in the next queue up."""
        if self.busy is not token:
            return
        if at + 1 == len(path):  # the screen: the key is in the app's queue, behind what it runs
            if not self.app.call_later(self._sweep, token, path, 0):
                self._release(token)
        elif event._stop_propagation:
            self._sweep(token, path, 0)
        else:
            self._behind(token, event, path, at + 1)

    def _sweep(self, token: object, path: list[DOMNode], at: int, then: Callable[[object], None] | None = None) -> None:
        """The key is handled; what its handling posted on the way up — a message that bubbles to the
        screen, whose handler opens a dialog (selection mode's ``e``) — is handled before the next key:
        one more pass up the same queues, each callback behind what was posted there before it; then
        ``then`` (:meth:`_done` unless said) in the app's queue."""
        if self.busy is not token:
            return
        done = then or self._done
        if at == len(path):
            if not self.app.call_later(done, token):
                done(token)
        elif not path[at].call_later(self._sweep, token, path, at + 1, then):
            self._sweep(token, path, at + 1, then)  # that queue is closing: nothing more comes from it

    def _done(self, token: object) -> None:
        """The key and what it set going on its way are handled — unless it was Enter in the command
        palette: that is done once the command it chose has run (:meth:`palette_closed`), or once it
        is seen to have chosen none."""
        if self.busy is not token:
            return
        if self._palette is not token:
            self._release(token)
        elif not getattr(self.app.screen, "enter_held", False):  # (held: the palette says when)
            self._palette_settle(token)

    def _palette_settle(self, token: object) -> None:
        """Enter in the palette may have started a selection in its list (a message on its way up
        from the list): once that is handled, a palette that has not said it closed chose nothing
        — the key is done (independent review, stop 45: it held the next keys for a second)."""
        screen = self.app.screen
        found = screen.query(CommandList) if isinstance(screen, CommandPalette) else None
        path = [n for n in found.first().ancestors_with_self if n is not self.app] if found else []
        self._sweep(token, path, 0, self._palette_unchosen)

    def _palette_unchosen(self, token: object) -> None:
        if self.busy is token and self._palette is token:
            self._release(token)

    def palette_enter_done(self) -> None:
        """The palette has acted on an Enter it held for its search (see ``CommandPalette.enter_held``)."""
        token = self._palette
        if token is not None and self.busy is token:
            self._palette_settle(token)

    def palette_closed(self, chosen: bool) -> None:
        """The command palette says it closed; a command chosen runs next in the app's queue, and the
        key that chose it is done after that."""
        token, self._palette = self._palette, None
        if token is not None and self.busy is token and not (chosen and self.app.call_later(self._release, token)):
            self._release(token)

    def _release(self, token: object) -> None:
        if self.busy is not token:
            return
        self.busy = None
        self._palette = None
        if self._give_up is not None:
            self._give_up.cancel()
            self._give_up = None
        if self._screen is not None and self._screen is not self.app.screen:
            self.screen_changed()  # the key's binding opened or closed a screen
        elif self.paused is None:
            self._go_on()

    def screen_changed(self) -> None:
        """A key opened or closed a screen: what comes after it waits until that screen is drawn
        (composed and mounted), as it would have, typed slowly."""
        self._screen = None
        if self.busy is None:
            token = self._wait()
            if not self.app.call_after_refresh(self._release, token):
                self._release(token)

    async def _next(self) -> None:
        while self.busy is None and self.held and self.paused is None:  # (a priority binding's key: done at once)
            before = self.app.screen
            await self.take(self.held.popleft())
            if self.busy is None and self.app.screen is not before:
                self.screen_changed()
