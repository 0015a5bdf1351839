"""Cell widths as terminals draw them (QA, stop 44: Devanagari's vowel signs drew wider than Textual
laid them out — the panes' border moved, rows lost their ends, text went missing at 80 columns)."""

from __future__ import annotations

import ctypes
import ctypes.util
import locale
import unicodedata

import pytest
from rich.cells import cell_len

from tui.widths import spacing_marks_take_a_cell

SAMPLES = [
    "प्रधानमंत्री नरेंद्र मोदी ने नई दिल्ली में कहा कि",  # Devanagari: vowel signs (Mc), virama (Mn)
    "தமிழ்நாடு முதலமைச்சர்",  # Tamil
    "ਪੰਜਾਬ ਸਰਕਾਰ",  # Gurmukhi
    "নরেন্দ্র মোদী",  # Bengali
    "မြန်မာ",  # Myanmar
    "กรุงเทพฯ ประเทศไทย",  # Thai: its marks are non-spacing (Mn)
    "Zoë Saldaña, 東京, café",
]


def _wcwidth():
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    libc = ctypes.CDLL(name)
    libc.wcwidth.restype = ctypes.c_int
    try:
        locale.setlocale(locale.LC_CTYPE, "C.UTF-8")
    except locale.Error:
        return None
    return lambda text: sum(max(0, libc.wcwidth(ctypes.c_wchar(ch))) for ch in text)


def test_spacing_marks_take_a_cell_as_the_c_library_and_tmux_count_them():
    wcwidth = _wcwidth()
    if wcwidth is None:
        pytest.skip("no C library wcwidth with a UTF-8 locale here")
    spacing_marks_take_a_cell()
    for text in SAMPLES:
        assert cell_len(text) == wcwidth(text), text
    assert cell_len("कि") == 2 and cell_len("\u093f") == 1  # क + ि: two cells
    assert cell_len("\u094d") == 0 and cell_len("\u0301") == 0  # non-spacing marks take none
    import sys

    for code in range(sys.maxunicode + 1):  # every spacing mark, as the C library counts it
        if unicodedata.category(chr(code)) == "Mc":
            assert cell_len(chr(code)) == wcwidth(chr(code)), hex(code)


def test_every_spacing_mark_takes_a_cell_and_nothing_else_changes():
    import bisect
    import runpy
    import sys
    from pathlib import Path

    import rich._unicode_data as data
    from rich._unicode_data import load
    from rich.cells import get_character_cell_size

    version = load("auto").unicode_version
    # the table as Rich ships it, read afresh from its file (the loaded one is amended in place)
    shipped = runpy.run_path(str(Path(data.__file__).parent / f"unicode{version.replace('.', '-')}.py"))
    pristine = shipped["cell_table"].widths
    starts = [start for start, _, _ in pristine]

    def width_shipped(code: int) -> int:
        if (code and code < 32) or 0x07F <= code < 0x0A0:
            return 0
        at = bisect.bisect_right(starts, code) - 1
        if at >= 0 and pristine[at][0] <= code <= pristine[at][1]:
            return pristine[at][2]
        return 1

    spacing_marks_take_a_cell()
    spacing_marks_take_a_cell()  # once is enough; again changes nothing
    for code in range(sys.maxunicode + 1):
        ch = chr(code)
        now = get_character_cell_size(ch)
        if unicodedata.category(ch) == "Mc":
            assert now == (2 if unicodedata.east_asian_width(ch) in "WF" else 1), hex(code)
        else:
            assert now == width_shipped(code), hex(code)


def test_the_review_app_and_the_command_line_amend_the_table_before_they_draw(tmp_path, monkeypatch):
    from tui import output
    from tui.app import app as app_module
    from tui.store import ReviewStore

    called = []
    monkeypatch.setattr(app_module, "spacing_marks_take_a_cell", lambda: called.append("app"))
    with ReviewStore.open(tmp_path / "store", write=True, reviewer="ana") as store:
        app_module.ReviewApp(store, config=tmp_path / "cfg")
    import tui.widths

    monkeypatch.setattr(tui.widths, "spacing_marks_take_a_cell", lambda: called.append("cli"))
    output.rich_console()
    assert called == ["app", "cli"]
