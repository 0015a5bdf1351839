"""Escape read just before another escape sequence stays Escape.

Textual 8.2.8's input parser, reading Escape, a character and a second escape sequence within its
escape delay (0.1 s) — a burst over SSH such as "/ abc Escape j →", which arrives as ``⎋j⎋[C`` —
gives up on ``⎋j`` and reissues it key by key, turning the Escape into ``^`` (``circumflex_accent``):
the filter stayed open with "abc^j" typed in it (QA, stop 45). Where it does that, the parser asks
``_sequence_to_key_events`` for the lone Escape and replaces any ``escape`` key it gets back; here that
lone Escape comes back under :data:`MARK` instead, which the parser passes on untouched and the app
reads as Escape again (:func:`restored`). And Escape read together with a character is alt+that
character, whatever Textual maps it to (below), which the app reads as Escape, then the character.
Every other sequence is read as Textual reads it.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual import events
from textual._xterm_parser import XTermParser
from textual.keys import _character_to_key
from textual.message_pump import MessagePump

#: the name a lone Escape travels under from the parser to the app
MARK = "newsreview_escape"
ESC = "\x1b"

_original = XTermParser._sequence_to_key_events


def _sequence_to_key_events(self: XTermParser, sequence: str, alt: bool = False) -> Iterable[events.Key]:
    if sequence == ESC and not alt:
        yield events.Key(MARK, ESC)
        return
    if len(sequence) == 2 and sequence[0] == ESC and sequence[1].isprintable() and sequence[1] not in "[O":
        # Escape and a character read together: Textual maps some as macOS's Option does (⎋1 → ¡, ⎋5
        # → ∞, ⎋- → –) or as emacs's word moves (⎋f → ctrl+right): QA (stop 45) saw "/ Escape 1 Enter"
        # filter by "¡". Here each is alt+the character, which the app reads as Escape, then it.
        char = sequence[1]
        yield events.Key(f"alt+{_character_to_key(char)}", char)
        return
    yield from _original(self, sequence, alt)


def install() -> None:
    """Once per process, before the app reads input (idempotent)."""
    XTermParser._sequence_to_key_events = _sequence_to_key_events  # type: ignore[method-assign]


def restored(event: events.Key, sender: MessagePump) -> events.Key:
    """The Escape a key the parser passed on under :data:`MARK` stands for (``event`` otherwise)."""
    if event.key != MARK:
        return event
    escape = events.Key("escape", ESC)
    escape.time = event.time
    escape.set_sender(sender)
    return escape
