"""Checking what an analyst (or an ``apply`` line) asks for, before anything is written.

Every function raises :class:`DecisionError` with a message naming the field; none writes.
"""

from __future__ import annotations

import math
from typing import Any

from extractors.quotes import quote_type_of
from extractors.records import claim_candidate, entity_candidate, span, token_range
from extractors.strict_json import FieldError, check_identifier, check_label, check_reviewer, check_text_field
from extractors.vocabulary import KINDS, QUOTE_TYPES

from ..sanitize import clean_line, escaped
from .errors import DecisionError, NothingChanged, StoreError

ENTITY_EDITS = frozenset({"label", "start", "end"})
CLAIM_EDITS = frozenset({"start", "end", "speaker", "cue", "quote_type", "numbers", "hedges", "checkworthiness"})
MAX_SPANS = 1000  # numbers or hedges of one claim


def reviewer_name(value: object) -> str:
    try:
        return check_reviewer(value, "--reviewer")
    except FieldError as err:
        shown = escaped(value, 80) if isinstance(value, str) else type(value).__name__
        raise StoreError(f"reviewer name '{shown}' cannot be used: {err.message}") from None


def label(value: object, field: str = "label") -> str:
    try:
        return check_label(value.strip() if isinstance(value, str) else value, field)
    except FieldError as err:
        raise DecisionError(str(err)) from None


def offsets(text: str, start: Any, end: Any, prefix: str = "", moved: str = "start") -> tuple[int, int]:
    """``start`` and ``end`` as a span of ``text`` (an error naming the field: ``moved`` is the one
    blamed for an empty or reversed span — the one an edit changed)."""
    for key, value in ((prefix + "start", start), (prefix + "end", end)):
        if not isinstance(value, int) or isinstance(value, bool):
            raise DecisionError(f"field '{key}' must be an integer")
    if not (0 <= start <= len(text) and 0 <= end <= len(text)):
        key = prefix + ("start" if not 0 <= start <= len(text) else "end")
        raise DecisionError(f"field '{key}': span {start}..{end} is outside the text (length {len(text)})")
    if start >= end:
        what = "is empty" if start == end else "ends before it starts"
        raise DecisionError(f"field '{prefix}{moved}': span {start}..{end} {what} (start must be less than end)")
    if not text[start:end].strip():
        raise DecisionError(f"field '{prefix}start': span {start}..{end} is only whitespace")
    return start, end


def claim_fields(text: str, fields: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for role in ("speaker", "cue"):
        if role in fields:
            ref = fields[role]
            if ref is None:
                out[role] = None
            elif isinstance(ref, dict):
                # as strict as numbers and hedges (QA: a misspelt key, a wrong text, an entity_id that
                # was no string were passed over without a word)
                keys = {"start", "end", "text", *(("entity_id", "name") if role == "speaker" else ())}
                unknown = set(ref) - keys
                if unknown:
                    raise DecisionError(f"field '{role}': unknown key '{clean_line(sorted(unknown)[0], 40)}'")
                s, e = offsets(text, ref.get("start"), ref.get("end"), f"{role}.")
                if "text" in ref and ref["text"] != text[s:e]:
                    raise DecisionError(f"field '{role}.text' is not the article's text at {s}..{e}")
                out[role] = span(text, s, e)
                if role == "speaker":
                    for extra in ("entity_id", "name"):
                        value = ref.get(extra)
                        if value is None or value == "":
                            continue
                        try:
                            if extra == "entity_id":
                                value = check_identifier(value, "speaker.entity_id")
                            else:  # a name is shown wherever the claim is: one line, no controls
                                if isinstance(value, str):  # a name across a line break (wrapped text)
                                    value = " ".join(value.split())
                                value = check_text_field(value, "speaker.name", max_chars=1000)
                        except FieldError as err:
                            raise DecisionError(str(err)) from None
                        if value:
                            out[role][extra] = value
            else:
                raise DecisionError(f"field '{role}' must be an object with start and end, or null")
    if "quote_type" in fields:
        if fields["quote_type"] not in QUOTE_TYPES:
            raise DecisionError(f"field 'quote_type' must be one of {', '.join(QUOTE_TYPES)}")
        out["quote_type"] = fields["quote_type"]
    for role in ("numbers", "hedges"):
        if role in fields:
            out[role] = span_list(text, fields[role], role)
    if "checkworthiness" in fields:
        cw = fields["checkworthiness"]
        if not isinstance(cw, (int, float)) or isinstance(cw, bool) or not math.isfinite(cw) or not 0 <= cw <= 1:
            raise DecisionError("field 'checkworthiness' must be a number from 0 to 1")
        out["checkworthiness"] = round(float(cw), 4)
    return out


def distinct_roles(start: int, end: int, speaker: Any, cue: Any) -> None:
    """A claim's speaker and cue are words about its content, not the content itself (nor each other):
    a slip of the selection keys ("s" on the content just set) is refused, naming the field."""
    content = (start, end)
    roles = {name: (ref["start"], ref["end"]) for name, ref in (("speaker", speaker), ("cue", cue)) if ref}
    for name, where in roles.items():
        if where == content:
            raise DecisionError(f"field '{name}': {where[0]}..{where[1]} is the claim's content itself")
    if len(roles) == 2 and roles["speaker"] == roles["cue"]:
        raise DecisionError("field 'cue': the same span as the speaker")


def inside_claim(start: int, end: int, fields: dict[str, Any]) -> None:
    """A claim's numbers and hedges are words of its content (QA: an edit could give them anywhere)."""
    for role in ("numbers", "hedges"):
        for i, ref in enumerate(fields.get(role) or []):
            if not (start <= ref["start"] and ref["end"] <= end):
                raise DecisionError(
                    f"field '{role}[{i}]': {ref['start']}..{ref['end']} is outside the claim's content {start}..{end}"
                )


def span_list(text: str, value: Any, field: str) -> list[dict[str, Any]]:
    """A claim's ``numbers`` or ``hedges``: a list of ``{text, start, end}`` inside the article, each
    ``text == article_text[start:end]``; in article order, without repeats."""
    if not isinstance(value, list):
        raise DecisionError(f"field '{field}' must be a list of spans {{text, start, end}}")
    if len(value) > MAX_SPANS:
        raise DecisionError(f"field '{field}': at most {MAX_SPANS} spans")
    out: dict[tuple[int, int], dict[str, Any]] = {}
    for i, ref in enumerate(value):
        where = f"{field}[{i}]"
        if not isinstance(ref, dict):
            raise DecisionError(f"field '{where}' must be an object {{text, start, end}}")
        unknown = set(ref) - {"text", "start", "end"}
        if unknown:
            raise DecisionError(f"field '{where}': unknown key '{clean_line(sorted(unknown)[0], 40)}'")
        s, e = offsets(text, ref.get("start"), ref.get("end"), f"{where}.")
        if "text" in ref and ref["text"] != text[s:e]:  # optional, as for the speaker and the cue
            raise DecisionError(f"field '{where}.text' is not the article's text at {s}..{e}")
        out[(s, e)] = dict(span(text, s, e))
    return [out[k] for k in sorted(out)]


def entity_edges(text: str, start: int, end: int) -> None:
    """An entity begins and ends on a character of its name: QA found ' Iowa' and 'DALLAS ' saved
    (and then spread by the desk's memory), which no NER training or tool reads as the entity."""
    span_edges(text, start, end, "entity")


def span_edges(text: str, start: int, end: int, what: str, prefix: str = "") -> None:
    """``what`` at ``start..end`` begins and ends on a character that is not whitespace (a claim's
    content, speaker and cue too: QA found ' the Turkish lira…' and a cue ' next' saved)."""
    span = text[start:end]
    if span[0].isspace() or span[-1].isspace():
        key, edge = ("start", "begins") if span[0].isspace() else ("end", "ends")
        shown = escaped(span if len(span) <= 40 else span[:19] + "…" + span[-20:], 60)  # a line break shows
        raise DecisionError(f"field '{prefix}{key}': {what} {start}..{end} {edge} with whitespace ('{shown}')")


def new_roles(text: str, clean: dict[str, Any], state: dict[str, Any] | None, content: tuple[int, int]) -> None:
    """The speaker and cue an analyst gives (not those the claim had): no whitespace at their edges,
    outside the claim's ``content`` (:func:`outside_content`), and not overlapping each other (QA: a
    cue "Erdoğan" inside the speaker "Recep Tayyip Erdoğan" was taken, where the very same span was
    refused)."""
    given = {}
    for role in ("speaker", "cue"):
        ref = clean.get(role)
        if ref and (state is None or _where(state.get(role)) != _where(ref)):
            span_edges(text, ref["start"], ref["end"], role, f"{role}.")
            given[role] = ref
    moved = state is None or content != (state["start"], state["end"])
    before = None if state is None else (state["start"], state["end"])
    outside_content(text, content, {**(state or {}), **clean}, set(given), moved, before)
    if given:
        speaker = clean.get("speaker", state.get("speaker") if state else None)
        cue = clean.get("cue", state.get("cue") if state else None)
        if not (isinstance(speaker, dict) and isinstance(cue, dict)):
            return
        overlap = speaker["start"] < cue["end"] and cue["start"] < speaker["end"]
        if overlap and _where(speaker) != _where(cue):  # (the same span: distinct_roles says so)
            raise DecisionError(
                f"field 'cue': {cue['start']}..{cue['end']} overlaps the speaker {speaker['start']}..{speaker['end']}"
            )


def outside_content(
    text: str,
    content: tuple[int, int],
    after: dict[str, Any],
    given: set[str],
    moved: bool,
    before: tuple[int, int] | None = None,
) -> None:
    """The words about a statement are not the statement (QA, stop 46): a speaker or cue ``given``
    inside the claim's ``content`` is refused (`r` with nothing selected took "that", the content's
    first word, as the cue), and so is a ``moved`` content that takes in the speaker or cue it keeps
    (`C` over "The woman disputes …"). The extractor's own overlaps are left as they are — a quote
    its cue interrupts is one content with the cue inside, which its ``before`` content held already:
    such a content may still be trimmed or widened (QA, stop 50), as long as words of it stay on
    either side of the role (a content trimmed to "said Donna Brazile, …" is refused). The content itself is
    :func:`distinct_roles`' to refuse."""
    start, end = content
    for role in ("speaker", "cue"):
        ref = after.get(role)
        if not isinstance(ref, dict) or (ref["start"], ref["end"]) == content or not (role in given or moved):
            continue
        if not (ref["start"] < end and start < ref["end"]):
            continue
        if (
            role not in given
            and before is not None
            and ref["start"] < before[1]
            and before[0] < ref["end"]
            and text[start : ref["start"]].strip()
            and text[ref["end"] : end].strip()
        ):
            continue  # inside the content before it moved too, and still with words either side of it
        words = clean_line(text[ref["start"] : ref["end"]], 30)
        if role in given:
            raise DecisionError(
                f"field '{role}': {ref['start']}..{ref['end']} ('{words}') overlaps the claim's content "
                f"{start}..{end}: the {role} is words about it, outside it"
            )
        raise DecisionError(
            f"field 'start'/'end': the content {start}..{end} takes in the claim's {role} "
            f"{ref['start']}..{ref['end']} ('{words}'): move or clear the {role} first, or leave it out of the content"
        )


def _where(ref: Any) -> tuple[Any, Any] | None:
    return (ref.get("start"), ref.get("end")) if isinstance(ref, dict) else None


def new_candidate(article: dict[str, Any], fields: dict[str, Any]) -> dict[str, Any]:
    """The analyst's own candidate from ``fields`` (``kind``, ``start``, ``end``, ``label`` or claim fields)."""
    text, aid = article["text"], article["id"]
    kind = fields.get("kind")
    if kind not in KINDS:
        raise DecisionError("field 'kind' must be 'entity' or 'claim'")
    start, end = offsets(text, fields.get("start"), fields.get("end"))
    if kind == "entity":
        if fields.get("label") is None:
            raise DecisionError("field 'label' is required for an entity (e.g. PERSON)")
        name = label(fields.get("label"))
        entity_edges(text, start, end)
        ts, te = token_range(text, article.get("tokens") or [], start, end)
        return dict(entity_candidate(text, aid, start, end, name, token_start=ts, token_end=te, origin="analyst"))
    span_edges(text, start, end, "the claim's content")
    extra = claim_fields(text, fields)
    new_roles(text, extra, None, (start, end))
    distinct_roles(start, end, extra.get("speaker"), extra.get("cue"))
    inside_claim(start, end, extra)
    if "quote_type" not in extra:  # quoted as its words are (an `apply` line need not say)
        extra["quote_type"] = quote_type_of(
            text, start, end, attributed=bool(extra.get("speaker") or extra.get("cue")), roles=_roles(extra)
        )
    return dict(claim_candidate(text, aid, start, end, origin="analyst", **extra))


def _roles(claim: dict[str, Any]) -> list[tuple[int, int]]:
    """A claim's speaker and cue spans (an interrupted quote holds them: still a direct quote)."""
    return [(r["start"], r["end"]) for r in (claim.get("speaker"), claim.get("cue")) if isinstance(r, dict)]


def changes(article: dict[str, Any], state: dict[str, Any], wanted: Any) -> dict[str, Any]:
    """The fields an edit really changes, checked; DecisionError if none or if any is invalid."""
    if not isinstance(wanted, dict) or not wanted:
        raise DecisionError("an edit needs changed fields (label, start/end, or claim fields)")
    allowed = ENTITY_EDITS if state["kind"] == "entity" else CLAIM_EDITS
    unknown = set(wanted) - allowed
    if unknown:
        raise DecisionError(
            f"field '{clean_line(sorted(unknown)[0], 40)}' cannot be edited on {'an' if state['kind'] == 'entity' else 'a'} {state['kind']}"
        )
    text = article["text"]
    clean: dict[str, Any] = {}
    if "start" in wanted or "end" in wanted:
        # (QA, stop 50: an end typed before the start was blamed on 'start', which was as it was)
        blamed = "end" if wanted.get("start", state["start"]) == state["start"] else "start"
        s, e = offsets(text, wanted.get("start", state["start"]), wanted.get("end", state["end"]), moved=blamed)
        clean.update(start=s, end=e, text=text[s:e])
        if state["kind"] == "entity":
            entity_edges(text, s, e)
            clean["token_start"], clean["token_end"] = token_range(text, article.get("tokens") or [], s, e)
        elif (s, e) != (state["start"], state["end"]):
            span_edges(text, s, e, "the claim's content")
    if "label" in wanted:
        clean["label"] = label(wanted["label"])
    if state["kind"] == "claim":
        clean.update(claim_fields(text, wanted))
        new_roles(text, clean, state, (clean.get("start", state["start"]), clean.get("end", state["end"])))
        after = {**state, **clean}
        distinct_roles(after["start"], after["end"], after.get("speaker"), after.get("cue"))
        inside_claim(after["start"], after["end"], clean)
        moved = (after["start"], after["end"]) != (state["start"], state["end"])
        if moved and "quote_type" not in clean:
            # quoted as its new words are (QA, stop 50: the editor's moved content kept "indirect"
            # where its words now held a quote; `C` worked it out, the editor and `apply` did not)
            attributed = bool(after.get("speaker") or after.get("cue"))
            clean["quote_type"] = quote_type_of(
                text, after["start"], after["end"], attributed=attributed, roles=_roles(after)
            )
        for role in ("numbers", "hedges"):  # not given for a moved content: those left inside it stay
            if role not in clean and (after["start"], after["end"]) != (state["start"], state["end"]):
                clean[role] = [
                    x for x in state.get(role) or [] if after["start"] <= x["start"] and x["end"] <= after["end"]
                ]
    clean = {k: v for k, v in clean.items() if state.get(k) != v}
    if not clean:
        raise NothingChanged("the edit changes nothing")
    return clean
