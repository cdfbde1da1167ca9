"""The command line, through typer's CliRunner (and the installed script for a few cases)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from typer.testing import CliRunner

import eventwire.cli as cli
from eventwire.pipeline import Pipeline
from eventwire.record import json_schema

DATA = Path(__file__).parent / "data"
SCRIPT = Path(sys.executable).with_name("eventwire")


@pytest.fixture(scope="module")
def bare() -> Pipeline:
    return Pipeline(stages=())


@pytest.fixture()
def runner(bare: Pipeline, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """A runner whose commands use the stage-less pipeline (foundation behaviour only)."""
    calls: list[tuple[Any, ...]] = []

    def make(*args: Any) -> Pipeline:
        calls.append(args)
        return bare

    monkeypatch.setattr(cli, "_make_pipeline", make)
    return CliRunner()


def _lines(text: str) -> list[str]:
    return [ln for ln in text.splitlines() if ln.strip()]


# --------------------------------------------------------------------------- extract


def test_extract_txt_writes_valid_jsonl(runner: CliRunner) -> None:
    path = DATA / "field_header.txt"
    r = runner.invoke(cli.app, ["extract", str(path)])
    assert r.exit_code == 0, r.stderr
    [line] = _lines(r.stdout)
    rec = json.loads(line)
    jsonschema.Draft202012Validator(json_schema()).validate(rec)
    assert rec["id"] == "field_header"
    assert rec["text"] == path.read_text(encoding="utf-8")
    assert rec["date"] == "2022-08-15" and rec["title"] == "Flood waters rise in Marlow"
    for seg in rec["segments"]:
        assert rec["text"][seg["span"][0] : seg["span"][1]].split(":")[0] in (
            "Title",
            "Date",
            "Source",
            "URL",
        )


def test_extract_format_json(runner: CliRunner) -> None:
    one = runner.invoke(cli.app, ["extract", "--format", "json", str(DATA / "no_header.txt")])
    assert one.exit_code == 0, one.stderr
    obj = json.loads(one.stdout)
    assert isinstance(obj, dict) and obj["id"] == "no_header"
    two = runner.invoke(cli.app, ["extract", "-f", "json", str(DATA / "batch.csv")])
    assert two.exit_code == 0, two.stderr
    arr = json.loads(two.stdout)
    assert [x["id"] for x in arr] == ["c1", "c2"]
    validator = jsonschema.Draft202012Validator(json_schema())
    for x in arr:
        validator.validate(x)


def test_extract_format_table(runner: CliRunner) -> None:
    r = runner.invoke(cli.app, ["extract", "--format", "table", str(DATA / "batch.csv")])
    assert r.exit_code == 0, r.stderr
    assert "Events" in r.stdout and "Quotes" in r.stdout
    assert "2 article(s), 0 event mention(s) (0 asserted), 0 quote(s)" in r.stdout
    with pytest.raises(json.JSONDecodeError):
        json.loads(r.stdout)


def test_extract_output_file(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "nested" / "out.jsonl"
    r = runner.invoke(cli.app, ["extract", str(DATA / "batch.csv"), "-o", str(out)])
    assert r.exit_code == 0, r.stderr
    assert r.stdout == ""
    # rich may wrap this line at the terminal width
    assert "".join(f"wrote 2 record(s) to {out}".split()) in "".join(r.stderr.split())
    recs = [json.loads(ln) for ln in _lines(out.read_text(encoding="utf-8"))]
    assert [x["id"] for x in recs] == ["c1", "c2"]


def test_extract_directory_and_stdin(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.txt").write_text("Talks resumed in Valmora.", encoding="utf-8")
    (tmp_path / "a.txt").write_text("Workers went on strike.", encoding="utf-8")
    (tmp_path / "skip.docx").write_bytes(b"PK")
    r = runner.invoke(cli.app, ["extract", str(tmp_path)])
    assert r.exit_code == 0, r.stderr
    assert [json.loads(x)["id"] for x in _lines(r.stdout)] == ["a", "b"]
    data = b'{"id": "in1", "text": "Ships left the harbour."}\n'
    r = runner.invoke(cli.app, ["extract", "-"], input=data)
    assert r.exit_code == 0, r.stderr
    assert [json.loads(x)["id"] for x in _lines(r.stdout)] == ["in1"]


def test_extract_bad_inputs_keep_good_records(runner: CliRunner, tmp_path: Path) -> None:
    src = tmp_path / "mixed.jsonl"
    src.write_text(
        '{"id": "ok1", "text": "Farmers blocked the highway with tractors on Monday."}\n'
        '{"id": "broken", "text": "no closing brace"\n',
        encoding="utf-8",
    )
    missing = tmp_path / "absent.txt"
    r = runner.invoke(cli.app, ["extract", str(src), str(missing)])
    assert r.exit_code == 0, r.stderr
    assert [json.loads(x)["id"] for x in _lines(r.stdout)] == ["ok1"]
    errors = _lines(r.stderr)
    assert errors == [
        f"error: {src}:2: malformed JSON (Expecting ',' delimiter at column 44)",
        f"error: {missing}: no such file or directory",
    ]
    assert "Traceback" not in r.stderr


def test_extract_reader_warning_is_plain_text(runner: CliRunner) -> None:
    r = runner.invoke(cli.app, ["extract", str(DATA / "batch.jsonl")])
    assert r.exit_code == 0
    warn = [ln for ln in _lines(r.stderr) if ":5:" in ln]
    assert len(warn) == 1
    assert "2023-02-30" in warn[0]
    ids = [json.loads(x)["id"] for x in _lines(r.stdout)]
    assert ids == ["a1", "a5", "batch-6"]


def test_extract_warning_has_no_literal_markup(runner: CliRunner) -> None:
    r = runner.invoke(cli.app, ["extract", str(DATA / "batch.jsonl")])
    [warn] = [ln for ln in _lines(r.stderr) if ":5:" in ln]
    assert warn.startswith(f"warning: {DATA / 'batch.jsonl'}:5: invalid date '2023-02-30'")


def test_extract_nothing_processable(runner: CliRunner, tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    r = runner.invoke(cli.app, ["extract", str(empty), str(tmp_path / "missing.jsonl")])
    assert r.exit_code == 1
    assert r.stdout == ""
    assert _lines(r.stderr) == [
        f"error: {empty}: empty file",
        f"error: {tmp_path / 'missing.jsonl'}: no such file or directory",
        "error: no article could be processed",
    ]
    assert "Traceback" not in r.stderr


def test_extract_invalid_date_option(runner: CliRunner) -> None:
    r = runner.invoke(cli.app, ["extract", "--date", "2020-13-01", str(DATA / "no_header.txt")])
    assert r.exit_code == 2
    assert r.stdout == ""
    assert _lines(r.stderr) == ["error: --date: invalid date '2020-13-01' (month must be in 1..12)"]


def test_extract_date_option_is_default_only(runner: CliRunner) -> None:
    r = runner.invoke(
        cli.app,
        [
            "extract",
            "--date",
            "2019-07-01",
            str(DATA / "no_header.txt"),
            str(DATA / "field_header.txt"),
        ],
    )
    assert r.exit_code == 0, r.stderr
    dates = [json.loads(x)["date"] for x in _lines(r.stdout)]
    assert dates == ["2019-07-01", "2022-08-15"]


def test_script_rejects_bad_date_without_traceback() -> None:
    if not SCRIPT.exists():
        pytest.skip(f"{SCRIPT} is not installed")
    proc = subprocess.run(
        [str(SCRIPT), "extract", "--date", "not-a-date", str(DATA / "no_header.txt")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.strip() == "error: --date: invalid date 'not-a-date'"


# --------------------------------------------------------------------------- schema


def test_schema_command(tmp_path: Path) -> None:
    r = CliRunner().invoke(cli.app, ["schema"])
    assert r.exit_code == 0
    printed = json.loads(r.stdout)
    assert printed == json_schema()
    jsonschema.Draft202012Validator.check_schema(printed)
    out = tmp_path / "schema.json"
    r = CliRunner().invoke(cli.app, ["schema", "-o", str(out)])
    assert r.exit_code == 0
    assert json.loads(out.read_text(encoding="utf-8")) == printed


# --------------------------------------------------------------------------- eval

_GOLD_TEXT = 'Police arrested 20 protesters in Karavi on Monday. "We will not stop," said Ana Rios.'


def _gold_dir(root: Path) -> Path:
    gold = root / "gold"
    gold.mkdir()
    (gold / "karavi-1.json").write_text(
        json.dumps(
            {
                "id": "karavi-1",
                "date": "2024-03-05",
                "text": _GOLD_TEXT,
                "events": [
                    {
                        "type": "COERCE",
                        "evidence": "Police arrested 20 protesters in Karavi on Monday.",
                        "trigger": "arrested",
                        "factuality": "asserted",
                    }
                ],
                "quotes": [{"text": "We will not stop,", "speaker": "Ana Rios", "kind": "direct"}],
            }
        ),
        encoding="utf-8",
    )
    return gold


def test_eval_prints_figures(runner: CliRunner, tmp_path: Path) -> None:
    r = runner.invoke(cli.app, ["eval", str(_gold_dir(tmp_path))])
    assert r.exit_code == 0, r.stderr
    for name in ("event_f1", "nonasserted_leak_rate", "quote_f1", "speaker_accuracy"):
        assert name in r.stdout
    assert re.search(r"articles\s*│\s*1\s*│", r.stdout)
    assert re.search(r"event_fn\s*│\s*1\s*│", r.stdout)
    assert re.search(r"speaker_accuracy\s*│\s*n/a\s*│", r.stdout)


def test_eval_json(runner: CliRunner, tmp_path: Path) -> None:
    r = runner.invoke(cli.app, ["eval", str(_gold_dir(tmp_path)), "--json", "--detail"])
    assert r.exit_code == 0, r.stderr
    out = json.loads(r.stdout)
    f = out["figures"]
    # the stage-less pipeline finds nothing: one missed event and one missed quote
    assert (f["articles"], f["event_tp"], f["event_fn"], f["event_fp"]) == (1, 0, 1, 0)
    assert f["event_f1"] == 0.0 and f["quote_f1"] == 0.0
    assert f["nonasserted_leak_rate"] is None and f["speaker_accuracy"] is None
    assert out["details"][0]["missed"][0]["type"] == "COERCE"
    assert out["details"][0]["quote_missed"] == ["We will not stop,"]


def test_eval_reports_bad_gold_files(runner: CliRunner, tmp_path: Path) -> None:
    gold = _gold_dir(tmp_path)
    bad = gold / "zz-bad.json"
    bad.write_text("{not json", encoding="utf-8")
    r = runner.invoke(cli.app, ["eval", str(gold), "--json"])
    assert r.exit_code == 0
    assert json.loads(r.stdout)["figures"]["articles"] == 1
    assert f"error: {bad}:1: malformed JSON" in r.stderr


def test_eval_missing_dir(runner: CliRunner, tmp_path: Path) -> None:
    missing = tmp_path / "no-gold"
    r = runner.invoke(cli.app, ["eval", str(missing)])
    assert r.exit_code == 2
    assert _lines(r.stderr) == [f"error: {missing}: no such file or directory"]
    assert "Traceback" not in r.stderr


def test_eval_dir_without_gold(runner: CliRunner, tmp_path: Path) -> None:
    r = runner.invoke(cli.app, ["eval", str(tmp_path)])
    assert r.exit_code == 1
    assert "no gold files could be read" in r.stderr


# --------------------------------------------------------------------------- full pipeline


def test_extract_with_default_pipeline(
    pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Needs every default stage: the real pipeline's output validates and has the event."""
    monkeypatch.setattr(cli, "_make_pipeline", lambda *a: pipeline)
    src = tmp_path / "arrests.txt"
    src.write_text("date 2024-03-05\n\n" + _GOLD_TEXT + "\n", encoding="utf-8")
    r = CliRunner().invoke(cli.app, ["extract", str(src)])
    assert r.exit_code == 0, r.stderr
    rec = json.loads(r.stdout)
    jsonschema.Draft202012Validator(json_schema()).validate(rec)
    assert any(
        ev["type"] == "COERCE" and ev["trigger"]["text"] == "arrested" for ev in rec["events"]
    )
    assert any(q["text"].startswith("We will not stop") for q in rec["quotes"])
