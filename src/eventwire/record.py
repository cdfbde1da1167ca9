"""The output record: typed models for EVENTS.md section 7.

Every span is ``[start, end)`` in character offsets into ``ArticleRecord.text``.
The models are used both as the public output and as the internal currency of
the pipeline stages (which produce them with spans in the *analysis text*; the
record builder maps those spans back to the stored text, see ``clean.TextMap``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Span = tuple[int, int]

EVENT_TYPES: tuple[str, ...] = (
    "AGREE",
    "CONSULT",
    "SUPPORT",
    "CONCEDE",
    "COOPERATE",
    "AID",
    "RETREAT",
    "REQUEST",
    "ACCUSE",
    "REJECT",
    "THREATEN",
    "PROTEST",
    "SANCTION",
    "MOBILIZE",
    "COERCE",
    "ASSAULT",
)

SECTORS: tuple[str, ...] = (
    "AGR", "BUS", "COP", "CRM", "CVL", "EDU", "ELI", "GOV", "JRN", "JUD", "LAB",
    "LEG", "MED", "MIL", "OPP", "PRE", "PRM", "PTY", "REB", "REF", "REL", "SOC",
    "SPY", "UAF", "UNK",
)  # fmt: skip

# PLOVER codes for international non-state actors (EVENTS.md section 3).
INTERNATIONAL_CODES: tuple[str, ...] = ("UNO", "EUR", "IGO", "NGO", "ISM", "IMG", "MNC")

EventType = Literal[
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
]  # fmt: skip
Factuality = Literal["asserted", "negated", "future", "hypothetical"]
SegmentKind = Literal["boilerplate", "credit", "caption", "dateline"]
TimeType = Literal["DATE", "TIME", "DURATION", "SET"]
QuoteKind = Literal["direct", "indirect"]
DateSource = Literal["explicit", "relative", "coreference", "article"]
LocationSource = Literal["sentence", "coreference", "dateline", "article"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=False)


class Segment(_Model):
    """A part of the text that is not article body."""

    span: Span
    kind: SegmentKind


class Entity(_Model):
    """A distinct actor of the article after coreference, with every mention."""

    id: str
    name: str
    type: str = Field(description="NER-style type: PERSON, ORG, GPE, NORP, GROUP ...")
    country: str | None = None
    sector: str | None = None
    mentions: list[Span] = Field(default_factory=list)


class Place(_Model):
    """A toponym mention resolved to one gazetteer entry."""

    text: str
    span: Span
    name: str | None = None
    country: str | None = None
    admin1: str | None = None
    lat: float | None = None
    lon: float | None = None
    feature: str | None = None


class Time(_Model):
    """A temporal expression normalized TIMEX3-style against the publication date."""

    text: str
    span: Span
    value: str | None = None
    type: TimeType = "DATE"


class Actor(_Model):
    """An event's actor or target (EVENTS.md section 3)."""

    text: str | None = None
    name: str | None = None
    country: str | None = None
    sector: str | None = None
    entity: str | None = Field(default=None, description="id of the entity in `entities`")
    span: Span | None = None


class Location(_Model):
    """Where an event took place (EVENTS.md section 4)."""

    text: str | None = None
    name: str | None = None
    country: str | None = None
    lat: float | None = None
    lon: float | None = None
    span: Span | None = None


class Trigger(_Model):
    text: str
    span: Span


class Attribution(_Model):
    """Who reports or claims an event: a speaker, a document or the outlet."""

    text: str
    name: str | None = None
    entity: str | None = None
    quote: str | None = Field(default=None, description="id of the enclosing quote")


class Event(_Model):
    """One event mention (EVENTS.md sections 1-5)."""

    id: str
    type: EventType
    mode: str | None = None
    cameo: str | None = None
    actor: Actor | None = None
    target: Actor | None = None
    date: str | None = None
    date_source: DateSource | None = None
    location: Location | None = None
    location_source: LocationSource | None = None
    factuality: Factuality = "asserted"
    source: Attribution | None = None
    trigger: Trigger
    sentence_span: Span
    confidence: float = Field(ge=0.0, le=1.0, default=0.5)
    segment: SegmentKind | None = Field(
        default=None, description="set when the mention lies in a caption or other non-body part"
    )
    coref: str | None = Field(
        default=None, description="id shared by mentions of the same action in this article"
    )
    explain: dict[str, Any] | None = Field(
        default=None, description="rule and dependency paths that produced the event (--explain)"
    )


class Speaker(_Model):
    text: str | None = None
    name: str | None = None
    entity: str | None = None
    span: Span | None = None


class Quote(_Model):
    """Speech attributed to a speaker (EVENTS.md section 6)."""

    id: str
    text: str
    span: Span
    kind: QuoteKind = "direct"
    speaker: Speaker | None = None
    cue: str | None = None
    events: list[str] = Field(default_factory=list)


class ArticleRecord(_Model):
    """One article's output record (EVENTS.md section 7)."""

    id: str
    title: str | None = None
    date: str | None = None
    source: str | None = None
    url: str | None = None
    language: str = "en"
    text: str
    segments: list[Segment] = Field(default_factory=list)
    entities: list[Entity] = Field(default_factory=list)
    places: list[Place] = Field(default_factory=list)
    times: list[Time] = Field(default_factory=list)
    events: list[Event] = Field(default_factory=list)
    quotes: list[Quote] = Field(default_factory=list)
    warnings: list[str] = Field(
        default_factory=list, description="problems met while reading this article"
    )

    def to_json(self, *, indent: int | None = None) -> str:
        """The record as JSON (``warnings`` only when there are some), on one line unless
        ``indent`` is given: U+2028, U+2029 and U+0085 are written as escapes (see
        :func:`escape_line_breaks`)."""
        return escape_line_breaks(
            self.model_dump_json(indent=indent, exclude={"warnings"} if not self.warnings else None)
        )

    def to_dict(self) -> dict[str, Any]:
        """The record as JSON-ready data (``warnings`` only when there are some)."""
        return self.model_dump(mode="json", exclude={"warnings"} if not self.warnings else None)


#: Characters that JSON keeps raw inside strings but that many line readers (Python's
#: ``str.splitlines``, editors, JavaScript before ES2019) take for line ends: written as
#: ``\\uXXXX`` escapes, a JSON Lines record stays on one line for every reader. (JSON
#: escapes U+0000-U+001F always; outside strings these characters cannot occur, so the
#: replacement never changes the value.)
_LINE_BREAKS_IN_JSON = (("\u2028", "\\u2028"), ("\u2029", "\\u2029"), ("\x85", "\\u0085"))


def escape_line_breaks(json_text: str) -> str:
    """``json_text`` (serialised JSON) with U+2028, U+2029 and U+0085 escaped."""
    for raw, escaped in _LINE_BREAKS_IN_JSON:
        if raw in json_text:
            json_text = json_text.replace(raw, escaped)
    return json_text


def dumps_line(value: Any, **options: Any) -> str:
    """``json.dumps(value, ensure_ascii=False, **options)`` safe for JSON Lines (see
    :func:`escape_line_breaks`); no line end added."""
    return escape_line_breaks(json.dumps(value, ensure_ascii=False, **options))


def json_schema() -> dict[str, Any]:
    """The JSON Schema of one output record."""
    schema = ArticleRecord.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://eventwire.invalid/schema/article-record.json"
    return schema


def write_json_schema(path: str | Path) -> None:
    Path(path).write_text(json.dumps(json_schema(), indent=2) + "\n", encoding="utf-8")
