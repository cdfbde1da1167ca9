"""The Pipeline's foundation behaviour, with no eventwire stages or with a test stage."""

from __future__ import annotations

import datetime as dt
import sys
import types
from collections.abc import Iterator
from pathlib import Path

import pytest
from spacy.language import Language
from spacy.tokens import Doc

import eventwire.pipeline as pipeline_mod
from eventwire.clean import find_segments
from eventwire.errors import EventwireError, InputError
from eventwire.pipeline import Failure, Pipeline
from eventwire.read import ArticleInput, read_path
from eventwire.record import ArticleRecord, Time

DATA = Path(__file__).parent / "data"

ARTICLE = (
    "Advertisement\n\n"
    "KARAVI, Freedonia (Reuters) - Police arrested 20 protesters in the capital on Monday.\n\n"
    "A protester is detained outside parliament in the capital on Monday, March 4, 2024.\n\n"
    "Olena Petrenko / Reuters\n\n"
    "The interior ministry said the protesters had blocked a road.The ministry gave no names.\n"
)


@pytest.fixture(scope="module")
def bare() -> Pipeline:
    return Pipeline(stages=())


# --------------------------------------------------------------------------- a test stage

STAGE = "testing_stage"


@Language.component("eventwire_testing_stage")
def _testing_component(doc: Doc) -> Doc:
    """Marks every 'Monday' as a Time (analysis offsets); fails on texts that say BOOM."""
    if "BOOM" in doc.text:
        raise RuntimeError("the test stage exploded")
    times = []
    start = doc.text.find("Monday")
    while start != -1:
        times.append(Time(text="Monday", span=(start, start + 6), value="2024-03-04"))
        start = doc.text.find("Monday", start + 1)
    doc._.times = times
    return doc


def _add_to_pipeline(nlp: Language, config: dict) -> None:
    nlp.add_pipe("eventwire_testing_stage", last=True)


@pytest.fixture(scope="module")
def staged() -> Iterator[Pipeline]:
    module = types.ModuleType(f"eventwire.{STAGE}")
    module.add_to_pipeline = _add_to_pipeline  # type: ignore[attr-defined]
    sys.modules[module.__name__] = module
    try:
        yield Pipeline(stages=(STAGE,))
    finally:
        del sys.modules[module.__name__]


def _article(text: str, n: int = 0, **kw: object) -> ArticleInput:
    return ArticleInput(text=text, id=f"art{n}", origin=f"input.jsonl:{n}", **kw)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- extract


def test_extract_offsets_point_into_exact_input(bare: Pipeline) -> None:
    rec = bare.extract(
        ARTICLE, "2024-03-04", id="karavi", title="Arrests", url="https://x.example/a"
    )
    assert isinstance(rec, ArticleRecord)
    assert rec.text == ARTICLE
    assert (rec.id, rec.date, rec.title, rec.url) == (
        "karavi",
        "2024-03-04",
        "Arrests",
        "https://x.example/a",
    )
    assert rec.events == [] and rec.quotes == [] and rec.warnings == []
    marked = [(s.kind, ARTICLE[s.span[0] : s.span[1]]) for s in rec.segments]
    assert marked == [
        ("boilerplate", "Advertisement"),
        ("dateline", "KARAVI, Freedonia (Reuters) -"),
        (
            "caption",
            "A protester is detained outside parliament in the capital on Monday, March 4, 2024.",
        ),
        ("credit", "Olena Petrenko / Reuters"),
    ]
    assert rec.segments == find_segments(ARTICLE)


def test_extract_date_forms_and_id(bare: Pipeline) -> None:
    text = "Troops withdrew from the border town of Kessel on Wednesday."
    a = bare.extract(text, dt.date(2021, 5, 6))
    b = bare.extract(text, "May 6, 2021")
    assert a.date == b.date == "2021-05-06"
    assert a.id == b.id and len(a.id) == 16  # stable id from the text
    assert bare.extract(text).date is None


@pytest.mark.parametrize("date", ["2021-02-30", "1850-01-01", "someday"])
def test_extract_invalid_date_raises_input_error(bare: Pipeline, date: str) -> None:
    with pytest.raises(InputError) as exc:
        bare.extract("Police arrested 20 protesters.", date)
    assert exc.value.where == "<date>"
    assert date in str(exc.value) or "implausible" in str(exc.value)


def test_extract_rejects_non_text(bare: Pipeline) -> None:
    with pytest.raises(InputError, match="must be a string"):
        bare.extract(b"bytes are not text")  # type: ignore[arg-type]


def test_unknown_stage_and_option() -> None:
    with pytest.raises(EventwireError, match="unknown pipeline stage 'nonexistent_stage'"):
        Pipeline(stages=("nonexistent_stage",))
    with pytest.raises(TypeError, match="unknown Pipeline option"):
        Pipeline(stagez=())


# --------------------------------------------------------------------------- process


def test_process_keeps_order_across_batches(
    bare: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bare.config, "batch_size", 2)
    texts = [f"Report number {i}: the council met on day {i}." for i in range(5)]
    out = list(bare.process(_article(t, i) for i, t in enumerate(texts)))
    assert [r.id for r in out if isinstance(r, ArticleRecord)] == [f"art{i}" for i in range(5)]
    assert [r.text for r in out if isinstance(r, ArticleRecord)] == texts


def test_process_yields_failure_for_bad_article(
    bare: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = pipeline_mod.find_segments

    def flaky(text: str, known: object = None) -> object:
        if "FAIL" in text:
            raise ValueError("cannot segment this one")
        return real(text, known)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline_mod, "find_segments", flaky)
    arts = [
        _article("First: ministers met.", 1),
        _article("FAIL here.", 2),
        _article("Third: ships sailed.", 3),
    ]
    out = list(bare.process(arts))
    assert len(out) == 3
    assert isinstance(out[0], ArticleRecord) and out[0].id == "art1"
    assert isinstance(out[1], Failure)
    assert out[1].where == "input.jsonl:2"
    assert "cannot segment this one" in out[1].problem
    assert str(out[1]).startswith("input.jsonl:2: ")
    assert isinstance(out[2], ArticleRecord) and out[2].id == "art3"


def test_extract_raises_when_the_article_fails(
    bare: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(text: str, known: object = None) -> object:
        raise ValueError("nope")

    monkeypatch.setattr(pipeline_mod, "find_segments", broken)
    with pytest.raises(EventwireError, match="could not prepare"):
        bare.extract("Anything at all.")


def test_max_chars_truncation_warns(bare: Pipeline, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bare.config, "max_chars", 200)
    para = "The river rose overnight and flooded the lower town, officials said."
    text = "\n\n".join([para] * 10)
    [rec] = list(bare.process([_article(text, 7)]))
    assert isinstance(rec, ArticleRecord)
    assert rec.text == text  # the stored text stays whole
    assert len(rec.warnings) == 1
    w = rec.warnings[0]
    assert w.startswith("input.jsonl:7: ") and "max_chars=200" in w and f"{len(text):,}" in w


def test_reader_segments_and_warnings_reach_the_record(bare: Pipeline) -> None:
    [art] = list(read_path(DATA / "dateline_header.txt"))
    assert isinstance(art, ArticleInput)
    art.warnings.append("dateline_header.txt: a reader warning")
    [rec] = list(bare.process([art]))
    assert isinstance(rec, ArticleRecord)
    assert rec.date == "2021-03-04"
    marked = [(s.kind, rec.text[s.span[0] : s.span[1]]) for s in rec.segments]
    assert marked == [
        ("boilerplate", "date 2021-03-04"),
        ("boilerplate", "| Share | Tweet | Print"),
        ("dateline", "KARAVI, Freedonia (Reuters) -"),
    ]
    assert rec.warnings == ["dateline_header.txt: a reader warning"]


# --------------------------------------------------------------------------- stages


def test_stage_spans_mapped_back_to_stored_text(staged: Pipeline) -> None:
    text = "Rebels attacked a base in Syria.The army said on Monday it repelled them.\n\nTalks began Monday."
    rec = staged.extract(text, "2024-03-05")
    assert [t.text for t in rec.times] == ["Monday", "Monday"]
    for t in rec.times:
        assert text[t.span[0] : t.span[1]] == "Monday"
    assert rec.times[0].span[0] == text.index("Monday")
    assert rec.warnings == []


def test_failing_stage_leaves_warning(staged: Pipeline) -> None:
    arts = [_article("BOOM went the depot on Monday.", 1), _article("Quiet on Monday.", 2)]
    first, second = list(staged.process(arts))
    assert isinstance(first, ArticleRecord) and isinstance(second, ArticleRecord)
    assert first.times == []
    assert len(first.warnings) == 1
    assert first.warnings[0].startswith("input.jsonl:1: stage eventwire_testing_stage failed")
    assert "RuntimeError" in first.warnings[0] and "exploded" in first.warnings[0]
    # the other article is untouched
    assert second.warnings == [] and [t.text for t in second.times] == ["Monday"]


def test_version_names_package_and_stages(bare: Pipeline, staged: Pipeline) -> None:
    from eventwire import __version__

    assert bare.version.startswith(f"{__version__}+")
    assert bare.version != staged.version


# --------------------------------------------------------------------------- full pipeline


def test_full_pipeline_record_offsets(pipeline: Pipeline) -> None:
    """Needs every default stage: each output span points at its own text."""
    rec = pipeline.extract(ARTICLE, "2024-03-05", id="full")
    assert rec.text == ARTICLE
    for ev in rec.events:
        s, e = ev.trigger.span
        assert ARTICLE[s:e] == ev.trigger.text
        ss, se = ev.sentence_span
        assert ss <= s < e <= se
    for item in [*rec.times, *rec.places, *rec.quotes]:
        assert ARTICLE[item.span[0] : item.span[1]] == item.text
    assert any(ev.type == "COERCE" for ev in rec.events)  # "Police arrested 20 protesters"
