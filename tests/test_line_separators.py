"""Line-break and separator characters inside ids and texts lose no article (issue 17).

JSON keeps U+2028, U+2029 and U+0085 raw inside strings, and scraped JSON often holds
raw U+001C-U+001E, U+000B or U+000C too; ``str.splitlines`` breaks lines at all of them.
Every reader (JSON Lines from a file, ``.gz``, standard input, the Ray engine's reader;
JSON; CSV) and every writer of JSON Lines must keep such an article whole.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import sys
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from eventwire import cli
from eventwire.errors import InputError
from eventwire.pipeline import Pipeline
from eventwire.read import ArticleInput, read_bytes, read_stream
from eventwire.read.files import split_jsonl
from eventwire.record import ArticleRecord, dumps_line

#: Every character that ``str.splitlines`` breaks at, the Unicode line and paragraph
#: separators (Zl, Zp), every space separator (Zs), tab, and the invisible separators
#: of the line-breaking algorithm (zero width space, BOM, Mongolian vowel separator).
SEPARATORS = sorted(
    {
        chr(cp)
        for cp in range(0x10000)
        if not 0xD800 <= cp <= 0xDFFF
        and (
            len(f"a{chr(cp)}b".splitlines()) > 1
            or unicodedata.category(chr(cp)) in ("Zl", "Zp", "Zs")
        )
    }
    | {"\t", "\r\n", "\u200b", "\ufeff", "\u180e"}
)
#: Separators that ``json.dumps`` escapes (C0 controls): some scrapers write them raw.
RAW_CONTROLS = [c for c in SEPARATORS if len(c) == 1 and ord(c) < 0x20 and c not in "\r\n"]


def test_the_separator_classes_are_all_there() -> None:
    names = set(SEPARATORS)
    for ch in ("\n", "\r", "\r\n", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85"):
        assert ch in names
    for ch in ("\u2028", "\u2029", "\u00a0", "\u3000", "\u202f", "\u1680"):
        assert ch in names
    assert RAW_CONTROLS == ["\t", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e"]


def settings_() -> Any:
    return settings(
        max_examples=40,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow],
    )


_piece = st.one_of(
    st.sampled_from(SEPARATORS),
    st.sampled_from(["Police", "said", "Nairobi", "protest", "é", "字", "x"]),
)
#: a string with at least one letter, and separators anywhere (also first and last)
field = st.builds(
    lambda a, w, b: "".join(a) + w + "".join(b),
    st.lists(_piece, max_size=6),
    st.sampled_from(["Police", "x", "Ünal", "记者"]),
    st.lists(_piece, max_size=6),
)
records = st.lists(st.tuples(field, field), min_size=1, max_size=5)


def _articles(items: list[ArticleInput | InputError]) -> list[tuple[str, str]]:
    errors = [str(i) for i in items if isinstance(i, InputError)]
    assert not errors, errors
    return [(a.id, a.text) for a in items if isinstance(a, ArticleInput)]


def _jsonl(recs: list[tuple[str, str]], *, raw_controls: bool = False) -> bytes:
    text = "".join(dumps_raw({"id": i, "text": t}, raw_controls) + "\n" for i, t in recs)
    return text.encode("utf-8")


def dumps_raw(obj: Any, raw_controls: bool) -> str:
    """``json.dumps`` as many writers call it (U+2028 ... raw); with ``raw_controls``, as
    sloppy ones write it (C0 separators raw too)."""
    out = json.dumps(obj, ensure_ascii=False)
    if raw_controls:
        out = out.replace("\\t", "\t").replace("\\f", "\f")
        for c in RAW_CONTROLS:
            out = out.replace(f"\\u{ord(c):04x}", c)
    return out


# ----------------------------------------------------------------------------- readers


@settings_()
@given(records)
def test_jsonl_file_gz_and_stdin_keep_every_article(recs: list[tuple[str, str]]) -> None:
    data = _jsonl(recs)
    assert _articles(list(read_bytes(data, "in.jsonl"))) == recs
    assert _articles(list(read_bytes(data, "in.ndjson"))) == recs
    assert _articles(list(read_bytes(gzip.compress(data), "in.jsonl.gz"))) == recs
    assert _articles(list(read_stream(io.BytesIO(data)))) == recs
    # Windows line ends, and no line end after the last record
    crlf = data.replace(b"}\n", b"}\r\n").rstrip(b"\r\n")
    assert _articles(list(read_bytes(crlf, "in.jsonl"))) == recs


@settings_()
@given(records)
def test_raw_control_separators_in_jsonl_are_read_with_a_warning(
    recs: list[tuple[str, str]],
) -> None:
    data = _jsonl(recs, raw_controls=True)
    items = list(read_bytes(data, "in.jsonl"))
    assert _articles(items) == recs
    for (_, text), art in zip(recs, items, strict=True):
        assert isinstance(art, ArticleInput)
        raw = any(c in text or c in art.id for c in RAW_CONTROLS)
        assert raw == any("raw control character" in w for w in art.warnings)


@settings_()
@given(records, st.booleans())
def test_json_list_and_object_keep_every_article(
    recs: list[tuple[str, str]], raw_controls: bool
) -> None:
    data = dumps_raw([{"id": i, "text": t} for i, t in recs], raw_controls).encode()
    assert _articles(list(read_bytes(data, "in.json"))) == recs
    one = dumps_raw({"id": recs[0][0], "text": recs[0][1]}, raw_controls).encode()
    assert _articles(list(read_bytes(one, "in.json"))) == recs[:1]
    # a ".json" file that is really JSON Lines
    assert _articles(list(read_bytes(_jsonl(recs, raw_controls=raw_controls), "in.json"))) == recs


@settings_()
@given(records)
def test_csv_keeps_every_article(recs: list[tuple[str, str]]) -> None:
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(["id", "text"])
    w.writerows(recs)
    data = buf.getvalue().encode("utf-8")
    assert _articles(list(read_bytes(data, "in.csv"))) == recs
    assert _articles(list(read_bytes(gzip.compress(data), "in.csv.gz"))) == recs


@settings_()
@given(records)
def test_the_ray_reader_keeps_every_article(recs: list[tuple[str, str]]) -> None:
    pa = pytest.importorskip("pyarrow")
    from eventwire.engine.ray_engine import _read_files
    from eventwire.engine.rows import row_article

    data = _jsonl(recs)
    table = pa.table({"bytes": [data, gzip.compress(data)], "path": ["a.jsonl", "b.jsonl.gz"]})
    rows = _read_files(table, None).to_pylist()
    arts = [row_article(r) for r in rows]
    assert _articles(arts) == recs + recs


def test_split_jsonl_splits_at_cr_and_lf_only() -> None:
    text = "".join(f'{{"t": "a{c}b"}}\n' for c in SEPARATORS if c not in ("\n", "\r", "\r\n"))
    assert len(split_jsonl(text)) == len(SEPARATORS) - 3
    assert split_jsonl("a\r\nb\rc\n\nd") == ["a", "b", "c", "", "d"]


def test_a_record_broken_by_a_raw_newline_is_reported_not_hidden() -> None:
    items = list(
        read_bytes(b'{"id": "a", "text": "one\ntwo"}\n{"id": "b", "text": "ok"}\n', "x.jsonl")
    )
    errors = [i for i in items if isinstance(i, InputError)]
    assert [i.where for i in errors] == ["x.jsonl:1", "x.jsonl:2"]
    assert [a.id for a in items if isinstance(a, ArticleInput)] == ["b"]


# ----------------------------------------------------------------------------- writers


@settings_()
@given(field, field)
def test_a_record_is_one_line_for_every_line_reader(rid: str, text: str) -> None:
    rec = ArticleRecord(id=rid, text=text, title=text, warnings=[text])
    line = rec.to_json()
    assert len(line.splitlines()) == 1
    assert ArticleRecord.model_validate_json(line) == rec
    assert len(dumps_line({"a": text}).splitlines()) == 1
    assert json.loads(dumps_line({"a": text})) == {"a": text}


def test_writers_are_byte_identical_without_separators() -> None:
    rec = ArticleRecord(id="a", text="Police said «ça» — 记者.")
    assert rec.to_json() == rec.model_dump_json(exclude={"warnings"})
    assert dumps_line({"a": "é"}) == json.dumps({"a": "é"}, ensure_ascii=False)


# ----------------------------------------------------------------------------- commands

ONE_PER_CLASS = [
    (f"sep-{ord(c[-1]):04x}{c}x", f"Police arrested 12 protesters{c}in Nairobi on Monday.{c}")
    for c in SEPARATORS
]


@pytest.fixture()
def one_per_class(tmp_path: Path) -> Path:
    path = tmp_path / "seps.jsonl"
    path.write_bytes(_jsonl(ONE_PER_CLASS, raw_controls=True))
    return path


def test_extract_and_ingest_lose_no_article(
    pipeline: Pipeline, one_per_class: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from eventwire.store import Store, commands

    monkeypatch.setattr(cli, "_make_pipeline", lambda *a: pipeline)
    r = CliRunner().invoke(cli.app, ["extract", str(one_per_class), "--workers", "1"])
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()  # the strictest line reader
    assert [json.loads(ln)["id"] for ln in lines] == [i for i, _ in ONE_PER_CLASS]
    assert [json.loads(ln)["text"] for ln in lines] == [t for _, t in ONE_PER_CLASS]

    monkeypatch.setattr(commands, "make_pipeline", lambda *a, **k: pipeline)
    db = tmp_path / "s.duckdb"
    r = CliRunner().invoke(
        cli.app, ["ingest", str(one_per_class), "--db", str(db), "--workers", "1", "--no-cluster"]
    )
    assert r.exit_code == 0, r.output
    with Store(db, read_only=True) as s:
        assert s.scalar("SELECT count(*) FROM articles") == len(ONE_PER_CLASS)
    # the store's JSON Lines export stays one record a line
    out = tmp_path / "articles.jsonl"
    r = CliRunner().invoke(
        cli.app, ["export", "--db", str(db), "-o", str(out), "-f", "jsonl", "--what", "articles"]
    )
    assert r.exit_code == 0, r.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert sorted(json.loads(ln)["text"] for ln in lines) == sorted(t for _, t in ONE_PER_CLASS)


def test_extract_from_stdin(
    pipeline: Pipeline, one_per_class: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli, "_make_pipeline", lambda *a: pipeline)
    r = CliRunner().invoke(
        cli.app, ["extract", "-", "--workers", "1"], input=one_per_class.read_bytes()
    )
    assert r.exit_code == 0, r.output
    assert [json.loads(ln)["id"] for ln in r.stdout.splitlines()] == [i for i, _ in ONE_PER_CLASS]


def test_post_extract_keeps_every_separator() -> None:
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from eventwire.web.app import create_app

    class Echo:
        version = "test"

        def extract(self, text: str, date: Any, **meta: Any) -> ArticleRecord:
            return ArticleRecord(id="a", text=text, title=meta.get("title"))

    client = TestClient(create_app(pipeline=Echo()))
    for _, text in ONE_PER_CLASS:
        for body in (
            json.dumps({"text": text, "title": text}, ensure_ascii=False).encode(),
            json.dumps({"text": text, "title": text}).encode(),  # \\uXXXX escapes
        ):
            r = client.post("/extract", content=body, headers={"content-type": "application/json"})
            assert r.status_code == 200, (repr(text), r.text)
            assert r.json()["text"] == text and r.json()["title"] == text
            assert len(r.text.splitlines()) == 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__, "-q"]))
