"""The output record: pydantic models and their JSON Schema (EVENTS.md section 7)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from pydantic import ValidationError

from eventwire.record import (
    EVENT_TYPES,
    ArticleRecord,
    Event,
    json_schema,
    write_json_schema,
)

ROOT = Path(__file__).resolve().parents[1]

TEXT = (
    "BAGHDAD / DUBAI – Defense Secretary Mark Esper said on Monday that the United States "
    'had no plans to leave Iraq. "There is no decision to leave Iraq," Esper told reporters. '
    "He was killed by an American drone at Baghdad airport on Friday."
)


def _span(sub: str, length: int | None = None) -> list[int]:
    """The span of the first occurrence of ``sub`` (of its first ``length`` chars)."""
    s = TEXT.index(sub)
    return [s, s + (len(sub) if length is None else length)]


def full_record() -> dict[str, Any]:
    """A complete record in the shape of EVENTS.md section 7, every span checked against TEXT."""
    sent = "He was killed by an American drone at Baghdad airport on Friday."
    return {
        "id": "iraq-1",
        "title": "Esper: no decision to leave Iraq",
        "date": "2020-01-06",
        "source": "Reuters",
        "url": "https://news.example/iraq",
        "language": "en",
        "text": TEXT,
        "segments": [{"span": _span("BAGHDAD / DUBAI –"), "kind": "dateline"}],
        "entities": [
            {
                "id": "e1",
                "name": "Mark Esper",
                "type": "PERSON",
                "country": "USA",
                "sector": "GOV",
                "mentions": [_span("Mark Esper"), _span("Esper told", 5)],
            }
        ],
        "places": [
            {
                "text": "Baghdad airport",
                "span": _span("Baghdad airport"),
                "name": "Baghdad International Airport",
                "country": "IRQ",
                "admin1": "Baghdad",
                "lat": 33.26,
                "lon": 44.23,
                "feature": "airport",
            }
        ],
        "times": [
            {"text": "Friday", "span": _span("Friday"), "value": "2020-01-03", "type": "DATE"}
        ],
        "events": [
            {
                "id": "v1",
                "type": "ASSAULT",
                "mode": "aerial",
                "cameo": "18",
                "actor": {
                    "text": "American",
                    "name": "United States",
                    "country": "USA",
                    "sector": "MIL",
                    "entity": None,
                    "span": _span("American"),
                },
                "target": {"text": "He", "name": None, "country": None, "sector": None},
                "date": "2020-01-03",
                "date_source": "relative",
                "location": {
                    "text": "Baghdad airport",
                    "name": "Baghdad International Airport",
                    "country": "IRQ",
                    "lat": 33.26,
                    "lon": 44.23,
                    "span": _span("Baghdad airport"),
                },
                "location_source": "sentence",
                "factuality": "asserted",
                "source": {"text": "Reuters", "name": None, "entity": None, "quote": None},
                "trigger": {"text": "killed", "span": _span("killed")},
                "sentence_span": _span(sent),
                "confidence": 0.91,
                "segment": None,
                "coref": "c1",
            }
        ],
        "quotes": [
            {
                "id": "q1",
                "text": "There is no decision to leave Iraq,",
                "span": _span("There is no decision to leave Iraq,"),
                "kind": "direct",
                "speaker": {
                    "text": "Esper",
                    "name": "Mark Esper",
                    "entity": "e1",
                    "span": _span("Esper told", 5),
                },
                "cue": "told",
                "events": [],
            }
        ],
    }


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return json_schema()


def test_schema_is_valid_draft_2020_12(schema: dict[str, Any]) -> None:
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["type"] == "object"


def test_full_record_validates_against_schema_and_model(schema: dict[str, Any]) -> None:
    data = full_record()
    jsonschema.Draft202012Validator(schema).validate(data)
    rec = ArticleRecord.model_validate(data)
    # the dumped record validates too, and round-trips
    dumped = json.loads(rec.to_json())
    jsonschema.Draft202012Validator(schema).validate(dumped)
    assert ArticleRecord.model_validate(dumped) == rec
    assert rec.events[0].trigger.span == (TEXT.index("killed"), TEXT.index("killed") + 6)
    for ev in rec.events:
        s, e = ev.trigger.span
        assert TEXT[s:e] == ev.trigger.text


def test_schema_rejects_what_the_model_rejects(schema: dict[str, Any]) -> None:
    validator = jsonschema.Draft202012Validator(schema)
    data = full_record()
    data["events"][0]["type"] = "BOMBING"
    assert not validator.is_valid(data)
    data = full_record()
    data["unexpected"] = 1
    assert not validator.is_valid(data)
    data = full_record()
    del data["text"]
    assert not validator.is_valid(data)


def test_top_level_field_names_match_spec() -> None:
    spec_fields = {
        "id",
        "title",
        "date",
        "source",
        "url",
        "language",
        "text",
        "segments",
        "entities",
        "places",
        "times",
        "events",
        "quotes",
    }
    assert set(ArticleRecord.model_fields) - {"warnings"} == spec_fields
    # the order of EVENTS.md section 7 (header fields, text, then the lists)
    assert list(ArticleRecord.model_fields)[:7] == [
        "id",
        "title",
        "date",
        "source",
        "url",
        "language",
        "text",
    ]


def test_nested_field_names_match_spec(schema: dict[str, Any]) -> None:
    defs = schema["$defs"]
    assert set(defs["Entity"]["properties"]) == {
        "id",
        "name",
        "type",
        "country",
        "sector",
        "mentions",
    }
    assert set(defs["Place"]["properties"]) == {
        "text",
        "span",
        "name",
        "country",
        "admin1",
        "lat",
        "lon",
        "feature",
    }
    assert set(defs["Time"]["properties"]) == {"text", "span", "value", "type"}
    assert {"text", "name", "country", "sector"} <= set(defs["Actor"]["properties"])
    assert {"text", "name", "country", "lat", "lon"} <= set(defs["Location"]["properties"])
    assert {
        "id",
        "type",
        "mode",
        "cameo",
        "actor",
        "target",
        "date",
        "date_source",
        "location",
        "factuality",
        "source",
        "trigger",
        "sentence_span",
        "confidence",
    } <= set(defs["Event"]["properties"])
    assert {"id", "text", "span", "kind", "speaker", "cue"} <= set(defs["Quote"]["properties"])
    assert set(defs["Segment"]["properties"]) == {"span", "kind"}


def test_event_types_are_the_sixteen_plover_types(schema: dict[str, Any]) -> None:
    assert len(EVENT_TYPES) == 16 == len(set(EVENT_TYPES))
    assert set(schema["$defs"]["Event"]["properties"]["type"]["enum"]) == set(EVENT_TYPES)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("type", "BOMBING"),
        ("type", "assault"),
        ("factuality", "likely"),
        ("factuality", "Asserted"),
        ("confidence", 1.5),
        ("date_source", "guess"),
        ("segment", "footer"),
    ],
)
def test_model_rejects_bad_values(field: str, value: object) -> None:
    ev = full_record()["events"][0]
    Event.model_validate(ev)  # the untouched event is fine
    ev[field] = value
    with pytest.raises(ValidationError):
        Event.model_validate(ev)


def test_model_rejects_unknown_fields_and_bad_segment_kind() -> None:
    data = full_record()
    data["events"][0]["polarity"] = "neg"
    with pytest.raises(ValidationError):
        ArticleRecord.model_validate(data)
    data = full_record()
    data["segments"][0]["kind"] = "footer"
    with pytest.raises(ValidationError):
        ArticleRecord.model_validate(data)


def test_defaults_and_to_json_warnings() -> None:
    rec = ArticleRecord(id="x", text="Troops left.")
    assert rec.language == "en" and rec.events == [] and rec.date is None
    assert "warnings" not in json.loads(rec.to_json())
    rec.warnings.append("x.txt: something odd")
    assert json.loads(rec.to_json())["warnings"] == ["x.txt: something odd"]
    assert rec.to_dict()["text"] == "Troops left."


def test_schema_file_matches_models(tmp_path: Path, schema: dict[str, Any]) -> None:
    """docs/record.schema.json (when present) is what ``eventwire schema`` generates."""
    committed = ROOT / "docs" / "record.schema.json"
    generated = tmp_path / "record.schema.json"
    write_json_schema(generated)
    assert json.loads(generated.read_text(encoding="utf-8")) == schema
    if committed.exists():
        assert json.loads(committed.read_text(encoding="utf-8")) == schema, (
            "docs/record.schema.json is stale: regenerate with "
            "`eventwire schema -o docs/record.schema.json`"
        )
