"""A list of labels to tick whose boxes say in characters whether they are ticked."""

from __future__ import annotations

from rich.segment import Segment
from textual.strip import Strip
from textual.widgets import SelectionList
from textual.widgets._toggle_button import ToggleButton
from textual.widgets.option_list import OptionDoesNotExist

TICKED, UNTICKED = "✓", " "


class TickList(SelectionList[str]):
    """Textual's SelectionList draws ``▐X▌`` on every row, ticked or not: only the colour differs,
    so on a monochrome screen, with ``NO_COLOR``, or read back from the terminal nobody could tell
    which labels were on (QA, stop 45). Here the box holds ✓ when ticked and stays empty when not."""

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        try:
            option = self.get_option_at_index(self.scroll_offset.y + y)
        except OptionDoesNotExist:
            return strip
        segments = list(strip)
        if len(segments) < 2 or segments[1].text != ToggleButton.BUTTON_INNER:
            return strip  # not the row Textual draws today: left as it is
        mark = TICKED if option.value in self._selected else UNTICKED
        segments[1] = Segment(mark, segments[1].style, segments[1].control)
        return Strip(segments, strip.cell_length)
