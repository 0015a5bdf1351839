"""Pydantic models of the ``newsreview/2`` export format; ``json_schema()`` is the shipped JSON Schema.

``newsreview schema`` prints it; ``tui/newsreview-export.schema.json`` is the same, generated, and a
test keeps the two in step and validates real exports against the models.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from extractors.vocabulary import Origin

SCHEMA_FILE = Path(__file__).with_name("newsreview-export.schema.json")

Status = Literal["accepted", "edited", "added", "rejected", "pending", "disputed"]
ReviewStatus = Literal["accepted", "edited", "added", "rejected"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SpanRef(_Strict):
    start: int = Field(ge=0, description="character offset (Python str index) into the article text")
    end: int = Field(ge=0, description="exclusive end offset")
    text: str = Field(description="always equals article.text[start:end]")


class Speaker(SpanRef):
    entity_id: str | None = Field(
        default=None,
        description=(
            "the entity this speaker refers to, one of this article's exported entities; null when there is "
            "none or that entity is not in the export (rejected, left out by --include, or its label outside the "
            "store's label set)"
        ),
    )
    name: str | None = Field(
        default=None, description="the fullest mention of the source (e.g. 'Ben Wallace' for 'he')"
    )


class ReviewEntry(BaseModel):
    """One reviewer's version of an item (the fields they changed appear beside these)."""

    model_config = ConfigDict(extra="allow")
    reviewer: str
    status: ReviewStatus
    decided_at: str
    adjudication: bool | None = Field(default=None, description="true for a lead's adjudication")
    chose: str | None = Field(default=None, description="whose version an adjudication chose")
    changed_since: list[str] | None = Field(
        default=None, description="on an adjudication: reviewers who decided again, or undid, after it"
    )
    in_effect: bool | None = Field(
        default=None,
        description="on an adjudication: true for the one the final view follows (the one whose lead had seen the others)",
    )


class Adjudication(_Strict):
    reviewer: str = Field(description="who settled it")
    decided_at: str
    chose: str | None = Field(description="the reviewer whose version was chosen; null if the adjudicator's own")
    changed_since: list[str] = Field(
        default_factory=list,
        description="reviewers who decided again, or undid their decision, after it (the adjudication still stands; a lead may look again)",
    )


class Decided(_Strict):
    status: Status = Field(description="the final view's status (or a reviewer's, with --reviewer)")
    origin: Origin
    model: str | None = Field(description="spaCy pipeline name-version that produced it; null for analyst/imported")
    reviewer: str | None = Field(
        default=None, description="whose decision stands (the adjudicator, or the first of the reviewers who agree)"
    )
    decided_at: str | None = None
    original: dict[str, Any] | None = Field(default=None, description="the edited fields' values before the edit")
    reviews: list[ReviewEntry] | None = Field(default=None, description="every reviewer's version, oldest first")
    adjudication: Adjudication | None = None


class Suggestion(_Strict):
    action: Literal["accept", "reject", "edit", "add"]
    label: str | None = Field(default=None, description="the label an 'edit' suggestion relabels to")
    start: int | None = Field(default=None, description="the start an 'edit' suggestion moves the span to")
    end: int | None = Field(default=None, description="the end an 'edit' suggestion moves the span to")
    support: int = Field(ge=1, description="how many times the desk decided so before")
    reason: str


class Entity(Decided):
    suggestion: Suggestion | None = Field(default=None, description="the desk memory's suggestion (pending items)")
    group: str | None = Field(default=None, description="the id of the entity group this mention belongs to")
    id: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str
    label: str
    token_start: int | None
    token_end: int | None = Field(description="exclusive")


class Claim(Decided):
    id: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str = Field(description="the claim's content")
    speaker: Speaker | None
    cue: SpanRef | None
    quote_type: Literal["direct", "indirect", "mixed", "none"]
    numbers: list[SpanRef]
    hedges: list[SpanRef] = Field(default_factory=list)
    checkworthiness: float = Field(ge=0, le=1)
    desk_checkworthiness: float | None = Field(
        default=None,
        ge=0,
        le=1,
        description="the extractor's check-worthiness corrected by this store's decisions (absent without a store)",
    )


class Review(_Strict):
    status: Literal["pending", "in_progress", "done"]
    entity_status: Literal["pending", "in_progress", "done"] | None = Field(
        default=None,
        description="the same over the entities alone (a Prodigy ner.manual task's answer follows it); "
        "absent from exports of releases before it",
    )
    reviewers: list[str]
    decided: int = Field(ge=0)
    disputed: int = Field(ge=0, default=0)
    total: int = Field(ge=0, description="candidates to decide (the desk memory's pending proposals are not counted)")
    updated_at: str | None


class Group(_Strict):
    id: str
    name: str = Field(description="the fullest mention's text")
    label: str
    mentions: list[str] = Field(description="ids of the exported mentions, in article order")


class Article(_Strict):
    id: str
    title: str
    text: str
    source: str
    url: str = ""
    published: str = ""
    meta: dict[str, Any]
    review: Review
    entities: list[Entity]
    claims: list[Claim]
    groups: list[Group] = Field(default_factory=list, description="the article's entity groups")


class Export(_Strict):
    format: Literal["newsreview/2"]
    exported_at: str
    articles: list[Article]


def json_schema() -> dict[str, Any]:
    schema = Export.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "newsreview export (newsreview/2)"
    return schema


def render_schema() -> str:
    return json.dumps(json_schema(), indent=2) + "\n"
