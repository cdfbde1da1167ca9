"""Property-based tests (Hypothesis) of every layer that reads untrusted text: the readers,
the cleaner and its offset map, the quote finder, the time normalizer, the whole
pipeline and the store. Whatever the input: no exception, every span inside the text
and equal to the substring it claims, output valid against the JSON Schema.

Example counts are modest so that the suite stays fast and the examples are drawn
from a fixed seed (a failure reproduces); ``EVENTWIRE_FUZZ_SCALE=20 pytest
tests/test_fuzz.py -p no:randomly`` runs a long hunt with fresh random examples.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import itertools
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eventwire.clean import analysis_text, find_segments
from eventwire.errors import InputError
from eventwire.quotes import find_marked_spans
from eventwire.read import ArticleInput, read_bytes, read_stream
from eventwire.record import ArticleRecord
from eventwire.times import find_times, normalize
from robust_support import HOSTILE_CHARS, NEWS_WORDS, fuzz_examples, record_problems

HUNT = "EVENTWIRE_FUZZ_SCALE" in os.environ


def fuzz(examples: int) -> Any:
    """Hypothesis settings of these tests."""
    return settings(
        max_examples=fuzz_examples(examples),
        deadline=None,
        database=None,
        derandomize=not HUNT,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


# ----------------------------------------------------------------------------- strategies

#: any character Python can hold but lone surrogates (those get their own tests)
any_text = st.text(st.characters(exclude_categories=["Cs"]), max_size=300)
hostile_char = st.sampled_from(list(HOSTILE_CHARS))
news_piece = st.one_of(
    st.sampled_from(NEWS_WORDS),
    hostile_char,
    st.text(st.characters(exclude_categories=["Cs"]), max_size=6),
    st.sampled_from([" ", "\n", "\n\n", ". ", ", ", "  ", "\u00a0"]),
)
#: texts that look enough like news for every stage to fire, with hostile characters in
news_text = st.lists(news_piece, max_size=160).map(lambda xs: " ".join(xs))
lone_surrogate = st.characters(categories=["Cs"])
line_piece = st.sampled_from(
    [
        "Share", "Advertisement", "Photo: AFP", "John Smith / Reuters", "Jane Doe /",
        "Asia Lens Photo", "BAGHDAD (Reuters) - Troops left.", "NAIROBI, Kenya — Police",
        "FILE PHOTO: A man walks.", "(AP Photo/John Doe)", "Read more: x", "date 2020-01-06",
        "Title: Storm", "The army said it had no plans.", "in Syria.The army", "PrioritiesLONDON —",
        "â€œQuoteâ€\x9d", "“Yes,” he said.", "\u00a0", "\t", "",
    ]
)  # fmt: skip
lines_text = st.lists(st.one_of(line_piece, any_text), max_size=25).map("\n".join)
TIME_WORDS = [
    "last Friday", "on March 3", "two weeks ago", "2020-01-01", "next year", "the 1990s",
    "at 3 p.m.", "every Monday", "for three days", "since 2019", "early Tuesday", "mid-2021",
    "Jan. 6", "the past decade", "yesterday", "Q3 2022", "1/2/2003", "10:45", "31 February",
    "2024-13-45", "9999 years ago", "in 10 million years", "the 21st century", "tonight",
]  # fmt: skip
time_text = st.one_of(
    any_text.map(lambda s: s[:60]),
    st.lists(st.sampled_from(TIME_WORDS + NEWS_WORDS[:30]), max_size=6).map(" ".join),
)
pub_dates = st.one_of(
    st.none(), st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2026, 12, 31))
)


def _no_surrogates(s: str) -> bool:
    return not re.search("[\ud800-\udfff]", s)


# ----------------------------------------------------------------------------- readers

EXTS = [".txt", ".html", ".json", ".jsonl", ".csv", ".txt.gz", ".jsonl.gz", ".csv.gz", ".doc"]


def _check_items(items: list[Any], name: str) -> None:
    for it in items:
        assert isinstance(it, ArticleInput | InputError), it
        if isinstance(it, InputError):
            assert it.where.startswith(name), it
            assert str(it) == f"{it.where}: {it.problem}" and it.problem
        else:
            assert it.text.strip() and _no_surrogates(it.text)
            it.text.encode("utf-8")  # every writer needs this
            assert it.origin.startswith(name)
            for seg in it.segments:
                assert 0 <= seg.span[0] < seg.span[1] <= len(it.text)
            assert all(w.startswith(name) for w in it.warnings), it.warnings


@fuzz(60)
@given(data=st.binary(max_size=3000), ext=st.sampled_from(EXTS))
def test_readers_never_raise_on_random_bytes(data: bytes, ext: str) -> None:
    name = f"in/file{ext}"
    if ext.endswith(".gz") and data[:1] != b"\x1f":
        data = gzip.compress(data)[: max(10, len(data))]  # gzip, maybe truncated
    _check_items(list(read_bytes(data, name)), name)


@fuzz(40)
@given(text=any_text, ext=st.sampled_from([".txt", ".html", ".jsonl", ".csv"]))
def test_readers_on_random_text_in_any_encoding(text: str, ext: str) -> None:
    name = f"in/text{ext}"
    for encoding in ("utf-8", "utf-16", "utf-32", "latin-1", "cp1252"):
        try:
            data = text.encode(encoding)
        except UnicodeEncodeError:
            continue
        items = list(read_bytes(data, name))
        _check_items(items, name)
        if ext != ".txt" or not text.strip() or encoding not in ("utf-8", "utf-16", "utf-32"):
            continue
        [art] = items
        if "\x00" in text and encoding == "utf-8":  # a NUL byte: called binary, by design
            assert isinstance(art, InputError) and "binary" in art.problem
        else:
            assert isinstance(art, ArticleInput) and art.text == text  # nothing lost


@fuzz(40)
@given(
    records=st.lists(
        st.fixed_dictionaries(
            {"text": st.lists(st.one_of(news_piece, lone_surrogate), max_size=30).map("".join)},
            optional={
                "id": st.one_of(st.text(max_size=8), st.integers(), st.none(), st.lists(st.none())),
                "date": st.one_of(st.text(max_size=12), st.dates().map(str), st.integers()),
                "title": st.one_of(st.text(max_size=20), lone_surrogate),
                "language": st.one_of(st.sampled_from(["en", "fr", "EN-us", "xx"]), st.integers()),
            },
        ),
        max_size=8,
    ),
    cut=st.one_of(st.none(), st.integers(min_value=0, max_value=2000)),
)
def test_jsonl_lines_each_give_one_item_named_by_line(
    records: list[dict[str, Any]], cut: int | None
) -> None:
    # json.dumps writes a lone surrogate as a "\\udXXX" escape: valid JSON, invalid Unicode
    lines = [json.dumps(r) for r in records]
    data = "\n".join(lines)
    if cut is not None:
        data = data[:cut]  # a truncated feed
    name = "feed.jsonl"
    items = list(read_bytes(data.encode("utf-8"), name))
    _check_items(items, name)
    non_blank = [n for n, line in enumerate(data.split("\n"), 1) if line.strip()]
    if not non_blank:
        assert len(items) == 1 and isinstance(items[0], InputError)  # empty file
        return
    assert [it.where if isinstance(it, InputError) else it.origin for it in items] == [
        f"{name}:{n}" for n in non_blank
    ]
    for n, it in zip(non_blank, items, strict=True):
        if isinstance(it, ArticleInput):
            original = json.loads(data.split("\n")[n - 1])["text"]
            assert it.text == re.sub("[\ud800-\udfff]", "\ufffd", original)
            assert it.title is None or _no_surrogates(it.title)


@fuzz(30)
@given(rows=st.lists(st.tuples(st.text(max_size=10), news_text), min_size=1, max_size=6))
def test_csv_round_trip_with_quotes_and_newlines(rows: list[tuple[str, str]]) -> None:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["id", "text"])
    for rid, text in rows:
        w.writerow([rid.replace("\x00", ""), text.replace("\x00", "").replace("\r", "")])
    items = list(read_bytes(buf.getvalue().encode("utf-8"), "rows.csv"))
    _check_items(items, "rows.csv")
    texts = [t.replace("\x00", "").replace("\r", "") for _, t in rows]
    kept = [t for t in texts if t.strip()]
    assert [a.text for a in items if isinstance(a, ArticleInput)] == kept


@fuzz(40)
@given(data=st.binary(max_size=2000))
def test_stream_sniffing_never_raises(data: bytes) -> None:
    _check_items(list(read_stream(io.BytesIO(data))), "<stdin>")


# ----------------------------------------------------------------------------- cleaner


@fuzz(80)
@given(text=st.one_of(lines_text, news_text))
def test_segments_and_the_offset_map(text: str) -> None:
    segments = find_segments(text)
    prev_end = 0
    for seg in segments:
        s, e = seg.span
        assert 0 <= s < e <= len(text), seg
        assert text[s:e].strip(), seg  # a segment marks something
        assert s >= prev_end, (segments, "segments overlap")
        prev_end = e
    tmap = analysis_text(text, segments)
    n = len(tmap.analysis)
    assert n >= len(text)
    assert n == len(text) or not tmap.identity
    assert tmap.to_original(0, n) == (0, len(text))
    points = sorted({0, n, *range(0, n + 1, max(1, n // 17))})
    mapped = [tmap.to_original(a, b) for a, b in itertools.pairwise(points)]
    for s, e in mapped:
        assert 0 <= s <= e <= len(text)
    starts = [s for s, _ in mapped]
    assert starts == sorted(starts)  # order is kept
    for seg in segments:  # and a stored-text span survives the round trip
        a, b = tmap.to_analysis(*seg.span)
        assert 0 <= a <= b <= n
        assert tmap.to_original(a, b)[0] == seg.span[0]


# ----------------------------------------------------------------------------- quotes

quote_text = st.lists(
    st.one_of(st.sampled_from([*"\"“”„‟«»＂'’ \n", "''", "â€œ", "â€\x9d"]), news_piece),
    max_size=120,
).map("".join)


@fuzz(80)
@given(text=st.one_of(quote_text, any_text))
def test_marked_spans_are_ordered_trimmed_and_inside(text: str) -> None:
    spans = find_marked_spans(text)
    prev = 0
    for sp in spans:
        assert 0 <= sp.start < sp.end <= len(text)
        assert sp.start >= prev, spans  # in order, never overlapping
        inner = text[sp.start : sp.end]
        assert inner == inner.strip() and re.search(r"\w", inner)
        prev = sp.end


# ----------------------------------------------------------------------------- times


@fuzz(120)
@given(
    text=time_text,
    pub=pub_dates,
    tense=st.sampled_from([None, "past", "future"]),
    refs=st.booleans(),
)
def test_time_normalizer_never_raises(
    text: str, pub: dt.date | None, tense: Any, refs: bool
) -> None:
    recognized, value, kind = normalize(text, pub, tense, refs=refs)
    assert isinstance(recognized, bool)
    assert kind in ("DATE", "TIME", "DURATION", "SET")
    assert value is None or (isinstance(value, str) and value and value == value.strip())
    if not recognized:
        assert value is None


@fuzz(40)
@given(text=st.lists(st.sampled_from(TIME_WORDS + NEWS_WORDS), max_size=40).map(" ".join),
       pub=pub_dates)  # fmt: skip
def test_found_times_lie_in_the_text(nlp: Any, text: str, pub: dt.date | None) -> None:
    doc = nlp(text)
    for t in find_times(doc, pub):
        s, e = t.span
        assert 0 <= s < e <= len(text) and text[s:e] == t.text


# ----------------------------------------------------------------------------- pipeline


@fuzz(40)
@given(text=st.one_of(news_text, lines_text, quote_text), pub=pub_dates)
def test_pipeline_records_are_sound_whatever_the_text(
    pipeline: Any, text: str, pub: dt.date | None
) -> None:
    import eventwire

    # eventwire.extract() itself, on the session's pipeline (no second model load)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(eventwire, "_default_pipeline", lambda model=None: pipeline)
        rec = eventwire.extract(text, pub, id="fuzz", title="T\u202e", source="\x00src")
    assert isinstance(rec, ArticleRecord)
    assert record_problems(rec, text) == []


@fuzz(15)
@given(text=st.lists(st.one_of(news_piece, lone_surrogate), min_size=1, max_size=60).map("".join))
def test_pipeline_replaces_lone_surrogates_and_keeps_offsets(pipeline: Any, text: str) -> None:
    rec = pipeline.extract(text, "2024-03-04", id="s")
    clean = re.sub("[\ud800-\udfff]", "\ufffd", text)
    assert record_problems(rec, clean) == []
    rec.to_json().encode("utf-8")
    assert any("surrogate" in w for w in rec.warnings) == (clean != text)


@fuzz(8)
@given(texts=st.lists(st.one_of(news_text, quote_text), min_size=1, max_size=3))
def test_store_keeps_every_character(
    pipeline: Any, tmp_path_factory: Any, texts: list[str]
) -> None:
    from eventwire.store import Store, ingest
    from eventwire.web.records import stored_record

    unique = list(dict.fromkeys(t for t in texts if t.strip()))  # the store keeps a text once
    arts = [ArticleInput(text=t, id=f"f{i}", origin=f"fuzz:{i}") for i, t in enumerate(unique)]
    path: Path = tmp_path_factory.mktemp("fuzzstore") / "s.duckdb"
    with Store(path) as store:
        ingest(store, pipeline, arts, dedup_threshold=None)
        for art in arts:
            (aid,) = store.execute(
                "SELECT id FROM articles WHERE record_id = ?", [art.id]
            ).fetchone()
            rec = stored_record(store.con, aid)
            assert rec is not None and rec["text"] == art.text
            rec = {k: v for k, v in rec.items() if k != "store"}
            assert [p for p in record_problems(rec, art.text) if not p.startswith("schema")] == []


@pytest.mark.parametrize(
    "text",
    ["", " ", "\n\n\n", "\t \u00a0\u2028\u200b\ufeff", "\x00", "\ud800", "“", '"' * 7, "." * 50],
)
def test_pipeline_on_empty_and_blank_texts(pipeline: Any, text: str) -> None:
    rec = pipeline.extract(text, None, id="blank")
    assert rec.events == [] and rec.quotes == []
    assert record_problems(rec, re.sub("[\ud800-\udfff]", "\ufffd", text)) == []
