"""Tests for eventwire.quotes: direct/indirect quotes and speaker attribution.

Sentences are our own (fictional people and places). The spaCy model is loaded
once per session.
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from typing import Any

import pytest
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.tokens import Doc

from eventwire import record
from eventwire.errors import DataFileError
from eventwire.nlp import load_model, register_extensions
from eventwire.quotes import (
    add_to_pipeline,
    find_marked_spans,
    find_quotes,
    load_cues,
    quote_at,
)

GOLD_DIR = Path(__file__).resolve().parents[2] / "shared" / "gold" / "dev"


@pytest.fixture(scope="session")
def nlp() -> Any:
    return load_model()


@pytest.fixture
def quotes(nlp: Any) -> Any:
    def run(text: str) -> list[record.Quote]:
        doc = nlp(text)
        found = find_quotes(doc)
        for q in found:  # the offset contract holds for every quote
            assert q.text == doc.text[q.span[0] : q.span[1]]
        assert [q.id for q in found] == [f"q{i}" for i in range(1, len(found) + 1)]
        assert [q.span[0] for q in found] == sorted(q.span[0] for q in found)
        return found

    return run


def directs(found: list[record.Quote]) -> list[record.Quote]:
    return [q for q in found if q.kind == "direct"]


def indirects(found: list[record.Quote]) -> list[record.Quote]:
    return [q for q in found if q.kind == "indirect"]


def inner(text: str) -> list[str]:
    return [text[s.start : s.end] for s in find_marked_spans(text)]


# --------------------------------------------------------------------------- marks


def test_straight_and_curly_marks() -> None:
    assert inner('He said "we are ready" and left.') == ["we are ready"]
    assert inner("He said “we are ready” and left.") == ["we are ready"]
    assert inner("«Nous partons», dit-il.") == ["Nous partons"]


def test_apostrophes_are_not_marks() -> None:
    text = "Iran’s envoy said “the country’s patience isn’t endless,” and didn't wait."
    assert inner(text) == ["the country’s patience isn’t endless,"]


def test_nested_single_quotes_stay_inside() -> None:
    text = "“He told me, ‘We are leaving tomorrow,’ and then he left,” the farmer said."
    assert inner(text) == ["He told me, ‘We are leaving tomorrow,’ and then he left,"]


def test_nested_double_quotes() -> None:
    text = "“I would rather live in what he calls “hell” than stay here,” she wrote."
    assert inner(text) == ["I would rather live in what he calls “hell” than stay here,"]


def test_quote_continued_over_paragraphs() -> None:
    text = (
        "“The harbour will reopen in May. We have the money.\n\n"
        "“And we have the workers,” the director said.\n"
    )
    spans = find_marked_spans(text)
    assert len(spans) == 1
    assert spans[0].parts == 2
    got = text[spans[0].start : spans[0].end]
    assert got.startswith("The harbour will reopen") and got.endswith("the workers,")


def test_unclosed_quote_closed_at_paragraph_end(caplog: pytest.LogCaptureFixture) -> None:
    text = "“We will win the final, the coach said.\n\nThe team trained on Sunday."
    with caplog.at_level(logging.WARNING, logger="eventwire.quotes"):
        spans = find_marked_spans(text)
    assert [text[s.start : s.end] for s in spans] == ["We will win the final, the coach said."]
    assert spans[0].repaired
    assert any("unclosed" in r.message for r in caplog.records)


def test_stray_closing_mark_is_ignored(caplog: pytest.LogCaptureFixture) -> None:
    text = "The vote was close.” Then “the count began” at noon."
    with caplog.at_level(logging.WARNING, logger="eventwire.quotes"):
        assert inner(text) == ["the count began"]
    assert any("without opening" in r.message for r in caplog.records)


def test_unclosed_at_end_of_text() -> None:
    assert inner("She said “we will never sell the farm") == ["we will never sell the farm"]


def test_glued_mark_closes_and_reopens() -> None:
    text = 'He said: "We are ready."They will wait." He left.'
    assert inner(text) == ["We are ready.", "They will wait."]


def test_double_apostrophe_marks() -> None:
    text = "''We will appeal,'' the lawyer said. The court's ruling stands."
    assert inner(text) == ["We will appeal,"]


def test_doubled_apostrophe_is_not_a_mark() -> None:
    assert inner("after wednesday''s riots the town was calm.") == []


def test_lone_mark_between_spaces_closes() -> None:
    text = "he said, “some rounds were fired, “ he said. the town was calm."
    assert inner(text) == ["some rounds were fired,"]


def test_mojibake_marks() -> None:
    text = "the officer said, â€œwe asked them to leave.â€\ufffd He left."
    assert inner(text) == ["we asked them to leave."]


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab .,\n\"“”‘’'«»—?")), max_size=80))
def test_marks_never_crash_and_stay_in_bounds(text: str) -> None:
    for s in find_marked_spans(text):
        assert 0 <= s.start < s.end <= len(text)
        assert text[s.start : s.end].strip() == text[s.start : s.end]


# --------------------------------------------------------------------------- speakers


def test_speaker_before_cue(quotes: Any) -> None:
    (q,) = quotes("“We will rebuild the bridge by spring,” Mayor Jane Halvorsen said on Tuesday.")
    assert q.kind == "direct" and q.cue == "said"
    assert q.text == "We will rebuild the bridge by spring,"
    assert q.speaker is not None and "Jane Halvorsen" in (q.speaker.text or "")
    assert q.speaker.name == "Jane Halvorsen"


def test_speaker_after_cue(quotes: Any) -> None:
    (q,) = directs(
        quotes(
            '"The port stays closed until the storm passes," said Tomas Brandt, the port director.'
        )
    )
    assert q.speaker is not None and q.speaker.text == "Tomas Brandt"
    s, e = q.speaker.span or (0, 0)
    assert (e - s) == len("Tomas Brandt")


def test_told_reporters_and_participle(quotes: Any) -> None:
    found = quotes(
        "“There is no plan to close the base,” General Ola Vikander told reporters, "
        "adding that the troops would stay through the winter."
    )
    (d,) = directs(found)
    assert d.cue == "told" and d.speaker is not None and d.speaker.name == "Ola Vikander"
    (ind,) = indirects(found)
    assert ind.text == "the troops would stay through the winter"
    assert ind.cue == "adding" and ind.speaker is not None and ind.speaker.name == "Ola Vikander"


def test_speaker_with_apposition_and_stressing(quotes: Any) -> None:
    found = quotes(
        "“The river is rising. That is not a drill,” Colonel Mira Santos, head of the flood unit, "
        "said, stressing she had no evacuation plan yet."
    )
    (d,) = directs(found)
    assert d.text == "The river is rising. That is not a drill,"
    assert d.speaker is not None and d.speaker.text == "Colonel Mira Santos"


def test_according_to(quotes: Any) -> None:
    found = quotes("“The dam is safe for now,” according to the regional water authority.")
    (d,) = directs(found)
    assert d.cue == "according to"
    assert d.speaker is not None and d.speaker.text == "the regional water authority"


def test_document_speakers(quotes: Any) -> None:
    found = quotes(
        "“All staff must leave the building by noon,” the memo stated.\n\n"
        "“We regret the short notice,” the letter reads.\n\n"
        "The notice said, “Parking will be closed during this time.” Nobody complained."
    )
    ds = directs(found)
    assert [(q.cue, q.speaker.name if q.speaker else None) for q in ds] == [
        ("stated", "the memo"),
        ("reads", "the letter"),
        ("said", "The notice"),
    ]


def test_continued_quote_paragraph_keeps_speaker(quotes: Any) -> None:
    found = quotes(
        "“We found no survivors,” rescue chief Anton Berg said.\n\n"
        "“The search will go on through the night. We owe it to the families.”\n\n"
        "The storm moved east on Friday."
    )
    first, second = directs(found)
    assert second.speaker is not None and second.speaker.name == first.speaker.name == "Anton Berg"
    assert second.cue is None


def test_split_quote_around_cue(quotes: Any) -> None:
    found = quotes("“We are ready,” Dana Whitfield said, “and we will not wait for the council.”")
    a, b = directs(found)
    assert a.speaker is not None and b.speaker is not None
    assert a.speaker.name == b.speaker.name == "Dana Whitfield"


def test_colon_line_introduces_quote(quotes: Any) -> None:
    found = quotes(
        "Senator Ruth Okafor told the committee:\n\n“This bill protects farmers and their land.”"
    )
    (d,) = directs(found)
    assert d.speaker is not None and d.speaker.name == "Ruth Okafor"


def test_dash_attribution(quotes: Any) -> None:
    found = quotes("“The new library changed our street completely.” ― Marta Lindqvist\n")
    (d,) = directs(found)
    assert d.speaker is not None and d.speaker.text == "Marta Lindqvist" and d.cue is None


def test_pronoun_speaker_without_actors(quotes: Any) -> None:
    found = quotes(
        "Governor Lena Aasheim visited the steel plant on Monday. "
        "“We will keep this plant open,” she said."
    )
    (d,) = directs(found)
    assert d.speaker is not None and d.speaker.text == "she"
    assert d.speaker.name == "Lena Aasheim"


class _FakeActors:
    """Stands in for eventwire.actors.ActorIndex."""

    def resolve(self, span: Any) -> record.Actor:
        return record.Actor(text=span.text, name="Anton Berg", entity="e7")


def test_actors_layer_fills_speaker(nlp: Any) -> None:
    register_extensions()
    doc = nlp("Anton Berg arrived late. “The road was blocked,” he said.")
    doc._.actors = _FakeActors()
    (q,) = find_quotes(doc)
    assert q.speaker is not None
    assert (q.speaker.text, q.speaker.name, q.speaker.entity) == ("he", "Anton Berg", "e7")


class _BrokenActors:
    def resolve(self, span: Any) -> None:
        raise RuntimeError("not ready")


def test_broken_actors_layer_falls_back(nlp: Any) -> None:
    doc = nlp("“The road was blocked,” Anton Berg said.")
    doc._.actors = _BrokenActors()
    (q,) = find_quotes(doc)
    assert q.speaker is not None and q.speaker.name == "Anton Berg" and q.speaker.entity is None


class _CountryOnlyActors:
    """An actors layer that knows only the country of a nominal speaker."""

    def resolve(self, span: Any) -> record.Actor:
        return record.Actor(text=span.text, name="Freedonia", country="FRE", entity=None)


def test_country_only_actor_keeps_speaker_words(nlp: Any) -> None:
    doc = nlp("“The base stays open,” the top Freedonian officer told reporters.")
    doc._.actors = _CountryOnlyActors()
    (q,) = find_quotes(doc)
    assert q.speaker is not None and q.speaker.name == "the top Freedonian officer"


def test_age_as_speaker_and_colon_paragraph(quotes: Any) -> None:
    found = quotes(
        "The hall was full.\n\n“The town will recover,” said the 46-year-old.\n\n"
        "Mayor Ines Kovac continued:\n\n“We will rebuild every house on this street.”"
    )
    a, b = directs(found)
    assert a.speaker is not None and a.speaker.text == "the 46-year-old"
    assert b.speaker is not None and b.cue == "continued" and "Ines Kovac" in (b.speaker.name or "")


def test_colon_without_verb(quotes: Any) -> None:
    (d,) = directs(quotes("Harbour Watch: “Water levels rose by two metres overnight.”"))
    assert d.speaker is not None and d.speaker.text == "Harbour Watch" and d.cue is None


def test_short_full_stop_tail_is_attribution(quotes: Any) -> None:
    (d,) = directs(quotes("“We have found the missing files.” Nora Lind said."))
    assert d.speaker is not None and d.speaker.name == "Nora Lind"


def test_titles_are_not_quotes(quotes: Any) -> None:
    assert (
        directs(quotes('Senator Ruth Okafor spoke on CNN\'s "State of the Union" on Sunday.')) == []
    )
    assert directs(quotes("The “Harbour Nights” star opened a bakery in May.")) == []


def test_markup_attributes_are_not_quotes(quotes: Any) -> None:
    found = quotes('<tweet author="@harbourwatch" id="12">Water is rising fast tonight.</tweet>')
    assert directs(found) == []


def test_dateline_left_out_of_indirect_clause(quotes: Any) -> None:
    (ind,) = indirects(
        quotes("OSLO / BERGEN – The ferry will not sail this week, the operator said.")
    )
    assert ind.text == "The ferry will not sail this week"


# --------------------------------------------------------------------------- scare quotes


def test_scare_quotes_without_cue_are_dropped(quotes: Any) -> None:
    assert quotes('The so-called "peace dividend" never arrived in the valley.') == []
    assert quotes("Engineers worked on a “poorly worded” draft for weeks.") == []


def test_short_quote_with_cue_is_speech(quotes: Any) -> None:
    found = quotes("Councillor Ivo Marsh said the budget was “dead on arrival” and walked out.")
    (d,) = directs(found)
    assert d.text == "dead on arrival"
    assert d.speaker is not None and "Ivo Marsh" in (d.speaker.name or "")


def test_naming_verb_attributes_quote(quotes: Any) -> None:
    (d,) = directs(quotes("Minister Petra Holm called the strike “an attack on every family.”"))
    assert d.speaker is not None and d.speaker.name == "Petra Holm" and d.cue == "called"


def test_long_quote_without_speaker_is_kept(quotes: Any) -> None:
    (d,) = quotes("The sign at the gate read nothing new. “No entry after dark for any visitor.”")
    assert d.kind == "direct"


# --------------------------------------------------------------------------- indirect


@pytest.mark.parametrize(
    ("sentence", "clause", "speaker", "cue"),
    [
        (
            "Tomas Brandt said that the port would reopen next week.",
            "the port would reopen next week",
            "Tomas Brandt",
            "said",
        ),
        (
            "Tomas Brandt said the port would reopen next week.",
            "the port would reopen next week",
            "Tomas Brandt",
            "said",
        ),
        (
            "The minister told parliament on Monday that the budget would be cut.",
            "the budget would be cut",
            "The minister",
            "told",
        ),
        (
            "The company denied that it had paid the inspectors.",
            "it had paid the inspectors",
            "The company",
            "denied",
        ),
        (
            "According to the police, the suspect fled on foot.",
            "the suspect fled on foot",
            "the police",
            "According to",
        ),
        (
            "The bridge will stay closed until June, the city engineer said.",
            "The bridge will stay closed until June",
            "the city engineer",
            "said",
        ),
    ],
)
def test_indirect_speech(quotes: Any, sentence: str, clause: str, speaker: str, cue: str) -> None:
    (q,) = indirects(quotes(sentence))
    assert q.text == clause
    assert q.speaker is not None and q.speaker.text == speaker
    assert q.cue == cue


def test_parenthetical_cue(quotes: Any) -> None:
    (q,) = indirects(quotes("The new bridge, the mayor said, will open in June."))
    assert q.text == "The new bridge, the mayor said, will open in June"
    assert q.speaker is not None and q.speaker.text == "the mayor" and q.cue == "said"


@pytest.mark.parametrize(
    "sentence",
    [
        "She knew that the port would reopen next week.",
        "The farmers hoped that the rain would come soon.",
        "The mayor asked whether the port would reopen.",
    ],
)
def test_no_indirect_for_non_speech(quotes: Any, sentence: str) -> None:
    assert indirects(quotes(sentence)) == []


def test_no_indirect_inside_direct_quote(quotes: Any) -> None:
    found = quotes("“They said that the road was closed all week,” the driver said.")
    assert indirects(found) == []
    (d,) = directs(found)
    assert d.speaker is not None and d.speaker.text == "the driver"


def test_indirect_with_partial_quote(quotes: Any) -> None:
    found = quotes("Ivo Marsh said the plan was “a gift to developers” and would fail.")
    (d,) = directs(found)
    (ind,) = indirects(found)
    assert ind.text == "the plan was “a gift to developers” and would fail"
    assert ind.span[0] < d.span[0] and d.span[1] < ind.span[1]


# --------------------------------------------------------------------------- API


def test_quote_at_returns_innermost(quotes: Any) -> None:
    text = "Ivo Marsh said the plan was “a gift to developers” and would fail."
    found = quotes(text)
    start = text.index("gift")
    q = quote_at(found, start, start + 4)
    assert q is not None and q.kind == "direct"
    start = text.index("would fail")
    q = quote_at(found, start, start + 5)
    assert q is not None and q.kind == "indirect"
    assert quote_at(found, 0, 3) is None


@pytest.mark.parametrize("text", ["", "   ", '"', "“”", "“ ” \n\n ”“", "\n\n\n"])
def test_odd_input_never_raises(nlp: Any, text: str) -> None:
    assert find_quotes(nlp(text)) == []


def test_component_and_add_to_pipeline() -> None:
    blank = spacy.blank("en")
    add_to_pipeline(blank, {})
    add_to_pipeline(blank, {})  # idempotent
    assert blank.pipe_names == ["eventwire_quotes"]
    doc = blank("Then she read the sign: “No boats beyond this point after dark.”")
    assert isinstance(doc, Doc)
    assert [q.text for q in doc._.quotes] == ["No boats beyond this point after dark."]


def test_malformed_cue_file_names_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "cues.tsv"
    bad.write_text("say\tdirect,indirect\nshout\tloudly\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"cues\.tsv:2"):
        load_cues(str(bad))


def test_shipped_cue_lexicon_loads() -> None:
    lex = load_cues()
    assert "say" in lex.verbs and "indirect" in lex.verbs["say"]
    assert "indirect" not in lex.verbs["read"]
    assert ("according", "to") in lex.phrases


# --------------------------------------------------------------------------- gold


def _words(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"\w+", text)}


def _match(a: str, b: str) -> bool:
    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return False
    return len(wa & wb) / len(wa | wb) >= 0.6 or wa <= wb or wb <= wa


def test_seed_article_quotes(nlp: Any) -> None:
    path = GOLD_DIR / "seed-iraq-2020-01-06.json"
    if not path.exists():
        pytest.skip(f"gold article not found: {path}")
    gold = json.loads(path.read_text(encoding="utf-8"))
    found = find_quotes(nlp(gold["text"]))
    for kind in ("direct", "indirect"):
        for g in (g for g in gold["quotes"] if g["kind"] == kind):
            hits = [q for q in found if q.kind == kind and _match(g["text"], q.text)]
            assert hits, f"missed {kind} quote {g['text'][:50]!r}"
            last = g["speaker"].split()[-1].lower()
            assert any(
                q.speaker and last in f"{q.speaker.name} {q.speaker.text}".lower() for q in hits
            ), f"wrong speaker for {g['text'][:50]!r}"
    assert len([q for q in found if q.kind == "direct"]) == 6


def test_dev_gold_direct_quotes(nlp: Any) -> None:
    files = sorted(GOLD_DIR.glob("*.json"))
    if not files:
        pytest.skip(f"no gold articles in {GOLD_DIR}")
    tp = fp = fn = 0
    for path in files:
        gold = json.loads(path.read_text(encoding="utf-8"))
        gq = [g["text"] for g in gold.get("quotes", []) if g["kind"] == "direct"]
        sq = [q.text for q in find_quotes(nlp(gold["text"])) if q.kind == "direct"]
        used: set[int] = set()
        for g in gq:
            hit = next((i for i, s in enumerate(sq) if i not in used and _match(g, s)), None)
            if hit is None:
                fn += 1
            else:
                used.add(hit)
                tp += 1
        fp += len(sq) - len(used)
    precision, recall = tp / max(1, tp + fp), tp / max(1, tp + fn)
    assert precision >= 0.9 and recall >= 0.85, (precision, recall)
