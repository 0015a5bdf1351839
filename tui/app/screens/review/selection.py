"""Claims and entities by selection in the article: a new claim in one flow (content, speaker,
cue), the current claim's content, speaker or cue, and a new entity."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import on

from extractors.groups import bare_name
from extractors.records import strip_span
from extractors.vocabulary import NOT_SPEAKERS, SPEAKER_PRONOUNS
from extractors.wrapping import as_line

from ...bindings import ARTICLE
from ...fields import ClaimFielder, Fields
from ...text import one_line
from ...widgets.article import ArticleView
from .core import ReviewCore

_ACTION = {b.id: b.action for b in ARTICLE}
#: the article pane's keys that make or give a claim's part: during a new claim's steps, each acts
#: only at its own step (QA: r at the speaker step saved the claim with no speaker) and the footer
#: lists only those; the pane's other keys (moving, selecting, enter, back) act at every step
FLOW_ACTIONS = {
    _ACTION[bid]
    for bid in ("article.new_entity", "article.new_claim", "article.as_speaker", "article.as_cue", "article.as_content")
}
STEP_ACTIONS = {
    # an entity made on the way can be the speaker (it stays selected for the speaker key)
    "speaker": {_ACTION["article.as_speaker"], _ACTION["article.new_entity"]},
    "cue": {_ACTION["article.as_cue"]},
}


class BySelection(ReviewCore):
    """What the article pane's selection makes: a claim's parts, a new claim, a new entity."""

    @on(ArticleView.Left)
    def _article_left(self) -> None:
        if self.claim_flow is not None:
            self.claim_flow = None
            self.refresh_bindings()  # the footer: the pane's keys are gone with it
            self.notify("new claim cancelled: nothing was added", markup=False, timeout=4)  # (QA: 2 s went unseen)
        if self.char_mode and self.preview is None:
            self._set_char_mode(False)  # character mode served this selection
        self.show(scroll=False)

    def span_ref(self, role: str, start: int, end: int) -> dict[str, Any]:
        """A speaker or cue at [start, end). A speaker is linked to an entity (``entity_id``, and its
        group's fullest name as ``name``) when the span is one, or holds exactly one PERSON/ORG one, or
        begins with one."""
        ref: dict[str, Any] = {"start": start, "end": end}
        if role != "speaker":
            return ref
        ents = [
            c
            for c in self.state.cands.values()
            if c["kind"] == "entity" and c.get("status") != "rejected" and c.get("label") not in NOT_SPEAKERS
        ]
        exact = [e for e in ents if (e["start"], e["end"]) == (start, end)]
        inside = [e for e in ents if start <= e["start"] and e["end"] <= end and e.get("label") in ("PERSON", "ORG")]
        # several: the one the span begins with ("Corine Mauch, the mayor of Zürich," — QA: the model
        # had "Zürich" as a PERSON too, and the link the extraction had made was lost)
        # — not a list of speakers ("Biden and Trump": the review), which stays unlinked
        listed = any(f" {w} " in f" {self.text[start:end]} " for w in ("and", "or", "&"))
        leading = [] if listed else [e for e in inside if e["start"] == start]
        found = exact or (inside if len(inside) == 1 else leading[:1])
        if found:
            ent = found[0]
            gid = self.state.group_of.get(ent["id"])
            ref["entity_id"] = ent["id"]
            ref["name"] = self.state.groups[gid]["name"] if gid else bare_name(ent["text"])
        elif end - start <= 200:  # named by its words, as the extraction names an unlinked speaker (QA: null)
            ref["name"] = bare_name(self.text[start:end])
        return ref

    def _trimmed(self, start: int, end: int, what: str) -> tuple[int, int] | None:
        """A selection without the spaces at its edges (QA: a claim's content saved as ' the Turkish
        lira…', a cue as ' next'); None, said on screen, if nothing else is left."""
        start, end = strip_span(self.text, start, end)
        if start == end:
            self.notify(f"the selection is only whitespace: select the {what}", markup=False, timeout=4)
            return None
        return start, end

    @on(ArticleView.Assign)
    def _assign(self, event: ArticleView.Assign) -> None:
        span = self._trimmed(event.start, event.end, {"content": "claim's words"}.get(event.role, event.role))
        if span is None:
            return
        start, end = span
        if self.claim_flow is not None:
            flow = self.claim_flow
            if event.role != flow["step"]:  # the content is set; the speaker and the cue each at its step
                self._refuse_in_flow(event.role)
                return
            why = self._flow_refusal(flow, event.role, start, end)
            if why is not None:  # said at the step, the claim kept (QA: refused only when saved, lost)
                self.message = why
                self.refresh_status()
                return

            def step(ref: dict[str, Any]) -> None:
                if self.claim_flow is not flow:
                    return  # (left meanwhile)
                flow[event.role] = ref
                flow["step"] = "cue" if event.role == "speaker" else "done"
                self._flow_next()

            self._with_referent(event.role, self.span_ref(event.role, start, end), step)
            return
        cand = self.current()
        if self.aid is None or cand is None or cand["kind"] != "claim":
            self.notify(
                f"make a claim current first ({self.keys.show('review.switch')} lists the claims), or "
                f"{self.keys.show('article.new_claim')} makes a new one",
                markup=False,
                timeout=3,
            )
            return
        aid, cid, role, seconds = self.aid, cand["id"], event.role, self.clock.lap()
        if role == "content" and (start, end) == (cand["start"], cand["end"]):
            self.notify("that is the claim's content already", markup=False, timeout=3)  # (QA: an edit of nothing)
            return
        if role != "content" and start < cand["end"] and cand["start"] < end:  # before asking who "she" is (QA)
            self.notify(  # QA (a newcomer): the rule, and what to do about it
                f"that overlaps the claim's content: the {role} is words about it, outside it — to make "
                f"the content smaller, select it and press {self.keys.show('article.as_content')} first",
                markup=False,
                timeout=6,
            )
            return
        if role == "content":
            self.query_one(ArticleView).clear_selection()
            moved = {"start": start, "end": end}  # (quoted as its new words are: the store works that out)

            def save(got: Fields | None, why: str | None) -> None:
                self._assigned(aid, cid, role, {**moved, **(got or {})}, seconds, why)

            self._with_claim_fields(start, end, save)
            return
        self._with_referent(
            role,
            self.span_ref(role, start, end),
            lambda ref: self._assigned(aid, cid, role, {role: ref}, seconds, None),
        )

    def _link_speaker(self, aid: str, entity: dict[str, Any]) -> bool:
        """An entity added while a claim is current, that the claim's speaker (linked to none) now
        names — the speaker's very span, or the one person or organisation in it: the speaker is
        linked to it too (one more decision: ``u`` takes the link back, again the entity), the claim
        stays current (QA, stop 46: the list jumped to the entities, the speaker stayed unlinked and
        took 7 more keys to link)."""
        claim = self.current()
        speaker = claim.get("speaker") if claim is not None and claim["kind"] == "claim" else None
        if (
            claim is None
            or not isinstance(speaker, dict)
            or speaker.get("entity_id")
            or not self.store.in_scope(entity)
        ):
            return False
        if not (speaker["start"] <= entity["start"] and entity["end"] <= speaker["end"]):
            return False
        self.apply_states([entity])  # (the lists are rebuilt: the speaker's link is found among them)
        ref = self.span_ref("speaker", speaker["start"], speaker["end"])
        if ref.get("entity_id") != entity["id"]:
            self.state.select(claim["id"])
            return False
        state = self._write(
            self.store.decide_as_shown, aid, claim["id"], "edit", changes={"speaker": ref}, seconds=self.clock.lap()
        )
        view = self.query_one(ArticleView)
        if view.cursor is not None:
            view.action_leave()
        if state is not None:
            self.apply_states([state])
        self.state.select(claim["id"])
        self.show()
        linked = " — and linked as the claim's speaker" if state is not None else ""
        self.notify(f"added entity: {one_line(entity['text'], 50)}{linked}", markup=False, timeout=4)
        return True

    def _with_referent(self, role: str, ref: dict[str, Any], then: Callable[[dict[str, Any]], None]) -> None:
        """``then(ref)``; a speaker that is a pronoun alone ("she") and no entity is asked about
        first — whom it refers to, among the article's people and organisations (QA, stop 46: "she"
        could be set, never linked to Clinton; the machine's wrong link was dropped with nothing in
        its place). Escape in the picker: the pronoun alone, unlinked."""
        from ..dialogs import SpeakerPicker

        word = self.text[ref["start"] : ref["end"]]
        pronoun = role == "speaker" and "entity_id" not in ref and word.casefold() in SPEAKER_PRONOUNS
        names = self._speaker_names(ref["start"], word, self._linked_now(ref)) if pronoun else {}
        if not names:
            then(ref)
            return

        def picked(name: str | None) -> None:
            if name is None or name not in names:
                then(ref)
                return
            _label, eid = names[name]
            then({**ref, "entity_id": eid, "name": name})

        shown = as_line(word, self.flow[ref["start"] : ref["end"]])
        self.app.push_screen(
            SpeakerPicker(shown, [(name, label) for name, (label, _eid) in names.items()], self.keys), picked
        )

    def _linked_now(self, ref: dict[str, Any]) -> str | None:
        """The entity the current claim's speaker is linked to when ``ref`` is that speaker's span
        (the pronoun given again: whom the extractor or a reviewer took it for comes first)."""
        cand = self.current()
        if self.claim_flow is not None or cand is None or cand["kind"] != "claim":
            return None
        speaker = cand.get("speaker") or {}
        if (speaker.get("start"), speaker.get("end")) != (ref["start"], ref["end"]):
            return None
        eid = speaker.get("entity_id")
        return eid if isinstance(eid, str) else None

    def _speaker_names(self, at: int, pronoun: str, linked: str | None = None) -> dict[str, tuple[str, str]]:
        """The article's entities that can speak, each once by its group's fullest name: name ->
        (label, the mention to link — the nearest before ``at``, else the nearest after), those
        mentioned nearest before ``at`` first (a pronoun's antecedent is mostly just before it) —
        people first for "he" or "she", the others first for "it" (:data:`SPEAKER_PRONOUNS`); first
        of all the entity the speaker is ``linked`` to now (QA, stop 50: the extractor's right answer
        was fourth, after a woman for "he")."""
        means = SPEAKER_PRONOUNS.get(pronoun.casefold())
        linked_group = self.state.group_of.get(linked) if linked else None
        best: dict[str, tuple[tuple[int, int, int], str, str]] = {}
        for c in self.state.cands.values():
            if c["kind"] != "entity" or c.get("status") == "rejected" or c.get("label") in NOT_SPEAKERS:
                continue
            gid = self.state.group_of.get(c["id"])
            name = self.state.groups[gid]["name"] if gid else bare_name(c["text"])
            if not name.strip():
                continue
            odd = means is not None and (c.get("label") == "PERSON") != (means == "person")
            now = c["id"] == linked or (linked_group is not None and gid == linked_group)
            rank = (-1 if now else int(odd), *((0, at - c["end"]) if c["end"] <= at else (1, c["start"] - at)))
            if name not in best or rank < best[name][0]:
                best[name] = (rank, str(c.get("label") or ""), c["id"])
        ordered = sorted(best.items(), key=lambda kv: (kv[1][0], kv[0].casefold()))
        return {name: (label, eid) for name, (_rank, label, eid) in ordered}

    def _assigned(
        self, aid: str, cid: str, role: str, changes: dict[str, Any], seconds: float, why: str | None
    ) -> None:
        state = self._write(self.store.decide_as_shown, aid, cid, "edit", changes=changes, seconds=seconds)
        if state is None or self.aid != aid:
            return
        if role != "content":  # (content: cleared when asked, the fields may have been waited for)
            self.query_one(ArticleView).clear_selection()
        self.apply_states([state])
        self.state.select(cid)
        shown = {"content": state["text"], **{r: (state.get(r) or {}).get("text", "") for r in ("speaker", "cue")}}
        if why is not None:
            self._fields_missing(why)
        else:
            self.notify(f"{role}: {one_line(shown[role], 50)}", markup=False, timeout=3)
        self.show(scroll=False)

    @on(ArticleView.Step)
    def _step(self) -> None:
        flow = self.claim_flow
        if flow is None:
            return
        flow["step"] = "cue" if flow["step"] == "speaker" else "done"
        self._flow_next()

    def footer_allows(self, action: str) -> bool:
        """Does the footer list the article pane's ``action`` now? (Not a key of another step of the
        new claim: see :data:`FLOW_ACTIONS`; enter, "none", only at a step.) Asked by :class:`~tui.app.widgets.footer.ReviewFooter`."""
        flow = self.claim_flow
        if action == _ACTION["article.step"]:  # enter: "none" at the speaker's or the cue's step only
            return flow is not None
        if flow is not None and action in ("undo", "redo"):  # (they say "finish the new claim first")
            return False
        return flow is None or action not in FLOW_ACTIONS or action in STEP_ACTIONS[flow["step"]]

    def _refuse_in_flow(self, what: str) -> None:
        """A key of another step of the new claim (or of none of its steps) does nothing but say so on
        the status line, before the step's keys (see :meth:`refresh_status`), until the next key."""
        k = self.keys
        done = f"{k.show('article.step')} none"
        why = {
            "speaker": f"{k.show('article.as_speaker')}: the speaker's step is over",
            "cue": f"{k.show('article.as_cue')}: the cue comes next, first the speaker or {done}",
            "content": f"{k.show('article.as_content')}: the content is set, "
            f"{k.show('article.leave', first=True)} cancels the new claim",
            "entity": f"{k.show('article.new_entity')}: entities at the speaker's step, or after the claim",
            "lists": f"{k.show('review.switch')}: the lists after the new claim "
            f"({k.show('article.leave', first=True)} cancels it)",
        }[what]
        self.message = why
        self.refresh_status()

    def _flow_refusal(self, flow: dict[str, Any], role: str, start: int, end: int) -> str | None:
        """Why the new claim cannot take ``start..end`` as its ``role`` (the store's rules: a speaker
        or cue is not the content itself, a cue does not overlap the speaker), or None."""
        k = self.keys
        if (start, end) == (flow["start"], flow["end"]):
            return f"that is the claim's content: select the {role} ({k.show('article.step')} none)"
        if start < flow["end"] and flow["start"] < end:  # (the store refuses it: the claim was lost)
            return f"that overlaps the claim's content: select the {role} outside it ({k.show('article.step')} none)"
        speaker = flow.get("speaker") if role == "cue" else None
        if speaker and start < speaker["end"] and speaker["start"] < end:
            return f"that overlaps the speaker: select the reporting words ({k.show('article.step')} none)"
        return None

    def _flow_next(self) -> None:
        """Ask for the next part of the new claim, or save it once speaker and cue are given or skipped."""
        flow = self.claim_flow
        if flow is None:
            return
        self.refresh_bindings()  # the footer lists this step's keys
        self.query_one(ArticleView).clear_selection()
        if flow["step"] != "done":
            self.refresh_status()
            return
        self.claim_flow = None
        self.refresh_bindings()  # the footer: the steps' keys are gone
        fields: dict[str, Any] = {k: flow[k] for k in ("start", "end", "speaker", "cue") if k in flow}
        # (its quote type as the extraction says it, "mixed" too: the store works it out)
        self._add({**fields, "kind": "claim"})

    @on(ArticleView.Create)
    def _create(self, event: ArticleView.Create) -> None:
        from ..dialogs import LabelPicker

        if event.kind == "claim" and self.claim_flow is not None:  # one new claim at a time
            self.notify(
                f"already making a new claim: {self.keys.show('article.leave', first=True)} cancels it "
                f"(then select its content and {self.keys.show('article.new_claim')} again)",
                markup=False,
                timeout=4,
            )
            return
        if event.kind == "claim":  # content first; then the speaker and the cue, by selection
            span = self._trimmed(event.start, event.end, "claim's words")
            if span is None:
                return
            twin = (
                self.store.twin_of(self.aid, {"kind": "claim", "start": span[0], "end": span[1]}) if self.aid else None
            )
            if twin is not None:  # QA: refused only at the end, after the speaker and the cue were given
                self.notify(
                    f"that claim is there already ({one_line(twin['text'], 50)}, {twin.get('status')}): "
                    "accept or edit it instead",
                    markup=False,
                    timeout=5,
                )
                return
            self.query_one(ClaimFielder).warm()  # its numbers and check-worthiness, when it is saved
            self.claim_flow = {"start": span[0], "end": span[1], "step": "speaker"}
            self._flow_next()
            return
        if self.claim_flow is not None and self.claim_flow["step"] != "speaker":
            self._refuse_in_flow("entity")
            return

        # an entity begins and ends on its name: a selection's spaces at its edges (a mouse drag, a
        # character-mode selection, a find of "Iowa ") are left out, as the store asks
        start, end = strip_span(self.text, event.start, event.end)
        if start == end:
            self.notify("the selection is only whitespace: select the entity's name", markup=False, timeout=4)
            return
        if self.claim_flow is not None and any(
            c["kind"] == "entity" and (c["start"], c["end"]) == (start, end) and c.get("status") != "rejected"
            for c in self.state.cands.values()
        ):  # QA: the store's "already exists as 'e-…'" said nothing of the speaker key
            self.message = f"that is an entity already: {self.keys.show('article.as_speaker')} takes it as the speaker"
            self.refresh_status()
            return

        def picked(label: str | None) -> None:
            if label:
                self._add({"kind": "entity", "start": start, "end": end, "label": label})

        shown = as_line(self.text[start:end], self.flow[start:end])
        self.app.push_screen(LabelPicker(shown, self.label_order(), self.keys), picked)

    def _add(self, fields: dict[str, Any]) -> None:
        if self.aid is None:
            return
        aid, seconds = self.aid, self.clock.lap()
        if fields.get("kind") == "claim":

            def save(got: Fields | None, why: str | None) -> None:
                self._added(aid, {**fields, **(got or {})}, seconds, why)

            self._with_claim_fields(fields["start"], fields["end"], save)
            return
        self._added(aid, fields, seconds, None)

    def _added(self, aid: str, fields: dict[str, Any], seconds: float, why: str | None) -> None:
        state = self._write(self.store.add_candidate, aid, fields, seconds=seconds)
        if state is None and fields.get("kind") == "claim" and self.aid == aid and self.is_mounted:
            # the new claim refused (its reason on screen): out of its steps, not left half in them
            # with their prompt (QA: the cue key then edited whichever claim was current)
            for pane in self.query(ArticleView):
                if pane.cursor is not None:
                    pane.action_leave()
            self.refresh_status()
            return
        if state is None or self.aid != aid:
            return
        view = self.query_one(ArticleView)
        if self.claim_flow is not None and state["kind"] == "entity" and view.cursor is not None:
            # an entity made on the way (the speaker's, say): the new claim goes on, its selection kept
            # so that the speaker key takes the same span, now linked to the entity
            self.apply_states([state])
            view.refresh()
            self._show_tabs()  # its count (QA: it waited for the claim to be saved)
            self.refresh_status()
            hidden = "" if self.store.in_scope(state) else " (its label is not in the store's label set: kept, hidden)"
            self.notify(
                f"added entity: {one_line(state['text'], 50)}{hidden} — the new claim goes on",
                markup=False,
                timeout=6 if hidden else 3,
            )
            return
        if state["kind"] == "entity" and self._link_speaker(aid, state):
            return
        if view.cursor is not None:
            view.action_leave()
        if not self.store.in_scope(state):
            self.notify(
                f"added {one_line(state['text'], 50)} as {one_line(state.get('label'), 30)}: that label is not in "
                f"the store's label set ({self.keys.show('review.label_set')}), so it is kept but hidden",
                markup=False,
                timeout=6,
            )
            self.show()
            return
        self.apply_states([state])  # a new candidate: the lists are rebuilt there
        if not self.state.select(state["id"]):
            self.apply_filter("")  # the filter would hide what was just added
            self.state.select(state["id"])
        if why is not None:
            self._fields_missing(why)
        self.show()
        self.notify(f"added {state['kind']}: {one_line(state['text'], 50)}", markup=False, timeout=2)
