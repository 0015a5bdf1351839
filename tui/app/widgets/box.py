"""The review screen's one-line boxes (filter, find): Enter and Escape act as the box reads them.

QA (stop 44, over SSH): keys typed ahead arrive in one burst. An ``Input`` submits on Enter through a
binding the app runs after the box has passed the key on — by then the keys after Enter were typed
into the box ("/russia⏎a" filtered by "russiaa", and the ``a`` accepted nothing). Here Enter and
Escape call the screen at once, in the box's own turn, so the box is closed before the next key of the
burst is read; a key that reaches the box after it closed is not typed but goes on to the screen's
bindings, as it would have, one key at a time.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import events
from textual.widgets import Input


class BoxInput(Input):
    """An ``Input`` whose Enter calls ``entered(value)`` and Escape ``escaped()`` at once."""

    def __init__(self, entered: Callable[[str], Any], escaped: Callable[[], Any], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._entered, self._escaped = entered, escaped

    @property
    def is_open(self) -> bool:
        return bool(self.display) and not self.disabled

    async def _on_key(self, event: events.Key) -> None:
        if not self.is_open:
            event.prevent_default()  # not typed: it goes on, to the screen's bindings
            return
        if event.key in ("enter", "escape"):
            event.prevent_default()
            event.stop()
            if event.key == "enter":
                self._entered(self.value)
            else:
                self._escaped()
