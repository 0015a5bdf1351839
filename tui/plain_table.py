"""A table of plain cells, drawn as Rich draws its default table, without Rich's per-cell rendering.

``newsreview articles`` on a 10,000-article store spent 5 of its 6 seconds in Rich laying out the
table (QA); the same lines written here take a fraction of a second and start at once. Cells are
text already made safe (:func:`tui.sanitize.clean_line`); a column that does not fit the width is
cut with "…" (the last one first), never wrapped: one row, one line, as ``grep`` and ``less`` like it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from rich.cells import cell_len

#: narrowest a cut column becomes
MIN_WIDTH = 8


def cut(text: str, width: int) -> str:
    """``text`` in at most ``width`` cells, "…" at the end when it was cut."""
    if cell_len(text) <= width:
        return text
    out, used = [], 0
    for ch in text:
        w = cell_len(ch)
        if used + w > width - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"


def _pad(text: str, width: int, right: bool) -> str:
    gap = " " * (width - cell_len(text))
    return gap + text if right else text + gap


def box_table(
    title: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    width: int,
    *,
    right: Sequence[int] = (),
    give_way: Sequence[int] | None = None,
    ascii: bool = False,
) -> Iterator[str]:
    """The table's lines (each ending in a newline): the title, then a heavy-headed box. Columns are
    as wide as their widest cell; when the whole is wider than ``width``, the columns in ``give_way``
    (default: from the last) are cut in turn down to :data:`MIN_WIDTH`; the others never are (an id
    cut would be no id). ``right``: columns aligned right (numbers); ``ascii``: the box in ASCII."""
    widths = [max([cell_len(h), *(cell_len(r[i]) for r in rows)]) for i, h in enumerate(headers)]
    over = sum(widths) + 3 * len(widths) + 1 - width
    order = range(len(widths))[::-1] if give_way is None else give_way
    # first down to MIN_WIDTH, then (a narrow terminal: review, 60 columns overflowed) to the header
    for floor in (MIN_WIDTH, 0):
        for i in order:
            if over <= 0:
                break
            give = min(over, max(0, widths[i] - max(floor, cell_len(headers[i]))))
            widths[i] -= give
            over -= give
    yield from (line.translate(ASCII) if ascii else line for line in _lines(title, headers, rows, widths, right))


#: the box in ASCII, for a terminal whose locale is not UTF-8 (as Rich draws its tables there)
ASCII = str.maketrans("┏┳┓┃┡━╇┩│└─┴┘…", "+++|+-++|+-++~")


def _lines(
    title: str, headers: Sequence[str], rows: Sequence[Sequence[str]], widths: list[int], right: Sequence[int]
) -> Iterator[str]:
    yield title + "\n"
    yield "┏" + "┳".join("━" * (w + 2) for w in widths) + "┓\n"
    yield "┃" + "┃".join(f" {_pad(cut(h, w), w, False)} " for h, w in zip(headers, widths, strict=True)) + "┃\n"
    yield "┡" + "╇".join("━" * (w + 2) for w in widths) + "┩\n"
    for row in rows:
        cells = (f" {_pad(cut(c, w), w, i in right)} " for i, (c, w) in enumerate(zip(row, widths, strict=True)))
        yield "│" + "│".join(cells) + "│\n"
    yield "└" + "┴".join("─" * (w + 2) for w in widths) + "┘\n"
