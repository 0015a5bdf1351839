"""Screens that close once.

Textual's ``Screen.dismiss`` pops whatever screen is on top. Two keys of one burst (a double Enter,
a key repeat, a paste, a browser tab sending both at once) both reach a dialog before it is gone:
the second ``dismiss`` ran the result callback again and popped the screen beneath — the review
screen — leaving a blank app that only ctrl+q left. A screen built on :class:`ClosesOnce` ignores
a dismiss once it is no longer on top, and tells the app that it closed: a dialog closed by Enter
(a priority binding, or a confirmation's plain one) can be gone before the second Enter of a double
press arrives, and that Enter would otherwise accept on the review screen (``ReviewApp.on_event``
swallows it: the last key the app received closed the dialog).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.await_complete import AwaitComplete

if TYPE_CHECKING:
    from textual.screen import Screen

    _Base = Screen[Any]
else:  # a plain mixin at run time: a Screen subclass in the bases would put Screen's default CSS
    _Base = object  # above ModalScreen's (dialogs lost their dimmed backdrop)


class ClosesOnce(_Base):
    """Put first among a screen's bases: ``class Dialog(ClosesOnce, ModalScreen[str])``."""

    def dismiss(self, result: Any = None) -> AwaitComplete:
        if not self.is_attached or self.app.screen is not self:
            done: AwaitComplete = AwaitComplete.nothing()  # type: ignore[no-untyped-call]
            return done  # already dismissed: the screen on top is another's
        closed = getattr(self.app, "dialog_closed", None)
        if callable(closed):
            closed()  # the key that closed it, pressed again at once, must not act beneath
        return super().dismiss(result)
