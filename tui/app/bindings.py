"""Every key binding of the app, by section, and the keys actually in force once ``keys.toml`` is
applied. Hints on screen (status bar, notifications, legends, dialogs, help) are generated from
:class:`Keys`, so they always name the keys the analyst really has.

A remap follows Textual's keymap rules: a binding listed in the keymap gets exactly the keys given;
another binding of the same screen or widget that had one of those keys loses it. That loss, a key
given to two bindings, an unknown binding id and a key a terminal cannot send apart from another
are each reported as one line by :meth:`Keys.problems`.
"""

from __future__ import annotations

import functools
import string
import unicodedata

from textual.binding import Binding
from textual.keys import Keys as TextualKeys
from textual.keys import _character_to_key

from ..sanitize import clean_line

#: the labels the number keys give when the store has no label set (see :func:`tui.app.state.label_order`)
LABELS = ["PERSON", "ORG", "GPE", "LOC", "NORP", "DATE", "CARDINAL", "MONEY", "PERCENT", "EVENT"]

# The footer shows the bindings with show=True in this order; the first five (accept, reject, undo,
# help, quit) are the ones an analyst needs most and fit in 80 columns (a test checks it). The
# tab key is on the tabs line above the lists instead.
REVIEW: list[Binding] = [
    Binding("a", "decide('accept')", "accept", id="review.accept", tooltip="accept, then the next pending candidate"),
    Binding("x", "decide('reject')", "reject", id="review.reject", tooltip="reject, then the next pending candidate"),
    Binding("u,backspace", "undo", "undo", id="review.undo", tooltip="undo the last decision (several steps)"),
    Binding("question_mark", "help", "help", id="review.help", tooltip="every key"),
    Binding("q", "quit", "quit", id="review.quit", tooltip="quit (every decision is already saved)"),
    Binding("e", "edit", "edit", id="review.edit", tooltip="edit dialog: every field of the current candidate"),
    Binding("v", "cursor_mode", "select", id="review.cursor_mode", tooltip="select text in the article to add"),
    # priority: run as the app takes the key, so that the keys of the same burst (a paste, ssh) go
    # into the box it opens, not to the review screen (where `q` quits and `a` accepts)
    Binding("slash", "filter", "filter", id="review.filter", tooltip="filter the lists", priority=True),
    Binding("space", "skip", "skip", id="review.skip", tooltip="skip to the next candidate still to decide"),
    Binding("tab", "switch_kind", "kind", show=False, id="review.switch", tooltip="switch Entities / Claims"),
    Binding("l", "queue", "articles", id="review.queue", tooltip="the article queue"),
    Binding("ctrl+f", "find", "find", id="review.find", tooltip="find text in the article", priority=True),
    Binding("U", "redo", "redo", show=False, id="review.redo", tooltip="redo what undo reverted"),
    Binding("j,down", "move(1)", "next", show=False, id="review.next", tooltip="next candidate"),
    Binding("k,up", "move(-1)", "previous", show=False, id="review.previous", tooltip="previous candidate"),
    Binding("g,home", "jump('first')", "first", show=False, id="review.first", tooltip="first candidate"),
    Binding("G,end", "jump('last')", "last", show=False, id="review.last", tooltip="last candidate"),
    Binding("n", "article(1)", "next article", show=False, id="review.next_article", tooltip="next article"),
    Binding("p", "article(-1)", "prev article", show=False, id="review.prev_article", tooltip="previous article"),
    Binding(
        "N",
        "next_pending_article",
        "next pending article",
        show=False,
        id="review.next_pending",
        tooltip="next article with pending candidates",
    ),
    *[
        Binding(
            str((i + 1) % 10),
            f"relabel({i})",
            f"label {(i + 1) % 10}",
            show=False,
            id=f"review.label_{i + 1}",
            tooltip=f"relabel the current entity (or group) with label {(i + 1) % 10} of the legend "
            f"(the store's label set first; default {LABELS[i]})",
        )
        for i in range(10)
    ],
    Binding(
        "left_square_bracket",
        "boundary('start', -1)",
        "start ←",
        show=False,
        id="review.start_left",
        tooltip="move the start of the span left",
    ),
    Binding(
        "right_square_bracket",
        "boundary('start', 1)",
        "start →",
        show=False,
        id="review.start_right",
        tooltip="move the start of the span right",
    ),
    Binding("comma", "boundary('end', -1)", "end ←", show=False, id="review.end_left", tooltip="move the end left"),
    Binding(
        "full_stop", "boundary('end', 1)", "end →", show=False, id="review.end_right", tooltip="move the end right"
    ),
    Binding(
        "m",
        "char_mode",
        "char mode",
        show=False,
        id="review.char_mode",
        tooltip="by characters instead of tokens, until this edit or selection ends",
    ),
    Binding(
        "enter",
        "confirm_boundary",
        "save edit",
        show=False,
        id="review.confirm",
        tooltip="save the boundary edit (no edit: accept)",
    ),
    Binding("escape", "escape", "cancel", show=False, id="review.cancel", tooltip="cancel the edit, clear the filter"),
    Binding(
        "A",
        "bulk_accept",
        "accept all like this",
        show=False,
        id="review.bulk_accept",
        tooltip="accept every pending entity with this label (claims: at least this check-worthy)",
    ),
    Binding(
        "asterisk",
        "mentions",
        "other mentions",
        show=False,
        id="review.mentions",
        tooltip="next mention of the current text (in the list, else in the article)",
    ),
    Binding("f3,ctrl+n", "find_next", "find next", show=False, id="review.find_next", tooltip="next match of the find"),
    Binding(
        "o",
        "toggle_order",
        "claim order",
        show=False,
        id="review.order",
        tooltip="claims: check-worthiness / article order",
    ),
    Binding(
        "plus", "add_articles", "add articles", show=False, id="review.add_articles", tooltip="add a file or folder"
    ),
    Binding("E", "export", "export", show=False, id="review.export", tooltip="export to STORE/export.json"),
]

# entity groups, suggestions, every label, the label set (issue #13)
REVIEW += [
    Binding(
        "right",
        "expand",
        "open group",
        show=False,
        id="review.expand",
        tooltip="open the current entity group: its mentions listed under it, to decide one by one",
    ),
    Binding("left", "collapse", "close group", show=False, id="review.collapse", tooltip="close the group again"),
    Binding(
        "R",
        "apply_rest",
        "same for the rest",
        show=False,
        id="review.apply_rest",
        tooltip="the same decision as this mention's for the rest of its group still pending (one undo step)",
    ),
    Binding(
        "L",
        "relabel_picker",
        "relabel…",
        show=False,
        id="review.relabel_picker",
        tooltip="relabel the current entity (or group) with any label: type to find it",
    ),
    Binding(
        "C",
        "confirm_suggestions",
        "confirm suggestions",
        show=False,
        id="review.confirm_suggestions",
        tooltip="every pending suggestion of the article becomes your decision (one undo step)",
    ),
    Binding(
        "S",
        "label_set",
        "label set",
        show=False,
        id="review.label_set",
        tooltip="the store's label set (entities with other labels are hidden) and its suggestions",
    ),
]

ARTICLE: list[Binding] = [
    Binding("left,h", "cursor(-1, 0)", "left", show=False, id="article.left"),
    Binding("right,l", "cursor(1, 0)", "right", show=False, id="article.right"),
    Binding("up,k", "cursor(0, -1)", "up", show=False, id="article.up"),
    Binding("down,j", "cursor(0, 1)", "down", show=False, id="article.down"),
    Binding("shift+left,H", "select(-1)", "sel ←", id="article.select_left", tooltip="selection: one token left"),
    Binding("shift+right,L", "select(1)", "sel →", id="article.select_right", tooltip="selection: one token right"),
    Binding(
        "right_parenthesis",
        "grow(1)",
        "sel to )",
        show=False,
        id="article.grow_end",
        tooltip="selection: on to the closing quote, the sentence's end or the line's",
    ),
    Binding(
        "left_parenthesis",
        "grow(-1)",
        "sel from (",
        show=False,
        id="article.grow_start",
        tooltip="selection: back to the opening quote (taken in), the sentence's start or the line's",
    ),
    Binding("w", "word(1)", "next word", show=False, id="article.word_next"),
    Binding("b", "word(-1)", "prev word", show=False, id="article.word_prev"),
    Binding("e,t", "create('entity')", "new entity", id="article.new_entity"),
    Binding(
        "c",
        "create('claim')",
        "new claim",
        id="article.new_claim",
        tooltip="new claim with this content; then the speaker and the cue are asked for, by selection",
    ),
    Binding("s", "assign('speaker')", "as speaker", id="article.as_speaker", tooltip="the claim's speaker: this"),
    Binding("r", "assign('cue')", "as cue", id="article.as_cue", tooltip="the claim's cue (reporting verb): this"),
    Binding("C", "assign('content')", "as content", id="article.as_content", tooltip="the claim's content: this"),
    # shown in the footer only at a new claim's speaker and cue steps (ReviewScreen.footer_allows)
    Binding("enter", "step", "none", id="article.step", tooltip="new claim: no speaker / no cue"),
    Binding("escape,v", "leave", "back", id="article.leave", tooltip="back to the lists"),
]

CONFIRM: list[Binding] = [
    Binding("y,enter", "answer(True)", "yes", id="confirm.yes"),
    Binding("n,escape", "answer(False)", "no", id="confirm.no"),
]

LABEL_PICKER: list[Binding] = [
    *[
        Binding(
            str((i + 1) % 10),
            f"pick({i})",
            f"label {(i + 1) % 10}",
            show=False,
            priority=True,
            id=f"labels.pick_{i + 1}",
            tooltip=f"the label numbered {(i + 1) % 10} in the list",
        )
        for i in range(10)
    ],
    Binding("down", "move(1)", "down", show=False, priority=True, id="labels.down"),
    Binding("up", "move(-1)", "up", show=False, priority=True, id="labels.up"),
    Binding("enter", "choose", "choose", priority=True, id="labels.choose", tooltip="the highlighted label"),
    Binding("escape", "pick(-1)", "cancel", id="labels.cancel"),
]

LABEL_SET: list[Binding] = [
    Binding("a", "all", "all", id="labelset.all", tooltip="every label (none hidden)"),
    Binding("n", "none", "none", id="labelset.none", tooltip="no label (only claims are reviewed)"),
    Binding("s", "suggestions", "suggestions", id="labelset.suggestions", tooltip="suggestions on / off"),
    Binding("enter,ctrl+s", "save", "save", priority=True, id="labelset.save"),
    Binding("escape", "cancel", "cancel", id="labelset.cancel"),
    Binding("pageup", "page(-1)", "page up", show=False, priority=True, id="labelset.page_up"),
    Binding("pagedown", "page(1)", "page down", show=False, priority=True, id="labelset.page_down"),
]

EDIT: list[Binding] = [
    Binding("escape", "cancel", "cancel", id="edit.cancel"),
    Binding("ctrl+s", "save", "save", id="edit.save"),
    Binding(
        "ctrl+t",
        "select_text",
        "select in article",
        id="edit.select_text",
        tooltip="claims: leave the editor and select the content, speaker or cue in the article (then s, r or C)",
    ),
    Binding(
        "pageup", "page(-1)", "page up", show=False, priority=True, id="edit.page_up", tooltip="open list: page up"
    ),
    Binding(
        "pagedown",
        "page(1)",
        "page down",
        show=False,
        priority=True,
        id="edit.page_down",
        tooltip="open list: page down",
    ),
]

QUEUE: list[Binding] = [
    Binding("escape", "close", "close", id="queue.close"),
    # priority: the search box's own Enter hid it from the footer (QA); the action searches first
    Binding("enter", "submit", "open", priority=True, id="queue.open"),
    Binding("down", "move(1)", "down", show=False, id="queue.down"),
    Binding("up", "move(-1)", "up", show=False, id="queue.up"),
    Binding("pagedown", "page(1)", "page down", show=False, id="queue.page_down"),
    Binding("pageup", "page(-1)", "page up", show=False, id="queue.page_up"),
]

HELP: list[Binding] = [Binding("escape,q,question_mark", "close", "close", id="help.close")]

ADD: list[Binding] = [
    Binding("enter", "submit", "add", priority=True, id="add.submit", tooltip="add the file or folder typed"),
    Binding("escape", "cancel", "cancel", id="add.cancel"),
]

#: (title, bindings) of every scope, in the order the help screen lists them
SECTIONS: list[tuple[str, list[Binding]]] = [
    ("Review", REVIEW),
    ("Selecting text (after v)", ARTICLE),
    ("Confirm dialog", CONFIRM),
    ("Label picker (type to find a label)", LABEL_PICKER),
    ("Label set dialog (space toggles a label)", LABEL_SET),
    ("Edit dialog", EDIT),
    ("Article queue", QUEUE),
    ("Help", HELP),
    ("Add articles", ADD),
]

#: keys a terminal sends as another key (so a binding to them never fires)
TERMINAL_ALIASES = {"ctrl+m": "enter", "ctrl+i": "tab", "ctrl+h": "backspace", "ctrl+left_square_bracket": "escape"}

#: the app's own keys, taken before any screen's (a test checks them against ReviewApp's bindings)
APP_KEYS = {"ctrl+q": "quit", "ctrl+c": "quit", "ctrl+p": "the command palette", "ctrl+z": "suspend"}

#: dialogs whose keys arrive while a text box has the focus (by binding id prefix): a printable key
#: given to one of their bindings is typed into the box, or, on a priority binding, can no longer be
#: typed (QA: "queue.open" = "o" typed "o" into the search; "labels.choose" = "o" chose a label at once)
TYPED_IN = {
    "labels": "the label picker's search",
    "edit": "the edit dialog's fields",
    "queue": "the article list's search",
    "add": "the path box",
    "assign": "the team box",
}

#: the review screen's actions that still work while the article pane has the keys (selecting text,
#: ``v``; Tab switches the lists with the selection kept, so that s, r and C go to the claim it makes
#: current); a selection key given one of their keys takes it there
# (undo and redo leave the selection first: QA, `u` after `s` in the mode did nothing, said nothing)
CURSOR_MODE_ACTIONS = {"char_mode", "find", "find_next", "help", "quit", "export", "switch_kind", "undo", "redo"}

_PRINTABLE_KEYS = frozenset(_character_to_key(c) for c in string.printable if c.isprintable())


@functools.cache
def _input_keys() -> frozenset[str]:
    """The keys a text box (Textual's Input) takes for itself while it has the focus."""
    from textual.widgets import Input

    return frozenset(k.strip() for b in Input.BINDINGS if isinstance(b, Binding) for k in b.key.split(","))


def typed(key: str) -> bool:
    """Whether ``key`` (as :func:`key_name` gives it) types a character into a text box."""
    if "+" in key and key != "plus":
        return False
    if key in _PRINTABLE_KEYS or len(key) == 1:
        return True
    try:
        return unicodedata.lookup(key.replace("_", " ")).isprintable()
    except KeyError:
        return False


MODIFIERS = ("ctrl", "shift", "alt", "meta", "super", "hyper")
#: the names of keys a terminal sends, as Textual names them (f1, pageup, question_mark ...)
KEY_NAMES = frozenset(
    {k.value.rsplit("+", 1)[-1] for k in TextualKeys if not k.value.startswith("<")}
    | {_character_to_key(c) for c in string.printable if c.isprintable()}
)


def key_name(key: str) -> str | None:
    """``key`` as Textual names it ("?" → question_mark, "ctrl+s" stays), or None if it names no key
    ("spcae", "[bold]", "ctrl+"): a keys.toml typo is said, not silently bound to nothing."""
    written = key.strip()
    if written == "+" or written.endswith("++"):  # the plus key itself: "+", "ctrl++"
        mods, base = [m for m in written[:-2].split("+") if written != "+"], "+"
    else:
        *mods, base = written.split("+")
    if not base or any(m not in MODIFIERS for m in mods) or len(set(mods)) != len(mods):
        return None
    if len(base) == 1:
        if not base.isprintable() or base.isspace():
            return None
        if mods == ["shift"] and base.isalpha() and len(base.upper()) == 1:  # a terminal sends shift+y
            return base.upper()  # as "Y" (QA: "shift+y" was taken, shown, and never fired; so "shift+Y")
        if "ctrl" in mods and base.isalpha() and len(base.lower()) == 1:  # ctrl+P is the ctrl+p a terminal sends
            base = base.lower()  # (QA: "ctrl+P" slipped past the refusal of the palette's key, dead)
        base = _character_to_key(base)  # what Textual does to a binding's own one-character keys
    elif base not in KEY_NAMES:
        try:  # a letter by its name (latin_small_letter_e_with_acute), as Textual names it; never an
            char = unicodedata.lookup(base.replace("_", " "))  # alias such as "esc" or "del"
        except KeyError:
            return None
        if not char.isprintable() or _character_to_key(char) != base:
            return None
    return "+".join([*mods, base])


_NAMES = {
    "left_square_bracket": "[",
    "right_square_bracket": "]",
    "full_stop": ".",
    "left_parenthesis": "(",
    "right_parenthesis": ")",
    "comma": ",",
    "question_mark": "?",
    "slash": "/",
    "plus": "+",
    "minus": "-",
    "asterisk": "*",
    "left": "←",
    "right": "→",
    "up": "↑",
    "down": "↓",
    "escape": "esc",
}


def key_display(key: str) -> str:
    """How a key is written in hints: ``[`` for left_square_bracket, ``shift+←`` for shift+left."""
    *mods, name = key.strip().split("+")
    shown = _NAMES.get(name, name)
    return clean_line("+".join([*mods, shown]), 24)


def mode_hint(keys: Keys, mode: str, *, char_mode: bool) -> tuple[str, str]:
    """The status line's (mode name, its keys) for ``mode`` ("filter", "find", "preview" — a
    boundary edit —, "select" — cursor mode — or "" for none)."""
    k = keys
    unit = "characters" if char_mode else "tokens"
    other = "tokens" if char_mode else "chars"
    if mode == "filter":
        return "FILTER", "enter applies  esc clears"
    if mode == "find":
        # enter closes the box at the match (QA: "enter: next match" — a second enter, meant for
        # the next match, then acted on the screen: it saved a new claim without its cue)
        return "FIND", f"enter: go to it (then {k.show('review.find_next')}: next)  esc closes"
    if mode == "preview":
        return (
            f"BOUNDARIES ({unit})",
            f"{k.show('review.start_left')} {k.show('review.start_right')} start  "
            f"{k.show('review.end_left')} {k.show('review.end_right')} end  "
            f"{k.show('review.char_mode')} {other}  "
            f"{k.show('review.confirm')} save  {k.show('review.cancel')} cancel",
        )
    if mode == "select":
        # each binding by its shortest key, the moves too (QA: cut at 160 columns, and h/l/w/b never in it)
        s = k.shortest
        return (
            f"SELECT ({unit})",
            # what makes something first: at 80 columns these come before the counts and are cut at the
            # end, and the footer there has the selection keys (esc, the way back, too; arrows move)
            f"{s('article.new_entity')} entity  {s('article.new_claim')} claim  "
            f"{s('article.as_speaker')}/{s('article.as_cue')}/{s('article.as_content')} speaker/cue/content  "
            f"{s('article.select_left')}/{s('article.select_right')} select  "
            f"{s('article.grow_start')}/{s('article.grow_end')} sentence  "
            f"{s('article.word_prev')}/{s('article.word_next')} move  {s('review.char_mode')} {other}",
        )
    if char_mode:
        return "CHARACTERS", "the next boundary edit moves by characters"
    return "", ""


def help_notes(keys: Keys) -> str:
    """The help screen's notes under the key tables, naming the keys in force."""
    k = keys
    return (
        f"Boundaries: {k.show('review.start_left')} and {k.show('review.start_right')} move the start, "
        f"{k.show('review.end_left')} and {k.show('review.end_right')} the end by a token "
        f"({k.show('review.char_mode')}: by a character, until the edit ends); "
        f"{k.show('review.confirm')} saves, {k.show('review.cancel')} cancels.\n"
        "Filter: status:pending label:PERSON kind:claim type:direct, values joined by commas mean any of "
        "them (status:disputed: the reviewers' versions differ, unsettled); other words match the "
        "beginnings of words in the text, label or speaker.\n"
        f"Find ({k.show('review.find')}): text in the article; {k.show('review.find_next')} goes to the next "
        f"match. {k.show('review.mentions')}: the next mention of the current text.\n"
        f"Groups: the mentions of one entity are one row; {k.show('review.accept')}, {k.show('review.reject')} "
        f"and the number keys decide all its pending mentions at once (one undo step); "
        f"{k.show('review.expand')} lists them to decide one by one, {k.show('review.apply_rest')} applies a "
        f"mention's decision to the rest. →✓ →✗ →✎ →+ mark what the desk's memory suggests; "
        f"{k.show('review.confirm_suggestions')} confirms them all.\n"
        "Marks in the lists: · pending, ✓ accepted, ✎ edited, + added, ✗ rejected; ▸ ▾ a group closed or "
        "open, its mentions counted by status (12✓ 3·); +N: N others decided it as well, ⚠N: their versions "
        "differ (on a group, N of its mentions); proposed: the desk's memory proposes it; — a claim with no "
        "speaker. In the article: a pending entity is underlined, a decided one bold on its label's colour "
        "(italic: edited or added; underlined too: disputed), a rejected one struck through; a claim's "
        "text on a tinted background (italic without colours), its speaker bold and underlined, its cue "
        "bold italic; the current candidate in reverse.\n"
        "ctrl+p: command palette (every action, export, themes). Remap keys in keys.toml in the config "
        'folder by the ids above, e.g. "review.accept" = "y".'
    )


class Keys:
    """The keys in force for every binding id, after ``keymap`` (binding id -> "key,key")."""

    def __init__(self, keymap: dict[str, str] | None = None, sections: list[tuple[str, list[Binding]]] = SECTIONS):
        self.keymap = {k: v for k, v in (keymap or {}).items()}
        self.sections = sections
        self.by_id: dict[str, list[str]] = {}
        self._problems: list[str] = []
        known: set[str] = set()
        for _title, bindings in sections:
            self._scope(bindings)
            known |= {b.id for b in bindings if b.id}
        help_key = self.show("review.help", first=True)
        where = (
            f"the help screen ({help_key}) lists every id"
            if self.keys("review.help")
            else "the help screen lists every id"
        )
        for bid in self.keymap:
            if bid not in known:
                self._problems.append(f"keys.toml: unknown binding id '{clean_line(bid, 64)}' ({where})")
        self._selection_clashes()

    def _scope(self, bindings: list[Binding]) -> None:
        remapped: dict[str, list[str]] = {}
        unsendable: list[tuple[str, str]] = []  # (binding id, a key no terminal sends): said once keys are known
        unnamed: list[tuple[str, str]] = []  # (binding id, what names no key)
        refused: list[tuple[str, str, str]] = []  # (binding id, key, why it cannot have it)
        for b in bindings:
            if b.id and b.id in self.keymap:
                named = [(k, key_name(k)) for k in (k.strip() for k in self.keymap[b.id].split(",")) if k]
                if not named:  # QA: "" was ignored without a word
                    unnamed.append((b.id, self.keymap[b.id]))
                asked = list(dict.fromkeys(name for _, name in named if name is not None))  # "y,y" is y
                unnamed += [(b.id, k) for k, name in named if name is None]
                unsendable += [(b.id, key) for key in asked if key in TERMINAL_ALIASES]
                keys = []
                for key in asked:
                    why = self._cannot_have(b, key)
                    if why:
                        refused.append((b.id, key, why))
                    elif key not in TERMINAL_ALIASES:  # left out: they would never fire
                        keys.append(key)
                if keys:
                    remapped[b.id] = keys
        taken: dict[str, str] = {}
        clashes: list[tuple[str, str, str]] = []  # (key, the binding that keeps it, the one that loses it)
        for bid, keys in remapped.items():
            for key in keys:
                if key in taken:
                    clashes.append((key, taken[key], bid))
                taken.setdefault(key, bid)
        for _key, _winner, loser in clashes:  # the first in the screen's order fires: the other loses it
            if loser in remapped:
                remapped[loser] = [k for k in remapped[loser] if taken[k] == loser]
                if not remapped[loser]:
                    del remapped[loser]  # keeps what is left of its own keys
        for b in bindings:
            if not b.id:
                continue
            if b.id in remapped:
                self.by_id[b.id] = remapped[b.id]
                continue
            defaults = [k.strip() for k in b.key.split(",")]
            kept = [k for k in defaults if k not in taken]
            for key in defaults:
                if key in taken:
                    now = ", ".join(key_display(k) for k in kept) if kept else "no key"
                    self._problems.append(
                        f"keys.toml: '{key_display(key)}' for {taken[key]} was the key of {b.id} "
                        f"({b.description}), which now has {now}"
                    )
            self.by_id[b.id] = kept
        for bid, key in unsendable:
            self._problems.append(
                f"keys.toml: {bid} = '{key}' cannot work: a terminal sends {key} as "
                f"{TERMINAL_ALIASES[key]} (left out; {self._left_with(bid)})"
            )
        for bid, key in unnamed:
            self._problems.append(
                f"keys.toml: {bid} = '{clean_line(key, 24)}' names no key (left out; {self._left_with(bid)}); "
                "keys are written like y, Y, ?, f1, space, enter, pageup, ctrl+s, shift+tab"
            )
        for key, winner, loser in clashes:
            self._problems.append(
                f"keys.toml: '{key_display(key)}' is given to both {winner} and {loser}: {winner} keeps it "
                f"({self._left_with(loser)})"
            )
        for bid, key, why in refused:
            self._problems.append(f"keys.toml: {bid} = '{key_display(key)}': {why} (left out; {self._left_with(bid)})")

    @staticmethod
    def _cannot_have(binding: Binding, key: str) -> str | None:
        """Why ``binding`` cannot work with ``key``, or None."""
        if key in APP_KEYS:  # QA: "review.reject" = "ctrl+q" quit the app
            return f"{key_display(key)} is the app's own key ({APP_KEYS[key]})"
        where = TYPED_IN.get(str(binding.id).split(".")[0])
        if where and typed(key) and not (str(binding.id).startswith("labels.pick_") and key.isdigit()):
            return f"a key that types a character would go to {where}; use a key like ctrl+o or f2"
        defaults = {k.strip() for k in binding.key.split(",")}
        if where and key in _input_keys() and key not in defaults:  # QA: "edit.save" = "ctrl+a" moved the cursor
            return f"{key_display(key)} edits the text in {where}; use a key like ctrl+o or f2"
        return None

    def _selection_clashes(self) -> None:
        """A selection key (after ``v``) given a key of a review-screen action that still works there
        (QA: "article.new_entity" = "m", and character mode could not be reached while selecting)."""
        review = [str(b.id) for b in REVIEW if b.id and b.action.split("(")[0] in CURSOR_MODE_ACTIONS]
        for b in ARTICLE:
            for rid in review:
                if str(b.id) not in self.keymap and rid not in self.keymap:
                    continue  # the defaults do not clash
                for key in set(self.keys(str(b.id))) & set(self.keys(rid)):
                    self._problems.append(
                        f"keys.toml: '{key_display(key)}' is both {b.id} and {rid}: while selecting text "
                        f"({self.show('review.cursor_mode', first=True)}) it does {b.description}, and {rid} "
                        "has no key there"
                    )

    def _left_with(self, bid: str) -> str:
        """What a binding has in the end, once a key asked for it is left out (its defaults may be
        taken too): "review.undo has u, backspace"."""
        return f"{bid} has " + (", ".join(key_display(k) for k in self.by_id.get(bid, [])) or "no key")

    def problems(self) -> list[str]:
        return list(self._problems)

    def in_force(self) -> dict[str, str]:
        """The keymap to give Textual: each remapped binding's keys that can work (binding id -> "k,k");
        one whose keys all cannot keeps its defaults."""
        return {bid: ",".join(keys) for bid, keys in self.by_id.items() if bid in self.keymap and keys}

    def keys(self, binding_id: str) -> list[str]:
        return self.by_id.get(binding_id, [])

    def shortest(self, binding_id: str) -> str:
        """The binding's key that is shortest as written in hints ("H" of shift+←, H), for a mode's line."""
        keys = self.keys(binding_id)
        return min((key_display(k) for k in keys), key=len) if keys else "(unbound)"

    def show(self, binding_id: str, *, first: bool = False, sep: str = "/") -> str:
        """The key(s) of a binding as written in hints ("u/backspace"); "(unbound)" if none."""
        keys = self.keys(binding_id)
        if not keys:
            return "(unbound)"
        return key_display(keys[0]) if first else sep.join(key_display(k) for k in keys)


# -- the desk: adjudication and assignment (appended to the review screen's keys and the sections) --

REVIEW.extend(
    [
        Binding(
            "J",
            "adjudicate",
            "adjudicate",
            show=False,
            id="review.adjudicate",
            tooltip="adjudicate: walk the store's disputed items, each reviewer's version side by side",
        ),
        Binding(
            "T",
            "assign_team",
            "assign",
            show=False,
            id="review.assign",
            tooltip="assign articles to a team (names, overlap, lease)",
        ),
    ]
)

ADJUDICATE: list[Binding] = [
    *[
        Binding(
            str(i + 1),
            f"choose({i})",
            f"version {i + 1}",
            show=False,
            id=f"adjudicate.version_{i + 1}",
            tooltip=f"settle the item with version {i + 1}",
        )
        for i in range(9)
    ],
    Binding("a", "decide('accept')", "accept", id="adjudicate.accept", tooltip="settle: accept the machine's version"),
    Binding("x", "decide('reject')", "reject", id="adjudicate.reject", tooltip="settle: reject the item"),
    Binding("e", "edit", "edit", id="adjudicate.edit", tooltip="settle with your own edit (edit dialog)"),
    Binding(
        "R",
        "same_for_group",
        "same for the rest",
        show=False,
        id="adjudicate.same_for_group",
        tooltip="the ruling just made, for the rest of that entity's mentions still to settle",
    ),
    Binding("u,backspace", "undo", "undo", id="adjudicate.undo", tooltip="undo your last adjudication"),
    Binding("U", "redo", "redo", show=False, id="adjudicate.redo", tooltip="redo the adjudication undo reverted"),
    Binding("j,down,space", "move(1)", "next", id="adjudicate.next", tooltip="next disputed item"),
    Binding("k,up", "move(-1)", "previous", show=False, id="adjudicate.previous", tooltip="previous item"),
    Binding("question_mark", "help", "help", id="adjudicate.help", tooltip="every key"),
    Binding(
        "escape",
        "close",
        "back",
        id="adjudicate.close",
        tooltip="back to the review screen (opened by review --adjudicate: quits)",
    ),
    Binding("q", "quit", "quit", id="adjudicate.quit", tooltip="quit (every decision is already saved)"),
]

ASSIGN: list[Binding] = [
    Binding("enter", "submit", "assign", priority=True, id="assign.submit", tooltip="assign (recorded at once)"),
    Binding("escape", "close", "close", id="assign.close"),
]

SECTIONS.extend([("Adjudication", ADJUDICATE), ("Assign dialog", ASSIGN)])
