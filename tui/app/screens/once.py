"""Screens that close once.

Textual's ``Screen.dismiss`` pops whatever screen is on top. Two keys of one burst (a double Enter,
a key repeat, a paste, a browser tab sending both at once) both reach a dialog before it is gone:
the second ``dismiss`` ran the result callback again and popped the screen beneath — the review
screen — leaving a blank app that only ctrl+q left. A screen built on :class:`ClosesOnce` ignores
a dismiss once it is no longer on top, and tells the app that it closed: a dialog closed by Enter
(a priority binding, or a confirmation's plain one) can be gone before the second Enter of a double
press arrives, and that Enter would otherwise accept on the review screen (``ReviewApp.on_event``
swallows it: the last key the app received closed the dialog).

:func:`has_left` tells work that arrives late (a palette command, an action, what a closed palette's
widgets still had on the way) that its screen has gone: it must then do nothing, not look for
widgets that are being removed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.app import App
from textual.await_complete import AwaitComplete
from textual.dom import NoScreen
from textual.screen import Screen

if TYPE_CHECKING:
    from textual.dom import DOMNode

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


def has_left(node: DOMNode) -> bool:
    """True once ``node`` — a screen, or a widget on one — has left the app: its screen was popped
    (its widgets are being removed, or are gone) or is being taken down. What reaches it late then
    does nothing: a palette command run after Escape had closed the palette (QA: the palette's
    second dismiss popped the review screen and undo's ``query_one(ArticleView)`` killed the app).
    The app itself never leaves. (Runs for every action: the app's run_action asks it.)"""
    if isinstance(node, App):
        return False
    if node._closing or node._closed or node._pruning or not node.is_attached:
        return True
    try:
        screen = node if isinstance(node, Screen) else node.screen
    except NoScreen:
        return True
    if screen is not node and (screen._closing or screen._closed or screen._pruning):
        return True
    return screen not in screen.app.screen_stack
