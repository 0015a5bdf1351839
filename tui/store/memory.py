"""What the desk has taught the store: suggestions for pending candidates, and proposals for what
the model keeps missing.

Every entity the desk has settled (the final view) is a *fact*: its normalised text, the label the
model gave it, and what became of it — accepted, relabelled to another label, rejected, or added by
an analyst. From the facts of the whole store:

- a pending candidate whose text and label the desk has decided before gets a *suggestion*: accept
  ("accepted 12× before"), relabel ("relabelled to ORG 3×") or reject ("rejected 4×"), whichever the
  desk did most; a tie favours keeping the candidate;
- the strings analysts *added* because the model missed them are the store's vocabulary: wherever one
  occurs in an article at token boundaries and no entity covers it, it is *proposed* as a new
  candidate (origin ``memory``) — matched like spaCy's PhraseMatcher, on the article's own tokens.

Suggestions are shown, never applied on their own: ``confirm-suggestions`` turns an article's
pending ones into the reviewer's decisions, as one undo step. Pure code; no spaCy.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from extractors.groups import normalise
from extractors.records import entity_candidate

Fact = tuple[str, str, str, str]  # (normalised text, label, outcome, label after)


def facts(cands: list[dict[str, Any]]) -> list[Fact]:
    """The facts of one article's candidates in the final view (entities the desk has settled)."""
    out: list[Fact] = []
    for c in cands:
        if c["kind"] != "entity" or c["status"] in ("pending", "disputed", "removed"):
            continue
        original = c.get("original") or {}
        label_before = original.get("label", c["label"])
        if c["status"] == "rejected":
            out.append((normalise(original.get("text", c["text"])), label_before, "rejected", label_before))
        elif c["status"] == "added":
            out.append((normalise(c["text"]), c["label"], "added", c["label"]))
        elif "label" in original and "text" not in original:
            out.append((normalise(c["text"]), label_before, "relabelled", c["label"]))
        else:  # accepted, or edited boundaries: the settled text and label are known good
            out.append((normalise(c["text"]), c["label"], "accepted", c["label"]))
    return out


class Memory:
    """Facts aggregated over the store."""

    def __init__(self) -> None:
        self.outcomes: dict[tuple[str, str], Counter[tuple[str, str]]] = {}
        self.vocabulary: dict[tuple[str, str], int] = {}  # (normalised text, label) added by analysts -> times

    def add(self, article_facts: list[Fact], sign: int = 1) -> None:
        for text, label, outcome, after in article_facts:
            counter = self.outcomes.setdefault((text, label), Counter())
            counter[(outcome, after)] += sign
            if outcome == "added":
                key = (text, after)
                self.vocabulary[key] = self.vocabulary.get(key, 0) + sign
                if self.vocabulary[key] <= 0:
                    del self.vocabulary[key]

    def suggest(self, cand: dict[str, Any]) -> dict[str, Any] | None:
        """The suggestion for a pending entity candidate, or None."""
        if cand.get("kind") != "entity":
            return None
        counter = self.outcomes.get((normalise(cand["text"]), cand["label"]))
        if not counter:
            return None
        keep = sum(n for (o, after), n in counter.items() if o in ("accepted", "added") and after == cand["label"])
        relabels = Counter({after: n for (o, after), n in counter.items() if o == "relabelled" and n > 0})
        rejected = sum(n for (o, _), n in counter.items() if o == "rejected")
        best_label, best = relabels.most_common(1)[0] if relabels else (None, 0)
        if rejected > keep + best and rejected > 0:
            return {"action": "reject", "support": rejected, "reason": f"rejected {rejected}× before"}
        if best > keep and best_label is not None:
            return {
                "action": "edit",
                "label": best_label,
                "support": best,
                "reason": f"relabelled to {best_label} {best}× before",
            }
        if keep > 0:
            return {"action": "accept", "support": keep, "reason": f"accepted {keep}× before"}
        return None

    def proposals(self, article: dict[str, Any], covered: list[tuple[int, int]]) -> list[dict[str, Any]]:
        """New candidates (origin ``memory``) for the vocabulary's strings in ``article`` that no
        entity covers, at token boundaries."""
        if not self.vocabulary:
            return []
        text, tokens = article["text"], article.get("tokens") or []
        if not tokens:
            return []
        starts = {s: i for i, (s, _) in enumerate(tokens)}
        ends = {e: i for i, (_, e) in enumerate(tokens)}
        folded = text.casefold() if len(text.casefold()) == len(text) else None
        if folded is None:
            return []  # case folding changed lengths (ß…): offsets would not line up; skip
        spans = sorted(covered)
        out = []
        for (phrase, label), times in sorted(self.vocabulary.items()):
            if not phrase:
                continue
            pos = folded.find(phrase)
            while pos >= 0:
                end = pos + len(phrase)
                if pos in starts and end in ends and not _overlaps(spans, pos, end):
                    cand = entity_candidate(
                        text,
                        article["id"],
                        pos,
                        end,
                        label,
                        token_start=starts[pos],
                        token_end=ends[end] + 1,
                        origin="memory",
                    )
                    cand["suggestion"] = {"action": "add", "support": times, "reason": f"added {times}× before"}
                    out.append(cand)
                pos = folded.find(phrase, pos + 1)
        return out


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s < end and start < e for s, e in spans)
