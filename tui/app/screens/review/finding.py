"""The filter of the lists, find in the article, the next mention, the claims' order."""

from __future__ import annotations

from ... import spans
from ...widgets.article import ArticleView
from .core import ReviewCore


class Finding(ReviewCore):
    """The filter box, the find box, the next mention and the claims' order."""

    def action_filter(self) -> None:
        self._open_box("filter", self.state.query.text)

    def action_find(self) -> None:
        self._open_box("find", self.find_query)

    def box_entered(self, box_id: str, value: str) -> None:
        if box_id != "find":
            super().box_entered(box_id, value)
            return
        query = value.strip()
        self._close_box("find")
        if not query:
            self.find_query = ""
            self.find_on = False
            self.query_one(ArticleView).set_matches([], None)
            self.refresh_status()
            return
        again = query == self.find_query
        self.find_query = query
        self._find(step=again)

    def action_find_next(self) -> None:
        if not self.find_query:
            self.action_find()
            return
        self._find(step=True, whole_words=self.find_whole)

    def action_mentions(self) -> None:
        """The next listed candidate with the current one's text; without one, its next mention in
        the article (highlighted, all of them, like a find)."""
        cand = self.current()
        if cand is None:
            return
        same = self.state.same_text(cand)
        view = self.query_one(ArticleView)
        self.find_query = self.flow[cand["start"] : cand["end"]]  # a mention a wrap cut in two, as one line
        self.find_on, self.find_whole = True, True
        matches = spans.find_all(self.flow, self.find_query, whole_words=True)
        if len(same) > 1:
            nxt = same[(same.index(cand["id"]) + 1) % len(same)]
            self.state.select(nxt, expand=True)
            target = self.state.cands[nxt]
            index = next((i for i, (s, _) in enumerate(matches) if s == target["start"]), None)
            view.set_matches(matches, index)
            self.message = f"listed mention {same.index(nxt) + 1}/{len(same)}"
            self.show(lists=True)
            return
        others = [m for m in matches if m != (cand["start"], cand["end"])]
        if not others:
            view.set_matches(matches, None)
            self.message = "no other mention of this text in the article"
            self.refresh_status()
            return
        view.set_matches(matches, spans.first_at_or_after(matches, cand["start"] + 1))
        self.message = (
            f"{len(others)} other mention{'s' if len(others) > 1 else ''} in the article, none listed "
            f"({self.keys.show('review.cursor_mode')} to add)"
        )
        self.refresh_status()

    def action_toggle_order(self) -> None:
        order = self.state.toggle_order()
        self.show(lists=True)
        self.notify(f"claims in {order} order", markup=False, timeout=2)
