"""What the desk has taught the store: suggestions for pending candidates, and proposals for what
the model keeps missing.

Every entity the desk has settled (the final view) is a *fact*: its normalised text, the label the
model gave it, and what became of it — accepted, relabelled to another label, rejected, or added by
an analyst. From the facts of the whole store:

- a pending candidate whose text and label the desk has decided before gets a *suggestion*: accept
  ("accepted 12× before"), relabel ("relabelled to ORG 3×") or reject ("rejected 4×"), whichever the
  desk did most; a tie favours keeping the candidate;
- the strings analysts *added* because the model missed them are the store's vocabulary: wherever one
  occurs in an article at token boundaries, as written or in capitals (a headline), and no entity
  covers it, it is *proposed* as a new candidate (origin ``memory``) — matched like spaCy's
  PhraseMatcher, on the article's own tokens; a string added under several labels is proposed with
  the one it got most, and where two strings overlap the longer wins.

Suggestions are shown, never applied on their own: ``confirm-suggestions`` turns an article's
pending ones into the reviewer's decisions, as one undo step. Pure code; no spaCy.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from typing import Any

from extractors.groups import normalise
from extractors.records import doc_indices, entity_candidate
from extractors.wrapping import unwrapped

Fact = tuple[str, str, str, str]  # (normalised text, label, outcome, label after — or the trimmed edge)
_NUMBER = re.compile(r"^[0-9][0-9\-./,:]*$")
TRIM_SUPPORT = 2  # a boundary convention is suggested once the desk has applied it this often


def edge_key(word: str) -> str:
    """What a word at a span's edge is, for boundary conventions: numbers are one kind ("83",
    "4-43"), anything else its case-folded self ("the", "'s")."""
    word = word.strip()
    return "<number>" if _NUMBER.match(word) else word.casefold()


def _edges(text: str) -> tuple[str, str]:
    words = text.split()
    return (edge_key(words[0]), edge_key(words[-1])) if len(words) > 1 else ("", "")


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
        elif c["status"] == "added":  # the text as written: proposals match it (or its capitals)
            out.append((normalise(c["text"]), c["label"], "added", c["text"]))
        elif "label" in original and "text" not in original:
            out.append((normalise(c["text"]), label_before, "relabelled", c["label"]))
        else:  # accepted, or edited boundaries: the settled text and label are known good
            out.append((normalise(c["text"]), c["label"], "accepted", c["label"]))
            if _shrunk(original, c):
                out += _trims(original, c)
            else:
                lead, trail = _edges(c["text"])
                if lead:
                    out.append(("", c["label"], "kept-lead", lead))
                    out.append(("", c["label"], "kept-trail", trail))
    return out


def _shrunk(original: dict[str, Any], c: dict[str, Any]) -> bool:
    """Whether an edit moved an edge inwards and none outwards. ``original`` holds only what changed:
    an edit that moved one edge was never learnt while both were required (and one that widened the
    span keeps its edges, as an accepted one does)."""
    if "start" not in original and "end" not in original:
        return False
    start, end = original.get("start", c["start"]), original.get("end", c["end"])
    return bool(start <= c["start"] and c["end"] <= end)


def _trims(original: dict[str, Any], c: dict[str, Any]) -> list[Fact]:
    """A boundary edit that dropped one word at an edge: which kind of word the desk drops."""
    out: list[Fact] = []
    text, start, end = original.get("text", ""), original.get("start", c["start"]), original.get("end", c["end"])
    if start <= c["start"] and c["end"] <= end:
        dropped_lead = text[: c["start"] - start].split()
        dropped_trail = text[len(text) - (end - c["end"]) :].split() if end > c["end"] else []
        if len(dropped_lead) == 1:
            out.append(("", c["label"], "trim-lead", edge_key(dropped_lead[0])))
        if len(dropped_trail) == 1:
            out.append(("", c["label"], "trim-trail", edge_key(dropped_trail[0])))
    return out


def as_decision(cand: dict[str, Any]) -> tuple[str, str, dict[str, Any] | None]:
    """The decision that does what a pending candidate's ``suggestion`` says (for ``decide_many``): a
    proposal is accepted (which adds it), an edit carries the suggested label or offsets."""
    hint = cand["suggestion"]
    if hint["action"] == "add":
        return cand["id"], "accept", None
    if hint["action"] == "edit":
        return cand["id"], "edit", {k: hint[k] for k in ("label", "start", "end") if k in hint}
    return cand["id"], hint["action"], None


class Memory:
    """Facts aggregated over the store."""

    def __init__(self) -> None:
        self.outcomes: dict[tuple[str, str], Counter[tuple[str, str]]] = {}
        self.vocabulary: dict[tuple[str, str], int] = {}  # (the text as added, label) -> times
        self.edges: Counter[tuple[str, str]] = Counter()  # ("trim-lead" | "kept-lead" | ..., edge word kind)
        self._phrases: _Phrases | None = None  # the vocabulary indexed for proposals, as it was then

    def add(self, article_facts: list[Fact], sign: int = 1) -> None:
        for text, label, outcome, after in article_facts:
            if outcome.startswith(("trim-", "kept-")):
                self.edges[(outcome, after)] += sign
                continue
            counter = self.outcomes.setdefault((text, label), Counter())
            counter[(outcome, after)] += sign
            if outcome == "added":
                key = (after, label)  # (the text as added, its label)
                self.vocabulary[key] = self.vocabulary.get(key, 0) + sign
                if self.vocabulary[key] <= 0:
                    del self.vocabulary[key]

    def labels_given(self) -> Counter[str]:
        """Entity labels the desk gave by hand, with how many entities have each: those it added and
        those it relabelled to."""
        given: Counter[str] = Counter()
        for (_, label), times in self.vocabulary.items():
            given[label] += times
        for counter in self.outcomes.values():
            for (outcome, after), n in counter.items():
                if outcome == "relabelled" and n > 0:
                    given[after] += n
        return given

    def suggest(self, cand: dict[str, Any]) -> dict[str, Any] | None:
        """The suggestion for a pending entity candidate, or None."""
        if cand.get("kind") != "entity":
            return None
        counter = self.outcomes.get((normalise(cand["text"]), cand["label"]))
        if not counter:
            return self.trim(cand)
        accepted = sum(n for (o, after), n in counter.items() if o == "accepted" and after == cand["label"])
        added = sum(n for (o, _), n in counter.items() if o == "added")  # an addition kept its label
        keep = accepted + added
        relabels = Counter({after: n for (o, after), n in counter.items() if o == "relabelled" and n > 0})
        rejected = sum(n for (o, _), n in counter.items() if o == "rejected")
        # what the desk did with it, most first; a suggestion only where one outcome outweighs the rest:
        # a reject all that kept it as an entity, a label every other label (QA re-test: a relabel
        # and a rejection, one each, suggested the relabel and named no rejection)
        kept_as = "added" if not accepted else "accepted" if not added else "accepted or added"
        # (what was done, how often, the label it gives): the ways the desk kept it as an entity
        outcomes: list[tuple[str, int, str | None]] = [(kept_as, keep, None)] if keep else []
        outcomes += [(f"relabelled to {label}", n, label) for label, n in sorted(relabels.items())]
        if not outcomes and not rejected:
            return self.trim(cand)

        def reason(done: str, n: int, others: list[tuple[str, int]]) -> str:
            also = ", ".join(f"{what} {m}×" for what, m in others)
            return f"{done} {n}× before" + (f" ({also})" if also else "")

        as_entity = keep + sum(relabels.values())
        if rejected > as_entity:
            others = [(what, n) for what, n, _ in outcomes]
            return {"action": "reject", "support": rejected, "reason": reason("rejected", rejected, others)}
        outcomes.sort(key=lambda o: -o[1])
        if rejected == as_entity or (len(outcomes) > 1 and outcomes[0][1] == outcomes[1][1]):
            return None  # the desk disagrees with itself: nothing to suggest
        done, n, label = outcomes[0]
        others = ([("rejected", rejected)] if rejected else []) + [(what, m) for what, m, _ in outcomes[1:]]
        if label is None:
            return {"action": "accept", "support": n, "reason": reason(done, n, others)}
        return {"action": "edit", "label": label, "support": n, "reason": reason(done, n, others)}

    def trim(self, cand: dict[str, Any]) -> dict[str, Any] | None:
        """A boundary edit the desk keeps making: drop a leading or trailing word of the kind it drops
        (a leading "the", a trailing score), when it has done so at least twice and more often than it
        kept such a word."""
        text = cand["text"]
        words = text.split()
        if len(words) < 2:
            return None
        # the words' own edges, not the candidate's: an entity stored with a space at an edge (before
        # the store refused them) got a trim that kept it, which the store then refused
        first = text.index(words[0])
        last = text.rindex(words[-1])
        start, end, reasons, support = cand["start"] + first, cand["start"] + last + len(words[-1]), [], 0
        lead, trail = edge_key(words[0]), edge_key(words[-1])
        dropped = self.edges[("trim-lead", lead)]
        if dropped >= TRIM_SUPPORT and dropped > self.edges[("kept-lead", lead)]:
            start = cand["start"] + text.index(words[1], first + len(words[0]))
            reasons.append(f"dropped a leading '{words[0]}' {dropped}× before")
            support = dropped
        dropped = self.edges[("trim-trail", trail)]
        if dropped >= TRIM_SUPPORT and dropped > self.edges[("kept-trail", trail)]:
            end = cand["start"] + text.rindex(words[-2], 0, last) + len(words[-2])
            reasons.append(
                f"dropped a trailing {'number' if trail == '<number>' else repr(words[-1])} {dropped}× before"
            )
            support = max(support, dropped)
        if not reasons or end <= start:
            return None
        return {"action": "edit", "start": start, "end": end, "support": support, "reason": "; ".join(reasons)}

    def proposals(self, article: dict[str, Any], covered: list[tuple[int, int]]) -> list[dict[str, Any]]:
        """New candidates (origin ``memory``) for the vocabulary's strings in ``article`` that no
        entity covers, at token boundaries."""
        if not self.vocabulary:
            return []
        text, tokens = article["text"], article.get("tokens") or []
        if not tokens:
            return []
        index = doc_indices(text, tokens)  # spaCy's token numbers, as the extractor's candidates carry
        starts = {s: index[i] for i, (s, _) in enumerate(tokens)}
        ends = {e: index[i] for i, (_, e) in enumerate(tokens)}
        if self._phrases is None or self._phrases.vocabulary != self.vocabulary:
            # (compared, not reset on every change: reading an article takes its facts out and puts
            # the same back, which left the vocabulary as it was — QA profile: rebuilt 845 times)
            self._phrases = _Phrases(self.vocabulary)
        best = self._phrases.best
        # only the strings that can start at one of the article's tokens are searched for (QA: every
        # string of a desk's vocabulary searched over every article — 4,000 added names made an export
        # of 925 articles 5× slower and opening a long article take 8 s)
        wanted = self._phrases.starting_in(text, starts, ends)  # string -> the token starts it may be at
        # what entities and earlier proposals hold, one flag per character (QA: a scan of every span
        # for every occurrence)
        held = bytearray(len(text))
        for s, e in covered:
            held[s:e] = b"\x01" * (e - s)
        out = []
        flow = unwrapped(text)  # a name a hard wrap cut ("Vladimir⏎Putin") is found as one line
        for phrase in sorted(wanted, key=lambda p: (-len(p), p)):
            label, times = best[phrase]
            # proposed only where what the desk did with it says keep: not where it rejected the name
            # as often as it kept it (QA: "add" on a proposal beside "reject" on the model's mentions
            # of the same name, and `C` did both)
            suggestion = {"action": "add", "support": times, "reason": f"added {times}× before"}
            if self.outcomes.get((normalise(phrase), label)):
                hint = self.suggest({"kind": "entity", "text": phrase, "label": label, "start": 0, "end": len(phrase)})
                if hint is None or hint["action"] != "accept":
                    continue
                suggestion = {"action": "add", "support": hint["support"], "reason": hint["reason"]}
            needle = phrase.replace("\n", " ")  # (in the flow)
            for pos in sorted(wanted[phrase]):
                end = pos + len(phrase)
                if (
                    end in ends
                    and (text.startswith(phrase, pos) or flow.startswith(needle, pos))
                    and held.find(1, pos, end) < 0
                ):
                    held[pos:end] = b"\x01" * (end - pos)
                    cand: dict[str, Any] = dict(  # a record plus the suggestion the app shows
                        entity_candidate(
                            text,
                            article["id"],
                            pos,
                            end,
                            label,
                            token_start=starts[pos],
                            token_end=ends[end] + 1,
                            origin="memory",
                        )
                    )
                    cand["suggestion"] = dict(suggestion)
                    out.append(cand)
        return out


_WORD = re.compile(r"\S+")
#: the articles whose searches a vocabulary keeps (the app lists its article again after each undo)
FOUND_KEPT = 8


class _Phrases:
    """The vocabulary's strings, each in the forms it is proposed in — as written and in a headline's
    capitals, with the label it was added with most — indexed by their first word, so that an article
    is searched only for the strings that can start at one of its tokens."""

    def __init__(self, vocabulary: dict[tuple[str, str], int]) -> None:
        self.vocabulary = dict(vocabulary)
        self.best: dict[str, tuple[str, int]] = {}  # one label per string: the one it was added with most
        for (surface, label), times in sorted(vocabulary.items()):
            if not any(ch.isalnum() for ch in surface):
                # no letter, no digit: a slip (QA soak: a "," added as PERSON was proposed at every comma
                # of every article), not a name to look for elsewhere; the addition itself stays
                continue
            for form in {surface, surface.upper()}:
                if form and (form not in self.best or times > self.best[form][1]):
                    self.best[form] = (label, times)
        self.words: set[str] = set()  # the strings of one word
        self.first: dict[str, list[str]] = {}  # a string of several words -> by its first word
        # the articles searched last: text -> (token starts, token ends, what was found)
        self._found: dict[str, tuple[dict[int, int], dict[int, int], dict[str, set[int]]]] = {}
        for phrase in self.best:
            word = _WORD.search(phrase)
            if word is None:
                continue
            if word.start() == 0 and word.end() == len(phrase):
                self.words.add(phrase)
            else:
                self.first.setdefault(word.group(), []).append(phrase)

    def starting_in(self, text: str, starts: dict[int, int], ends: dict[int, int]) -> dict[str, set[int]]:
        """The strings that may occur in ``text`` at token boundaries: one starting at a token start
        ``s`` of a word (non-space run) ``text[w:we]`` either is one word, ``text[s:e]`` for a token
        end ``e`` in the word, or begins with the word's rest ``text[s:we]`` and a space (a wrap's
        line break in ``text``) — with no assumption about where else the tokens lie. Returns each such
        string with the token starts it may be at (whether it is there, the caller checks)."""
        kept = self._found.get(text)
        if kept is not None and kept[0] == starts and kept[1] == ends:  # the same article, the same tokens
            return kept[2]
        found: dict[str, set[int]] = {}
        self._found[text] = (starts, ends, found)
        if len(self._found) > FOUND_KEPT:
            del self._found[next(iter(self._found))]
        words = [m.span() for m in _WORD.finditer(text)]
        word_starts = [w for w, _ in words]
        token_ends = sorted(ends)
        for s in sorted(starts):
            i = bisect_right(word_starts, s) - 1
            if i < 0 or s >= words[i][1]:
                continue  # a token of spaces
            we = words[i][1]
            if self.first:
                for phrase in self.first.get(text[s:we], ()):
                    found.setdefault(phrase, set()).add(s)
            if self.words:
                j = bisect_right(token_ends, s)
                while j < len(token_ends) and token_ends[j] <= we:
                    if text[s : token_ends[j]] in self.words:
                        found.setdefault(text[s : token_ends[j]], set()).add(s)
                    j += 1
        return found
