"""Scoring records against gold (shared/gold/README.md), on hand-made gold and output."""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import os
import re
import shutil
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from eventwire.errors import InputError
from eventwire.evaluate import (
    GoldArticle,
    Scores,
    content_words,
    country_match,
    date_match,
    evaluate,
    expected_calibration_error,
    load_gold_dir,
    location_match,
    name_match,
    quote_match,
)
from eventwire.record import Actor, ArticleRecord, Event, Location, Quote, Speaker, Trigger

S1 = "An American drone killed Qassem Soleimani at Baghdad airport on Friday."
S2 = "Thousands of mourners marched through Baghdad on Sunday."
S3 = "Iraqi leaders met the US ambassador on Sunday."
S4 = "The Pentagon said US troops would not withdraw from Iraq."
S5 = "Parliament plans to expel foreign troops next week."
S6 = "The United Nations sent food aid to Mosul."
Q1 = '"There is no decision to leave Iraq at all," Defense Secretary Mark Esper said.'
Q2 = 'A spokesman said: "We will respond with force to any attack on soldiers."'
TEXT_A = " ".join([S1, S2, S3, S4, S5, S6, Q1, Q2, '"Nothing else," he added.'])

T1 = "France and Germany signed a trade agreement in Paris on Friday."
TEXT_B = T1


def _gold_a() -> GoldArticle:
    return GoldArticle(
        id="a",
        text=TEXT_A,
        date="2020-01-06",
        events=[
            {
                "type": "ASSAULT",
                "evidence": S1,
                "trigger": "killed",
                "actor": {"name": "United States", "country": "USA"},
                "target": {"name": "Qassem Soleimani", "country": "IRN"},
                "date": "2020-01",
                "location": {"name": "Baghdad", "country": "IRQ"},
            },
            {"type": "PROTEST", "evidence": S2, "trigger": "marched"},
            {"type": "CONSULT", "evidence": S3, "trigger": "met", "optional": True},
            {"type": "RETREAT", "evidence": S4, "trigger": "withdraw", "factuality": "negated"},
            {"type": "COERCE", "evidence": S5, "trigger": "expel", "factuality": "future"},
        ],
        quotes=[
            {
                "text": "There is no decision to leave Iraq",
                "speaker": "Mark Esper",
                "kind": "direct",
            },
            {
                "text": "We will respond with force to any attack on our soldiers",
                "speaker": "Ali Hassan",
                "kind": "direct",
            },
            {"text": "US troops would not withdraw", "speaker": "The Pentagon", "kind": "indirect"},
        ],
    )


def _gold_b() -> GoldArticle:
    return GoldArticle(
        id="b",
        text=TEXT_B,
        date="2020-02-15",
        events=[
            {
                "type": "AGREE",
                "evidence": T1,
                "trigger": "signed",
                "actor": {"name": "France", "country": "FRA"},
                "date": "2020-02-14",
                "location": {"name": "Paris", "country": "FRA"},
            },
        ],
        quotes=[],
    )


def _span(text: str, sub: str, within: str | None = None) -> tuple[int, int]:
    base = text.index(within) if within else 0
    s = text.index(sub, base)
    return s, s + len(sub)


def _event(
    text: str,
    n: int,
    type_: str,
    trigger: str,
    sentence: str,
    **fields: Any,
) -> Event:
    return Event(
        id=f"v{n}",
        type=type_,  # type: ignore[arg-type]
        trigger=Trigger(text=trigger, span=_span(text, trigger, sentence)),
        sentence_span=_span(text, sentence),
        **fields,
    )


def _record_a() -> ArticleRecord:
    t = TEXT_A
    events = [
        _event(
            t,
            1,
            "ASSAULT",
            "killed",
            S1,
            actor=Actor(text="American", name="United States", country="USA"),
            target=Actor(text="Qassem Soleimani", name="Soleimani", country="IRQ"),
            date="2020-01-03",
            location=Location(
                text="Baghdad airport", name="Baghdad International Airport", country="IRQ"
            ),
        ),
        _event(t, 2, "ASSAULT", "marched", S2),  # type mismatch: FP, and the PROTEST is missed
        _event(t, 3, "CONSULT", "met", S3),  # matches an optional gold event: not counted
        _event(t, 4, "RETREAT", "withdraw", S4),  # gold negated, output asserted: FP + leak
        _event(t, 5, "COERCE", "expel", S5, factuality="future"),  # not scored, no leak
        _event(t, 6, "AID", "sent", S6),  # no gold at all: FP
        _event(t, 7, "ASSAULT", "killed", S1, factuality="hypothetical"),  # not scored
    ]
    q1 = "There is no decision to leave Iraq at all,"
    q2 = "We will respond with force to any attack on soldiers."
    quotes = [
        Quote(
            id="q1",
            text=q1,
            span=_span(t, q1),
            speaker=Speaker(text="Mark Esper", name="Mark Esper"),
        ),
        Quote(id="q2", text=q2, span=_span(t, q2), speaker=Speaker(text="A spokesman")),
        Quote(
            id="q3",
            text="Nothing else,",
            span=_span(t, "Nothing else,"),
            speaker=Speaker(text="he"),
        ),
        Quote(
            id="q4",
            text="US troops would not withdraw from Iraq",
            kind="indirect",
            span=_span(t, "US troops would not withdraw from Iraq"),
        ),
    ]
    return ArticleRecord(id="a", text=t, date="2020-01-06", events=events, quotes=quotes)


def _record_b() -> ArticleRecord:
    t = TEXT_B
    ev = _event(t, 1, "AGREE", "signed", T1, actor=None, date="2020-02-15", location=None)
    return ArticleRecord(id="b", text=t, date="2020-02-15", events=[ev])


def test_one_article_counts() -> None:
    scores = evaluate([_gold_a()], [_record_a()])
    assert (scores.events.tp, scores.events.fp, scores.events.fn) == (1, 3, 1)
    f = scores.figures()
    assert f["event_precision"] == 0.25
    assert f["event_recall"] == 0.5
    assert f["event_f1"] == pytest.approx(1 / 3, abs=1e-4)
    # one of two non-asserted gold events was output as asserted
    assert (scores.leak.hit, scores.leak.total) == (1, 2)
    assert f["nonasserted_leak_rate"] == 0.5
    # arguments of the matched ASSAULT
    assert (scores.actor_country.hit, scores.actor_country.total) == (1, 1)
    assert (scores.actor_name.hit, scores.actor_name.total) == (1, 1)
    assert (scores.target_country.hit, scores.target_country.total) == (0, 1)  # IRQ != IRN
    assert (scores.target_name.hit, scores.target_name.total) == (1, 1)  # "Soleimani"
    assert (scores.date.hit, scores.date.total) == (1, 1)  # 2020-01-03 within gold 2020-01
    assert (scores.location.hit, scores.location.total) == (1, 1)
    # quotes: containment, Jaccard 10/11, one false quote; the indirect ones are ignored
    assert (scores.quotes.tp, scores.quotes.fp, scores.quotes.fn) == (2, 1, 0)
    assert f["quote_f1"] == 0.8
    assert (scores.speaker.hit, scores.speaker.total) == (1, 2)
    assert f["speaker_accuracy"] == 0.5
    d = scores.details[0]
    assert [m["type"] for m in d["missed"]] == ["PROTEST"]
    assert sorted(x["type"] for x in d["false_positives"]) == ["AID", "ASSAULT"]
    assert [x["type"] for x in d["leaks"]] == ["RETREAT"]
    assert d["quote_false"] == ["Nothing else,"]
    assert d["wrong_arguments"][0]["target"]["gold"]["country"] == "IRN"


def test_two_articles_arithmetic() -> None:
    scores = evaluate([_gold_a(), _gold_b()], [_record_a(), _record_b()])
    f = scores.figures()
    assert f["articles"] == 2
    assert (f["event_tp"], f["event_fp"], f["event_fn"]) == (2, 3, 1)
    p, r = 2 / 5, 2 / 3
    assert f["event_precision"] == pytest.approx(p, abs=1e-4)
    assert f["event_recall"] == pytest.approx(r, abs=1e-4)
    assert f["event_f1"] == pytest.approx(2 * p * r / (p + r), abs=1e-4)
    # article b: no system actor, wrong day, no location
    assert f["actor_country_accuracy"] == 0.5
    assert f["actor_name_accuracy"] == 0.5
    assert f["target_country_accuracy"] == 0.0  # b's gold has no target: not counted
    assert scores.target_country.total == 1
    assert f["date_accuracy"] == 0.5
    assert f["location_accuracy"] == 0.5


def test_perfect_output_and_empty_output() -> None:
    gold = _gold_b()
    ev = _event(
        TEXT_B,
        1,
        "AGREE",
        "signed",
        T1,
        actor=Actor(text="France", name="France", country="FRA"),
        date="2020-02-14",
        location=Location(text="Paris", name="Paris", country="FRA"),
    )
    f = evaluate([gold], [ArticleRecord(id="b", text=TEXT_B, events=[ev])]).figures()
    assert f["event_f1"] == 1.0 and f["actor_country_accuracy"] == 1.0
    assert f["date_accuracy"] == 1.0 and f["location_accuracy"] == 1.0
    assert f["nonasserted_leak_rate"] is None  # no non-asserted gold events
    assert f["quote_f1"] == 0.0 and f["speaker_accuracy"] is None
    assert f["ece"] == 0.5  # one right event at the default confidence 0.5
    f = evaluate([gold], [ArticleRecord(id="b", text=TEXT_B)]).figures()
    assert (f["event_tp"], f["event_fp"], f["event_fn"]) == (0, 0, 1)
    assert f["event_precision"] == 0.0 and f["event_f1"] == 0.0
    assert f["actor_country_accuracy"] is None
    assert f["ece"] is None  # no scored event (the reference prints 0.0)


def test_match_uses_trigger_span_before_sentence_span() -> None:
    text = f"{S2} {S1}"
    gold = GoldArticle(
        id="x", text=text, date=None, events=[{"type": "ASSAULT", "evidence": S1}], quotes=[]
    )
    # the sentence span covers S1 but the trigger lies in S2: no match
    off = Event(
        id="v1",
        type="ASSAULT",
        trigger=Trigger(text="marched", span=_span(text, "marched")),
        sentence_span=(0, len(text)),
    )
    s = evaluate([gold], [ArticleRecord(id="x", text=text, events=[off])])
    assert (s.events.tp, s.events.fp, s.events.fn) == (0, 1, 1)
    # a trigger overlapping the evidence by one character is enough
    k = text.index(S1)
    edge = Event(
        id="v2",
        type="ASSAULT",
        trigger=Trigger(text=" A", span=(k - 1, k + 1)),
        sentence_span=(0, 1),
    )
    s = evaluate([gold], [ArticleRecord(id="x", text=text, events=[edge])])
    assert (s.events.tp, s.events.fp, s.events.fn) == (1, 0, 0)
    # touching but not overlapping ([k-5, k) ends where the evidence starts)
    touch = Event(
        id="v3",
        type="ASSAULT",
        trigger=Trigger(text="nday.", span=(k - 5, k)),
        sentence_span=(0, 1),
    )
    s = evaluate([gold], [ArticleRecord(id="x", text=text, events=[touch])])
    assert s.events.tp == 0


def test_each_gold_event_matches_once_first_in_output_order() -> None:
    gold = GoldArticle(
        id="x", text=S1, date=None, events=[{"type": "ASSAULT", "evidence": S1}], quotes=[]
    )
    evs = [_event(S1, 1, "ASSAULT", "killed", S1), _event(S1, 2, "ASSAULT", "drone", S1)]
    s = evaluate([gold], [ArticleRecord(id="x", text=S1, events=evs)])
    assert (s.events.tp, s.events.fp, s.events.fn) == (1, 1, 0)
    # the first system event in output order takes the gold event, even when the second's
    # trigger is the gold trigger or its confidence is higher
    gold.events[0]["trigger"] = "drone"
    evs[1].confidence = 0.9
    s = evaluate([gold], [ArticleRecord(id="x", text=S1, events=evs)])
    assert s.details[0]["false_positives"][0]["trigger"] == "drone"


def test_evaluate_requires_same_length() -> None:
    with pytest.raises(ValueError):
        evaluate([_gold_a(), _gold_b()], [_record_a()])


# --------------------------------------------------------------------------- helpers


@pytest.mark.parametrize(
    ("gold", "system", "ok"),
    [
        ("There is no decision to leave Iraq", "There is no decision  to leave\nIraq", True),
        ("leave Iraq", "There is no decision to leave Iraq", True),  # gold within system
        # system within gold counts only when the system's joined words pass ten characters
        ("There is no decision to leave Iraq", "leave Iraq", False),  # "leave iraq": 10
        ("There is no decision to leave Iraq", "to leave Iraq", True),  # Jaccard 3/7, 13 chars
        ("one two three four five", "one two three four six", True),  # Jaccard 4/6
        ("alpha beta gamma", "alpha beta delta", False),  # Jaccard 2/4
        ("Alpha, beta!", "alpha beta", True),  # case and punctuation ignored
        ("It's over", "it s over", True),  # apostrophes split words
        ("", "anything", False),  # an empty quote matches nothing
        ("no decision to leave", "decisions to leave Iraq now", False),  # Jaccard 2/7
        ("cision to leave Iraq", "no decision to leave Iraq", True),  # containment: any substring
    ],
)
def test_quote_match(gold: str, system: str, ok: bool) -> None:
    assert quote_match(gold, system) is ok


def test_quote_match_thresholds() -> None:
    # 6 shared words of 10 in the union: exactly 0.6 -> match
    assert quote_match("a b c d e f g h", "a b c d e f i j")
    # 5 of 10: no match
    assert not quote_match("a b c d e f g h", "a b c d e x i j k")
    assert not quote_match("", "")


def test_name_and_date_match() -> None:
    assert content_words("The Mr. Mark Esper of the Pentagon") == ["mark", "esper", "pentagon"]
    # titles and short words are not content words, unless nothing else is left
    assert content_words("President Xi") == ["president", "xi"]
    assert content_words("Prime Minister Ali al-Amin") == ["ali", "amin"]
    assert name_match("Mark Esper", {"name": None, "text": "Esper"})
    assert not name_match("Mark Esper", {"name": "Mike Pompeo", "text": "the secretary"})
    assert not name_match("Mark Esper", None)
    assert name_match(None, None)  # no gold name: nothing to get wrong
    assert name_match("", None)
    assert not name_match("President Biden", {"name": "the president"})  # a title is no name
    assert name_match("Xi", {"text": "Mr Xi"})  # ... but a short name counts whole
    # words are runs of ASCII letters and digits: "Ürümqi" is "r" and "mqi"
    assert name_match("Ürümqi", {"name": "Umqi mqi"})
    assert date_match("2020-01", "2020-01-31")
    assert date_match("2020", "2020-12-01")
    assert not date_match("2020-01-03", "2020-01-04")
    assert not date_match("2020-01", "2020-02-01")
    assert not date_match("2020-01", None)


def test_country_and_location_match() -> None:
    assert country_match({"name": "Police", "country": None}, {"country": "IND"})
    assert country_match({"name": "Police"}, None)  # no gold country: right whatever
    assert not country_match({"country": "IND"}, None)
    assert not country_match({"country": "IND"}, {"country": "PAK"})
    assert location_match({"name": "Paris", "country": "FRA"}, {"name": "Paris", "country": "FRA"})
    assert not location_match({"name": "Paris", "country": "FRA"}, {"name": "Paris"})
    assert location_match({"name": "Paris", "country": None}, {"text": "in Paris"})
    assert not location_match({"name": "Paris"}, None)
    assert not location_match({"name": "Paris"}, {})


def test_expected_calibration_error() -> None:
    assert expected_calibration_error([]) is None
    # bin [0.9, 1.0] (1.0 included): confidence 0.95, precision 0.5; bin [0.2, 0.3): 0.2, 0
    pairs = [(0.9, 1), (1.0, 0), (0.2, 0)]
    want = 2 / 3 * abs(0.95 - 0.5) + 1 / 3 * abs(0.2 - 0)
    assert expected_calibration_error(pairs) == pytest.approx(want)
    assert expected_calibration_error([(0.5, 1), (0.5, 1)]) == pytest.approx(0.5)


# --------------------------------------------------------------------------- the reference's rules


def _gold(id_: str, text: str, events: list[dict[str, Any]], quotes: Any = ()) -> GoldArticle:
    return GoldArticle(id=id_, text=text, date=None, events=events, quotes=list(quotes))


def _score(pair: tuple[GoldArticle, ArticleRecord]) -> Scores:
    return evaluate([pair[0]], [pair[1]])


def _ordering(first_in_s2: bool) -> tuple[GoldArticle, ArticleRecord]:
    """Gold: an event whose evidence spans S1 and S2, then one on S2 alone."""
    text = f"{S1} {S2}"
    gold = _gold(
        "order",
        text,
        [{"type": "ASSAULT", "evidence": text, "trigger": "killed"},
         {"type": "ASSAULT", "evidence": S2, "trigger": "marched"}],
    )  # fmt: skip
    in_s1 = _event(text, 1, "ASSAULT", "killed", S1)
    in_s2 = _event(text, 2, "ASSAULT", "marched", S2)
    events = [in_s2, in_s1] if first_in_s2 else [in_s1, in_s2]
    return gold, ArticleRecord(id="order", text=text, events=events)


def test_system_events_take_gold_greedily_in_output_order() -> None:
    # "marched" first: it takes the first gold event it overlaps (the S1+S2 one), and
    # "killed", which overlaps only that one, is left a false positive
    s = _score(_ordering(first_in_s2=True))
    assert (s.events.tp, s.events.fp, s.events.fn) == (1, 1, 1)
    assert s.details[0]["false_positives"][0]["trigger"] == "killed"
    assert s.details[0]["missed"][0]["trigger"] == "marched"
    # the other output order matches both
    s = _score(_ordering(first_in_s2=False))
    assert (s.events.tp, s.events.fp, s.events.fn) == (2, 0, 0)


def _optional() -> tuple[GoldArticle, ArticleRecord]:
    text = f"{S1} {S3}"
    gold = _gold(
        "optional",
        text,
        [{"type": "ASSAULT", "evidence": S1},
         {"type": "ASSAULT", "evidence": "drone killed", "optional": True},
         {"type": "CONSULT", "evidence": S3, "optional": True},
         {"type": "CONSULT", "evidence": "met the US ambassador", "factuality": "negated"}],
    )  # fmt: skip
    events = [
        _event(text, 1, "ASSAULT", "killed", S1, confidence=0.9),  # the required one
        _event(text, 2, "ASSAULT", "drone", S1, confidence=0.15),  # a repeat: absorbed
        # optional gold: absorbed, so no leak of the negated event it overlaps
        _event(text, 3, "CONSULT", "met", S3, confidence=0.15),
        # an optional event of another type: a false positive (outside the negated one)
        _event(text, 4, "COERCE", "Iraqi leaders", S3, confidence=0.35),
    ]
    return gold, ArticleRecord(id="optional", text=text, events=events)


def test_events_matching_only_optional_gold_are_ignored() -> None:
    s = _score(_optional())
    assert (s.events.tp, s.events.fp, s.events.fn) == (1, 1, 0)
    assert [x["type"] for x in s.details[0]["false_positives"]] == ["COERCE"]
    assert (s.leak.hit, s.leak.total) == (0, 1)
    # the ignored events are left out of the calibration error too: bins 0.9 (right)
    # and 0.3 (wrong), one event each
    assert s.calibration == [(0.9, 1), (0.35, 0)]
    assert s.figures()["ece"] == pytest.approx(0.5 * 0.1 + 0.5 * 0.35, abs=1e-4)


def _leaks() -> tuple[GoldArticle, ArticleRecord]:
    text = f"{S4} {S5} {S2}"
    gold = _gold(
        "leaks",
        text,
        [{"type": "RETREAT", "evidence": S4, "factuality": "negated"},
         {"type": "COERCE", "evidence": S5},
         {"type": "COERCE", "evidence": "expel foreign troops", "factuality": "future"},
         {"type": "PROTEST", "evidence": S2, "factuality": "hypothetical"},
         {"type": "ASSAULT", "evidence": "mourners marched", "factuality": "negated"}],
    )  # fmt: skip
    events = [
        _event(text, 1, "ASSAULT", "withdraw", S4),  # FP over a RETREAT of another type: leak
        _event(text, 2, "COERCE", "expel", S5),  # a true positive: never a leak
        _event(text, 3, "AID", "marched", S2),  # FP over two: only the first one leaks
    ]
    return gold, ArticleRecord(id="leaks", text=text, events=events)


def test_leak_counts_false_positives_over_non_asserted_gold_of_any_type() -> None:
    s = _score(_leaks())
    assert (s.events.tp, s.events.fp, s.events.fn) == (1, 2, 0)
    assert (s.leak.hit, s.leak.total) == (2, 4)
    leaks = s.details[0]["leaks"]
    assert [(x["type"], x["gold"]["type"]) for x in leaks] == [
        ("ASSAULT", "RETREAT"),
        ("AID", "PROTEST"),
    ]
    assert s.details[0]["false_positives"] == []


def _arguments() -> tuple[GoldArticle, ArticleRecord]:
    text = f"{S1} {S2} {S6}"
    gold = _gold(
        "arguments",
        text,
        [
            {"type": "ASSAULT", "evidence": S1, "date": "2020-01",
             "actor": {"name": "US military", "country": None},
             "target": {"name": "Qassem Soleimani", "country": None},
             "location": {"name": "Baghdad", "country": None}},
            {"type": "PROTEST", "evidence": S2, "date": "2020-01-05",
             "actor": {"name": "mourners", "country": "IRQ"},
             "location": {"name": "Baghdad", "country": "IRQ"}},
            {"type": "AID", "evidence": S6, "date": "2020",
             "actor": {"name": "UN", "country": None},
             "location": {"name": "Mosul", "country": "IRQ"}},
        ],
    )  # fmt: skip
    events = [
        _event(
            text, 1, "ASSAULT", "killed", S1,
            actor=Actor(text="An American drone", name="United States", country="USA"),
            date="2020-01-03",
            location=Location(text="Baghdad airport", country="IRQ"),
        ),  # null gold countries: right whatever (or whether) the system says
        _event(
            text, 2, "PROTEST", "marched", S2,
            actor=Actor(text="Thousands of mourners", country=None),
            date="2020-01-06",
            location=Location(text="Baghdad", name="Baghdad", country=None),
        ),
        _event(
            text, 3, "AID", "sent", S6,
            actor=Actor(text="The United Nations", name="United Nations", country=None),
            date="2020-01-06",
            location=Location(text="Mosul", name="Mosul", country="IRQ"),
        ),
    ]  # fmt: skip
    return gold, ArticleRecord(id="arguments", text=text, events=events)


def test_null_gold_country_is_right_and_dates_at_gold_precision() -> None:
    s = _score(_arguments())
    assert s.events.tp == 3
    # actor countries: null gold (USA given), IRQ vs None (wrong), null gold (None given)
    assert (s.actor_country.hit, s.actor_country.total) == (2, 3)
    # a null gold target country is right even with no system target; its name is not
    assert (s.target_country.hit, s.target_country.total) == (1, 1)
    assert (s.target_name.hit, s.target_name.total) == (0, 1)
    # names: "US military" ("us" is no content word) missing, "mourners" found, "UN" (all its
    # words, being short) not in "United Nations"
    assert (s.actor_name.hit, s.actor_name.total) == (1, 3)
    # 2020-01-03 within gold month 2020-01; 2020-01-06 is not 2020-01-05; within year 2020
    assert (s.date.hit, s.date.total) == (2, 3)
    # location: null gold country needs only the name; IRQ vs None is wrong
    assert (s.location.hit, s.location.total) == (2, 3)


def _first_evidence() -> tuple[GoldArticle, ArticleRecord]:
    text = f"{S1} {S2} {S1}"
    gold = _gold("first", text, [{"type": "ASSAULT", "evidence": S1}])
    second = text.rindex(S1)
    k = second + S1.index("killed")
    ev = Event(
        id="v1",
        type="ASSAULT",
        trigger=Trigger(text="killed", span=(k, k + 6)),
        sentence_span=(second, second + len(S1)),
    )
    return gold, ArticleRecord(id="first", text=text, events=[ev])


def test_evidence_span_is_its_first_occurrence() -> None:
    gold, record = _first_evidence()
    assert gold.evidence_span(S1) == (0, len(S1))
    s = evaluate([gold], [record])
    assert (s.events.tp, s.events.fp, s.events.fn) == (0, 1, 1)


def _quotes() -> tuple[GoldArticle, ArticleRecord]:
    text = "Quotes."
    gold = _gold(
        "quotes",
        text,
        [],
        [{"text": "We will stay here until the end", "speaker": "Prime Minister Ali al-Amin"},
         {"text": "Nobody is leaving this square", "speaker": "Rana Odeh", "kind": "direct"},
         {"text": "they would stay", "speaker": "Rana Odeh", "kind": "indirect"}],
    )  # fmt: skip
    quotes = [
        # "stay here" (9 characters) is too short for a containment match
        Quote(id="q1", text="stay here", span=(0, 1), speaker=Speaker(name="Ali al-Amin")),
        # system quotes in output order take the first gold quote they match
        Quote(id="q2", text="we will stay here", span=(0, 1),
              speaker=Speaker(text="the prime minister")),  # containment; a title: wrong
        Quote(id="q3", text="We will stay here until the end!", span=(0, 1),
              speaker=Speaker(text="Amin", name="Ali Amin")),  # gold 1 taken: a false quote
        Quote(id="q4", text="Nobody is leaving this square.", span=(0, 1),
              speaker=Speaker(name="Rana")),
        Quote(id="q5", text="they would stay", kind="indirect", span=(0, 1)),
    ]  # fmt: skip
    return gold, ArticleRecord(id="quotes", text=text, quotes=quotes)


def test_quotes_match_in_system_order_and_speakers_by_content_words() -> None:
    s = _score(_quotes())
    assert (s.quotes.tp, s.quotes.fp, s.quotes.fn) == (2, 2, 0)
    assert s.details[0]["quote_false"] == ["stay here", "We will stay here until the end!"]
    assert (s.speaker.hit, s.speaker.total) == (1, 2)
    assert s.details[0]["wrong_speakers"][0]["gold"] == "Prime Minister Ali al-Amin"


SCENARIOS = {
    "order-1": lambda: _ordering(first_in_s2=True),
    "order-2": lambda: _ordering(first_in_s2=False),
    "optional": _optional,
    "leaks": _leaks,
    "arguments": _arguments,
    "first": _first_evidence,
    "quotes": _quotes,
    "a": lambda: (_gold_a(), _record_a()),
    "b": lambda: (_gold_b(), _record_b()),
}


# --------------------------------------------------------------------------- gold files


def _write(path: Path, data: Any) -> Path:
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def test_load_gold_dir_good_and_bad(tmp_path: Path) -> None:
    _write(
        tmp_path / "a-good.json",
        {
            "id": "g1",
            "text": S1,
            "date": "2020-01-06",
            "events": [{"type": "ASSAULT", "evidence": S1}],
        },
    )
    _write(tmp_path / "b-noid.json", {"text": S2})
    bad_json = _write(tmp_path / "c-bad.json", '{\n  "text": "x",\n  "events": [\n}\n')
    not_obj = _write(tmp_path / "d-list.json", [1, 2])
    no_evidence = _write(tmp_path / "e-event.json", {"text": S1, "events": [{"type": "ASSAULT"}]})
    _write(tmp_path / "notes.txt", "ignored")
    gold, errors = load_gold_dir(tmp_path)
    assert [g.id for g in gold] == ["g1", "b-noid"]
    assert gold[0].events[0]["type"] == "ASSAULT" and gold[1].events == [] and gold[1].quotes == []
    assert [e.where for e in errors] == [f"{bad_json}:4", str(not_obj), str(no_evidence)]
    assert "malformed JSON" in errors[0].problem
    assert "'text'" in errors[1].problem
    assert "event 0" in errors[2].problem and "evidence" in errors[2].problem


def test_load_gold_single_file_and_missing(tmp_path: Path) -> None:
    f = _write(tmp_path / "one.json", {"text": S1})
    gold, errors = load_gold_dir(f)
    assert [g.id for g in gold] == ["one"] and errors == []
    with pytest.raises(InputError) as exc:
        load_gold_dir(tmp_path / "absent")
    assert exc.value.where == str(tmp_path / "absent")


def test_bad_evidence_is_reported() -> None:
    gold = GoldArticle(
        id="x",
        text=S1,
        date=None,
        events=[{"type": "ASSAULT", "evidence": "not in the text"}],
        quotes=[],
    )
    s = evaluate([gold], [ArticleRecord(id="x", text=S1)])
    assert s.details[0]["bad_evidence"] == ["not in the text"]
    assert s.events.fn == 1


def test_shared_dev_gold_loads() -> None:
    from conftest import GOLD_DEV, require

    gold, errors = load_gold_dir(require(GOLD_DEV))
    assert errors == []
    assert gold
    for g in gold:
        for ev in g.events:
            assert g.evidence_span(ev["evidence"]), f"{g.path}: evidence not in text"


# --------------------------------------------------------------------------- the reference scorer

#: the reference's figure -> eventwire's
REFERENCE_NAMES = {
    "event_p": "event_precision", "event_r": "event_recall", "event_f1": "event_f1",
    "tp": "event_tp", "fp": "event_fp", "fn": "event_fn",
    "actor_country_acc": "actor_country_accuracy", "actor_name_acc": "actor_name_accuracy",
    "target_country_acc": "target_country_accuracy", "target_name_acc": "target_name_accuracy",
    "date_acc": "date_accuracy", "location_acc": "location_accuracy",
    "nonasserted_leak_rate": "nonasserted_leak_rate", "quote_p": "quote_precision",
    "quote_r": "quote_recall", "quote_f1": "quote_f1", "quote_speaker_acc": "speaker_accuracy",
}  # fmt: skip


def _scoring_dir() -> Path:
    from conftest import SHARED, require

    return require(SHARED / "eval" / "scoring")


def _load(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"reference_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _printed(main: Callable[[list[str]], Any], argv: list[str]) -> dict[str, Any]:
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        main(argv)
    result: dict[str, Any] = json.loads(buf.getvalue())
    return result


def _reference_figures(gold_dir: Path, system: Path) -> dict[str, Any]:
    """score.py --json and calibration.py's ece on the same gold and output."""
    scoring = _scoring_dir()
    score, calibration = _load(scoring / "score.py"), _load(scoring / "calibration.py")
    ref = _printed(score.main, [str(gold_dir), str(system), "--json"])
    ref["ece"] = _printed(calibration.main, ["calibration.py", str(gold_dir), str(system)])["ece"]
    return ref


def _disagreements(ours: dict[str, Any], ref: dict[str, Any]) -> list[str]:
    """Figures that differ at the reference's three places (n/a is its 0.0)."""
    out = []
    for ref_name, name in [*REFERENCE_NAMES.items(), ("ece", "ece")]:
        value = ours[name]
        if not isinstance(value, int):
            value = round(value or 0.0, 3)
        if value != ref[ref_name]:
            out.append(f"{name}: eventwire {value}, reference {ref[ref_name]}")
    return out


def _write_pair(root: Path, gold: Sequence[GoldArticle], records: Sequence[ArticleRecord]) -> None:
    (root / "gold").mkdir(parents=True)
    for g in gold:
        data = {"id": g.id, "text": g.text, "date": g.date, "events": g.events, "quotes": g.quotes}
        (root / "gold" / f"{g.id}.json").write_text(json.dumps(data), encoding="utf-8")
    with (root / "system.jsonl").open("w", encoding="utf-8") as f:
        for rec in records:
            f.write(rec.to_json() + "\n")


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_scenarios_agree_with_the_reference(name: str, tmp_path: Path) -> None:
    gold, record = SCENARIOS[name]()
    _write_pair(tmp_path, [gold], [record])
    ref = _reference_figures(tmp_path / "gold", tmp_path / "system.jsonl")
    assert ref["articles_missing"] == 0
    assert _disagreements(evaluate([gold], [record]).figures(digits=None), ref) == []


def _subset(split: Path) -> list[Path]:
    """The whole split with EVENTWIRE_EVAL_FULL=1, else its first two files per source corpus."""
    files = sorted(split.glob("*.json"))
    if os.environ.get("EVENTWIRE_EVAL_FULL") == "1":
        return files
    seen: dict[str, int] = {}
    picked = []
    for f in files:
        corpus = f.name.split("-")[0]
        seen[corpus] = seen.get(corpus, 0) + 1
        if seen[corpus] <= 2:
            picked.append(f)
    return picked


@pytest.fixture(scope="module")
def pipeline_output(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, tuple[Path, Path, list[GoldArticle], list[ArticleRecord]]]]:
    """The pipeline's records on ../shared/gold/dev and a subset of train, as eval makes them."""
    from conftest import SHARED, require
    from eventwire.pipeline import Failure
    from eventwire.read import ArticleInput, parse_date

    _scoring_dir()
    splits = (
        ("dev", sorted(require(SHARED / "gold" / "dev").glob("*.json"))),
        ("train", _subset(require(SHARED / "gold" / "train"))),
    )
    pipeline = request.getfixturevalue("pipeline")  # loaded only when the data is there
    out = {}
    for name, files in splits:
        root = tmp_path_factory.mktemp(name)
        (root / "gold").mkdir()
        for f in files:
            shutil.copy(f, root / "gold" / f.name)
        gold, errors = load_gold_dir(root / "gold")
        assert errors == []
        articles = [ArticleInput(text=g.text, id=g.id, date=parse_date(g.date)) for g in gold]
        records = []
        for g, res in zip(gold, pipeline.process(articles), strict=True):
            assert not isinstance(res, Failure), f"{g.path}: {res.problem}"
            records.append(res)
        with (root / "system.jsonl").open("w", encoding="utf-8") as fh:
            for rec in records:
                fh.write(rec.to_json() + "\n")
        out[name] = (root / "gold", root / "system.jsonl", gold, records)
    yield out


@pytest.mark.parametrize("split", ["dev", "train"])
def test_pipeline_output_scores_as_the_reference_scores_it(
    split: str, pipeline_output: dict[str, Any]
) -> None:
    gold_dir, system, gold, records = pipeline_output[split]
    ref = _reference_figures(gold_dir, system)
    assert ref["articles_missing"] == 0
    scores = evaluate(gold, records)
    assert scores.events.tp > 0  # the comparison means something
    assert _disagreements(scores.figures(digits=None), ref) == []


# --------------------------------------------------------------------------- the eval command


class _Replay:
    """A stand-in pipeline that returns prepared records by article id."""

    def __init__(self, records: Sequence[ArticleRecord]) -> None:
        self.records = {r.id: r for r in records}

    def process(self, articles: Iterable[Any]) -> Iterator[ArticleRecord]:
        for a in articles:
            yield self.records[a.id]


def test_eval_command_prints_ece_and_details(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from eventwire import cli

    gold, records = [_gold_a(), _gold_b()], [_record_a(), _record_b()]
    _write_pair(tmp_path, gold, records)
    monkeypatch.setattr(cli, "_make_pipeline", lambda *a: _Replay(records))
    runner = CliRunner()
    r = runner.invoke(cli.app, ["eval", str(tmp_path / "gold"), "--json", "--detail"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    want = evaluate(gold, records)
    assert out["figures"] == want.figures()
    # 2 right and 3 wrong events, all at the default confidence 0.5: |0.5 - 0.4|
    assert out["figures"]["ece"] == 0.1
    [leak] = out["details"][0]["leaks"]
    assert (leak["type"], leak["gold"]["type"], leak["gold"]["factuality"]) == (
        "RETREAT",
        "RETREAT",
        "negated",
    )
    r = runner.invoke(cli.app, ["eval", str(tmp_path / "gold"), "--detail"])
    assert r.exit_code == 0, r.output
    assert re.search(r"ece\s*│\s*0\.100\s*│", r.stdout)
    assert re.search(r"nonasserted_leak_rate\s*│\s*0\.500\s*│", r.stdout)
    assert "leaks" in r.stdout and "quote_false" in r.stdout
