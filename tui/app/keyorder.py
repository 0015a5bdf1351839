"""Keys handled one at a time, in the order they arrived, whatever they move the focus to.

Textual hands a key to the focused widget's own message queue and, when that widget passes it on, the
key bubbles up queue by queue to the app, which runs the screen's bindings. Meanwhile the app reads
the next key. Typed one at a time that never shows; in a burst — keys typed ahead over SSH arrive
together, a paste — a later key can act before an earlier one has finished: QA (stop 44) typed
"a x / label:GPE ⏎ a x" over SSH, and the accept and reject ran after the filter had focused its box
(which hides the screen's letter keys: they did nothing) or after the filter had applied (they
decided the wrong candidates).

:class:`KeysInOrder` holds every key that arrives while an earlier one is still on its way: it
follows that key up through the queues it bubbles through (a callback posted behind it in each) and
lets the next one go once the key was handled — stopped by a widget, or run by the app's bindings.
Should a queue never get to the callback (a widget removed meanwhile), the keys go on after
:data:`GIVE_UP` seconds anyway: late, never lost.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual import events
    from textual.app import App
    from textual.dom import DOMNode

#: seconds after which the next key goes on even though the one before was not seen to finish
GIVE_UP = 1.0


class KeysInOrder:
    """The app's keys, one on its way at a time (see the module's text)."""

    def __init__(self, app: App[Any], take: Callable[[events.Key], Awaitable[None]]) -> None:
        self.app = app
        self.take = take  # the app's handling of a key as it arrives
        self.held: deque[events.Key] = deque()
        self.busy: object | None = None  # the token of the key on its way
        self._give_up: asyncio.TimerHandle | None = None

    def hold(self, event: events.Key) -> bool:
        """Keep ``event`` for later if a key before it is still on its way (or waiting)."""
        if self.busy is None and not self.held:
            return False
        self.held.append(event)
        return True

    def follow(self, event: events.Key, target: DOMNode) -> None:
        """``event`` was just posted to ``target``'s queue: hold the keys after it until it is handled."""
        path = [node for node in target.ancestors_with_self if node is not self.app]
        token = object()
        self.busy = token
        # a plain loop callback, not a Textual timer (a task of its own for every key)
        self._give_up = asyncio.get_running_loop().call_later(GIVE_UP, self._release, token)
        self._behind(token, event, path, 0)

    def _behind(self, token: object, event: events.Key, path: list[DOMNode], at: int) -> None:
        if not path[at].call_later(self._seen, token, event, path, at):
            self._release(token)  # that queue is closing: the key goes no further

    def _seen(self, token: object, event: events.Key, path: list[DOMNode], at: int) -> None:
        """``path[at]`` has handled ``event``: it stopped there, or it is in the next queue up."""
        if self.busy is not token:
            return
        if at + 1 == len(path):  # the screen: the key is in the app's queue, behind what it runs
            if not self.app.call_later(self._release, token):
                self._release(token)
        elif event._stop_propagation:
            self._release(token)
        else:
            self._behind(token, event, path, at + 1)

    def _release(self, token: object) -> None:
        if self.busy is not token:
            return
        self.busy = None
        if self._give_up is not None:
            self._give_up.cancel()
            self._give_up = None
        if self.held:
            self.app.call_later(self._next)

    async def _next(self) -> None:
        while self.busy is None and self.held:  # a key a priority binding took is done at once
            await self.take(self.held.popleft())
