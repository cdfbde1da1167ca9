"""End-to-end: the CLI on the bundled examples, on the seed article and on the gold dev set."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from typer.testing import CliRunner

from eventwire import cli
from eventwire.record import json_schema

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "articles"
GOLD_DEV = ROOT.parent / "shared" / "gold" / "dev"
SEED = GOLD_DEV / "seed-iraq-2020-01-06.json"


def require(path: Path) -> Path:
    if not path.exists():
        pytest.skip(
            f"{path} is not present (shared/ lies beside the repo only in development and CI)"
        )
    return path


runner = CliRunner()


@pytest.fixture()
def shared_pipeline(pipeline: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The CLI builds its pipeline once per command: reuse the session's."""
    monkeypatch.setattr(cli, "_make_pipeline", lambda *a, **k: pipeline)
    return pipeline


def _records(output: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


def test_extract_examples_gives_one_valid_record_per_article(shared_pipeline: Any) -> None:
    result = runner.invoke(cli.app, ["extract", str(EXAMPLES)])
    assert result.exit_code == 0, result.output
    records = _records(result.stdout)
    # 5 .txt + 2 .html + 3 JSON Lines records; gold annotations are not articles
    assert len(records) == 10
    validator = jsonschema.Draft202012Validator(json_schema())
    for rec in records:
        validator.validate(rec)
        for ev in rec["events"]:
            s, e = ev["trigger"]["span"]
            assert rec["text"][s:e] == ev["trigger"]["text"]
        for q in rec["quotes"]:
            s, e = q["span"]
            assert rec["text"][s:e] == q["text"]
    assert sum(len(r["events"]) for r in records) > 30
    html = [r for r in records if r["title"] and r["source"]]
    assert html, "the HTML pages' title and site name are extracted"


def test_extract_examples_as_a_table(shared_pipeline: Any) -> None:
    result = runner.invoke(cli.app, ["extract", str(EXAMPLES), "--format", "table"])
    assert result.exit_code == 0, result.output
    assert "Events" in result.stdout and "Quotes" in result.stdout
    assert "article(s)" in result.stdout


def test_seed_article_as_txt(shared_pipeline: Any, tmp_path: Path) -> None:
    data = json.loads(require(SEED).read_text(encoding="utf-8"))
    path = tmp_path / "seed.txt"
    path.write_text(data["text"], encoding="utf-8")
    result = runner.invoke(cli.app, ["extract", str(path)])
    assert result.exit_code == 0, result.output
    (rec,) = _records(result.stdout)
    jsonschema.Draft202012Validator(json_schema()).validate(rec)
    text = rec["text"]
    assert text == data["text"]
    assert rec["date"] == "2020-01-06"  # from the header line
    marked = {(s["kind"], text[s["span"][0] : s["span"][1]]) for s in rec["segments"]}
    assert ("boilerplate", "advertisement") in marked
    assert any(k == "credit" and "Naif Rahma" in t for k, t in marked)
    assert any(k == "caption" and "Houthis supporter" in t for k, t in marked)
    assert any(k == "dateline" and t.startswith("BAGHDAD") for k, t in marked)
    speakers = {(q["speaker"] or {}).get("name") for q in rec["quotes"] if q["kind"] == "direct"}
    assert {"Mark Esper", "Mark Milley"} <= speakers
    assert any(name and "letter" in name.lower() for name in speakers)
    assert not any(e["name"].startswith("Naif") for e in rec["entities"])
    # the strike that killed the commander, dated by "on Friday"
    strikes = [
        e for e in rec["events"]
        if e["type"] == "ASSAULT" and e["factuality"] == "asserted" and e["date"] == "2020-01-03"
    ]  # fmt: skip
    assert strikes
    # "no plans to withdraw", "no decision to leave": never asserted
    for ev in rec["events"]:
        if ev["type"] == "RETREAT" and ev["trigger"]["text"] in ("withdraw", "leave"):
            sentence = text[ev["sentence_span"][0] : ev["sentence_span"][1]]
            if "no plans" in sentence or "no decision" in sentence:
                assert ev["factuality"] == "negated"


def test_eval_on_gold_dev_prints_every_figure(shared_pipeline: Any) -> None:
    require(GOLD_DEV)
    result = runner.invoke(cli.app, ["eval", str(GOLD_DEV), "--json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)["figures"]
    for key in (
        "event_precision", "event_recall", "event_f1", "actor_country_accuracy",
        "actor_name_accuracy", "target_country_accuracy", "target_name_accuracy",
        "date_accuracy", "location_accuracy", "nonasserted_leak_rate", "quote_precision",
        "quote_recall", "quote_f1", "speaker_accuracy",
    ):  # fmt: skip
        assert key in figures
    # regression guards well below the measured figures (docs/events.md)
    assert figures["event_f1"] >= 0.6
    assert figures["nonasserted_leak_rate"] <= 0.15
    assert figures["quote_f1"] >= 0.85


def test_eval_detail_lists_misses(shared_pipeline: Any) -> None:
    gold = EXAMPLES.parent / "gold"
    result = runner.invoke(cli.app, ["eval", str(gold), "--detail"])
    assert result.exit_code == 0, result.output
    assert "event_f1" in result.stdout
    assert "missed" in result.stdout or "false_positives" in result.stdout
