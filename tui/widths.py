"""How many terminal cells a character takes, where Rich and the terminals disagree.

No Textual here: the command line's Rich tables measure text too.
"""

from __future__ import annotations

import unicodedata

_MARKS_AMENDED = False  # the table was amended (or found as it should be)


def spacing_marks_take_a_cell() -> None:
    """Count a spacing combining mark (Unicode category Mc: the vowel signs of Devanagari and the other
    Indic scripts — कि is क + ि —, Thai, Myanmar, Khmer…) as one cell, as terminals draw it.

    QA (stop 44): Rich's width table gives them none, while tmux, xterm and VTE (the C library's
    ``wcwidth``) and xterm.js give each a cell, so every line with Devanagari drew wider than Textual
    laid it out: the panes' border moved right, rows lost their ends, at 80 columns article text was
    never shown, and the next article kept stray cells until a full redraw. The table Rich loaded is
    amended in place (its caches cleared), once per process."""
    global _MARKS_AMENDED
    if _MARKS_AMENDED:
        return
    from rich import cells
    from rich._unicode_data import load

    widths = load("auto").widths
    amended: list[tuple[int, int, int]] = []
    for start, end, width in widths:
        if width != 0:
            amended.append((start, end, width))
            continue
        run = start
        for code in range(start, end + 1):
            if unicodedata.category(chr(code)) == "Mc":
                if run < code:
                    amended.append((run, code - 1, 0))
                # (four are in East Asian wide blocks: two cells there, as wcwidth has them)
                amended.append((code, code, 2 if unicodedata.east_asian_width(chr(code)) in "WF" else 1))
                run = code + 1
        if run <= end:
            amended.append((run, end, 0))
    if isinstance(widths, list) and len(amended) != len(widths):
        widths[:] = amended
        cells.get_character_cell_size.cache_clear()
        cells.cached_cell_len.cache_clear()
    _MARKS_AMENDED = True
