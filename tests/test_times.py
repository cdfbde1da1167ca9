"""Tests of eventwire.times: finding, normalizing and linking temporal expressions.

All sentences are our own; the publication date is Monday 2020-01-06 unless said.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest

from eventwire import record
from eventwire.errors import DataFileError
from eventwire.nlp import load_model
from eventwire.times import (
    add_to_pipeline,
    find_times,
    is_explicit,
    linked_time,
    load_lexicon,
    normalize,
    valid_pubdate,
)

PUB = date(2020, 1, 6)  # a Monday
GOLD_DEV = Path(__file__).resolve().parents[2] / "shared" / "gold" / "dev"


@pytest.fixture(scope="session")
def nlp():  # type: ignore[no-untyped-def]
    return load_model()


def times_of(nlp, text: str, pub: date | None = PUB, **kw) -> list[record.Time]:  # type: ignore[no-untyped-def]
    doc = nlp(text)
    out = find_times(doc, pub, **kw)
    for t in out:  # every span is exact
        assert doc.text[t.span[0] : t.span[1]] == t.text
    return out


def value_of(nlp, text: str, phrase: str, pub: date | None = PUB, **kw) -> str | None:  # type: ignore[no-untyped-def]
    """The value of the time whose text is ``phrase``; fails if there is none."""
    found = {t.text: t for t in times_of(nlp, text, pub, **kw)}
    assert phrase in found, f"{phrase!r} not found in {list(found)}"
    return found[phrase].value


def texts(nlp, text: str, pub: date | None = PUB) -> list[str]:  # type: ignore[no-untyped-def]
    return [t.text for t in times_of(nlp, text, pub)]


# --------------------------------------------------------------------------- explicit dates


@pytest.mark.parametrize(
    ("sentence", "phrase", "value"),
    [
        ("The treaty was signed on January 3, 2020 in Geneva.", "January 3, 2020", "2020-01-03"),
        ("The treaty was signed on 3 January 2020 in Geneva.", "3 January 2020", "2020-01-03"),
        ("The decree dated 2019-11-21 was published.", "2019-11-21", "2019-11-21"),
        ("The decree dated 11/21/2019 was published.", "11/21/2019", "2019-11-21"),
        ("Elections were held in January 2019.", "January 2019", "2019-01"),
        ("The party was founded in 1998.", "1998", "1998"),
        (
            "The ceasefire collapsed on Sept. 14, 2019, officials said.",
            "Sept. 14, 2019",
            "2019-09-14",
        ),
        ("Talks resumed on Friday, Jan. 3, 2020, in Doha.", "Friday, Jan. 3, 2020", "2020-01-03"),
        ("The mission began in the 1990s.", "the 1990s", "199"),
        ("Profits fell in the third quarter of 2019.", "the third quarter of 2019", "2019-Q3"),
    ],
)
def test_explicit_dates(nlp, sentence: str, phrase: str, value: str) -> None:  # type: ignore[no-untyped-def]
    assert value_of(nlp, sentence, phrase) == value


def test_month_day_without_year_takes_nearest_year(nlp) -> None:  # type: ignore[no-untyped-def]
    # published 2020-01-06: Dec. 28 is last year's, Jan. 3 this year's
    assert value_of(nlp, "The convoy was attacked on Dec. 28.", "Dec. 28") == "2019-12-28"
    assert value_of(nlp, "The convoy was attacked on Jan. 3.", "Jan. 3") == "2020-01-03"


def test_weekday_picks_year_of_month_day(nlp) -> None:  # type: ignore[no-untyped-def]
    # 2 Jan 2019 was a Wednesday; 2 Jan 2020 a Thursday
    assert value_of(nlp, "They met on Wednesday, Jan. 2.", "Wednesday, Jan. 2") == "2019-01-02"


def test_impossible_date_has_null_value(nlp) -> None:  # type: ignore[no-untyped-def]
    assert value_of(nlp, "The vote on February 30, 2020 was annulled.", "February 30, 2020") is None


# --------------------------------------------------------------------------- relative dates


def test_weekdays_follow_tense(nlp) -> None:  # type: ignore[no-untyped-def]
    assert value_of(nlp, "He was killed in a strike on Friday.", "Friday") == "2020-01-03"
    assert value_of(nlp, "The ministers met on Monday.", "Monday") == "2020-01-06"
    assert value_of(nlp, "The ministers will meet on Thursday.", "Thursday") == "2020-01-09"
    assert value_of(nlp, "The envoy is expected to arrive on Friday.", "Friday") == "2020-01-10"
    assert value_of(nlp, "Trading is to resume on Tuesday.", "Tuesday") == "2020-01-07"
    assert value_of(nlp, "Trading was to resume on Tuesday.", "Tuesday") == "2019-12-31"
    assert value_of(nlp, "He would have met them on Friday.", "Friday") == "2020-01-03"
    # a participle modifying a noun does not make the sentence past
    text = "The bank will buy all shares tendered by holders until Jan. 30."
    assert value_of(nlp, text, "Jan. 30") == "2020-01-30"
    # no tense (a headline fragment): the most recent one
    assert value_of(nlp, "Protests in the capital on Saturday", "Saturday") == "2020-01-04"


def test_last_and_next_weekday(nlp) -> None:  # type: ignore[no-untyped-def]
    assert value_of(nlp, "They met last Monday.", "last Monday") == "2019-12-30"
    assert value_of(nlp, "They meet next Monday.", "next Monday") == "2020-01-13"
    assert value_of(nlp, "They met the following Monday.", "the following Monday") is None


@pytest.mark.parametrize(
    ("sentence", "phrase", "value"),
    [
        ("Rebels shelled the town yesterday.", "yesterday", "2020-01-05"),
        ("The court rules today.", "today", "2020-01-06"),
        ("The court will rule tomorrow.", "tomorrow", "2020-01-07"),
        ("Clashes erupted last week.", "last week", "2020-W01"),
        ("Clashes erupted last month.", "last month", "2019-12"),
        ("Clashes erupted last year.", "last year", "2019"),
        ("Talks continue this week.", "this week", "2020-W02"),
        ("The law was passed earlier this month.", "earlier this month", "2020-01"),
        ("The plant closed three days ago.", "three days ago", "2020-01-03"),
        ("The elections are due next year.", "next year", "2021"),
    ],
)
def test_relative_dates(nlp, sentence: str, phrase: str, value: str) -> None:  # type: ignore[no-untyped-def]
    assert value_of(nlp, sentence, phrase) == value


def test_month_alone_follows_tense(nlp) -> None:  # type: ignore[no-untyped-def]
    assert value_of(nlp, "The parliament voted in March.", "March") == "2019-03"
    assert value_of(nlp, "The parliament will vote in March.", "March") == "2020-03"


def test_year_offset_takes_period_of_sentence(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "Exports fell in the third quarter from a year earlier."
    assert value_of(nlp, text, "the third quarter") == "2019-Q3"
    assert value_of(nlp, text, "a year earlier") == "2018-Q3"


# --------------------------------------------------------------------------- times, durations, sets


def test_parts_of_day_and_clock_times(nlp) -> None:  # type: ignore[no-untyped-def]
    found = {t.text: t for t in times_of(nlp, "Gunmen opened fire on Monday night.")}
    assert found["Monday night"].value == "2020-01-06TNI"
    assert found["Monday night"].type == "TIME"
    assert value_of(nlp, "The blast happened last night.", "last night") == "2020-01-05TNI"
    # a clock time takes the day named in its sentence
    text = "The strike hit the base on Friday at 10 a.m."
    assert value_of(nlp, text, "10 a.m.") == "2020-01-03T10:00"


def test_clock_time_with_its_own_date(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "The curfew starts at 5 p.m. on January 3, 2020, officials said."
    found = {t.text: t for t in times_of(nlp, text)}
    (only,) = [t for t in found.values() if t.type == "TIME"]
    assert only.value == "2020-01-03T17:00"


def test_seasons_and_stray_words(nlp) -> None:  # type: ignore[no-untyped-def]
    assert (
        value_of(nlp, "The offensive began in the spring of 2019.", "the spring of 2019")
        == "2019-SP"
    )
    # a possessive before the expression is left out of the span
    found = texts(nlp, "The company doubled its fourth-quarter profit.")
    assert found == ["fourth-quarter"]


@pytest.mark.parametrize(
    ("sentence", "phrase", "value"),
    [
        ("The siege lasted three days.", "three days", "P3D"),
        ("The siege lasted two weeks.", "two weeks", "P2W"),
        ("He was held for 24 hours.", "24 hours", "PT24H"),
        ("The war lasted several years.", "several years", "PXY"),
        ("The truce held for eight trading days.", "eight trading days", "P8D"),
    ],
)
def test_durations(nlp, sentence: str, phrase: str, value: str) -> None:  # type: ignore[no-untyped-def]
    found = {t.text: t for t in times_of(nlp, sentence)}
    assert found[phrase].value == value
    assert found[phrase].type == "DURATION"


def test_sets(nlp) -> None:  # type: ignore[no-untyped-def]
    found = {
        t.text: t for t in times_of(nlp, "Protesters gather every Friday outside the ministry.")
    }
    assert found["every Friday"].value == "XXXX-WXX-5"
    assert found["every Friday"].type == "SET"


def test_vague_expressions(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "More troops will arrive in the coming days, and aid was recently cut."
    # TIMEX3's vague values are the default; refs=False gives null instead
    assert value_of(nlp, text, "the coming days") == "FUTURE_REF"
    assert value_of(nlp, text, "recently") == "PAST_REF"
    assert value_of(nlp, text, "the coming days", refs=False) is None
    assert value_of(nlp, text, "recently", refs=False) is None


def test_range_is_split(nlp) -> None:  # type: ignore[no-untyped-def]
    found = times_of(nlp, "The border stays closed from Monday to Friday.")
    assert [t.text for t in found] == ["Monday", "Friday"]


# --------------------------------------------------------------------------- false positives


def test_modal_may_and_verb_march_are_not_dates(nlp) -> None:  # type: ignore[no-untyped-def]
    assert texts(nlp, "Officials may march to the palace.") == []
    assert texts(nlp, "May the talks succeed, he said.") == []
    found = texts(nlp, "The talks may resume in May.")
    assert found == ["May"]


def test_non_dates_are_not_found(nlp) -> None:  # type: ignore[no-untyped-def]
    for sentence in (
        "He came second in the race.",
        "The car was driven to the border.",
        "Note on: the list of 2,500 names.",
        "About 5,000 troops and 300 vehicles crossed.",
        "The quarterly report was late.",
    ):
        assert texts(nlp, sentence) == [], sentence


def test_names_are_not_times(nlp) -> None:  # type: ignore[no-untyped-def]
    found = texts(nlp, "The senator told USA TODAY's weekly show that he would run.")
    assert "TODAY" not in " ".join(found)
    assert found == []


def test_anaphoric_periods_are_null(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "He visited Rangoon in June 2012. That month, he introduced a bill."
    assert value_of(nlp, text, "June 2012") == "2012-06"
    assert value_of(nlp, text, "That month") is None
    assert value_of(nlp, "It ended a half-century of military rule.", "a half-century") == "P50Y"


def test_ages_are_not_times(nlp) -> None:  # type: ignore[no-untyped-def]
    assert texts(nlp, "A 64-year-old man was arrested.") == []
    assert texts(nlp, "The victim, 23 years old, was a student.") == []


# --------------------------------------------------------------------------- bad input


def test_bad_input_never_raises(nlp) -> None:  # type: ignore[no-untyped-def]
    assert find_times(None, PUB) == []
    assert find_times("Friday", PUB) == []  # type: ignore[arg-type]
    assert find_times(nlp(""), PUB) == []
    assert find_times(nlp("!!! ??? ..."), PUB) == []
    long = "On Friday, " + "the the " * 2000 + "they met."
    assert [t.text for t in find_times(nlp(long), PUB)] == ["Friday"]


def test_doc_without_parse_or_entities() -> None:
    import spacy

    doc = spacy.blank("en")("They met on Friday. On Jan. 3, 2019, at 10 a.m., talks ended.")
    found = {t.text: t.value for t in find_times(doc, PUB)}
    assert found["Friday"] == "2020-01-03"
    assert found["Jan. 3, 2019"] == "2019-01-03"
    assert linked_time(doc[1], find_times(doc, PUB)) is None  # no parse, no link


@pytest.mark.parametrize("pub", [None, date(1850, 5, 1), date(2999, 1, 1), "not a date", 20200106])
def test_unusable_pubdate(nlp, pub) -> None:  # type: ignore[no-untyped-def]
    found = {t.text: t.value for t in times_of(nlp, "The army attacked on Friday.", pub)}
    assert found["Friday"] is None  # relative: cannot be resolved
    text = "The army attacked on Friday, and on January 9, 2020 it withdrew."
    found = {t.text: t.value for t in times_of(nlp, text, pub)}
    assert found["January 9, 2020"] == "2020-01-09"  # absolute: still resolved
    # the first full date printed near the start stands in for the publication date
    # (as annotators resolve relative dates when the publication date is missing)
    assert found["Friday"] == "2020-01-03"


def test_is_explicit(nlp) -> None:  # type: ignore[no-untyped-def]
    found = {
        t.text: t for t in times_of(nlp, "On Friday they recalled the raid of January 3, 2019.")
    }
    assert is_explicit(found["January 3, 2019"])
    assert not is_explicit(found["Friday"])
    assert not is_explicit(None)  # type: ignore[arg-type]


def test_pubdate_forms() -> None:
    assert valid_pubdate(datetime(2020, 1, 6, 12, 30)) == PUB
    assert valid_pubdate("2020-01-06") == PUB
    assert valid_pubdate("06/01/2020") is None
    assert valid_pubdate(date(1899, 12, 31)) is None


def test_normalize_never_raises() -> None:
    for junk in (
        "",
        " ",
        "???",
        "the the the",
        "99/99/9999",
        "0000-00-00",
        "February 31",
        "x" * 5000,
    ):
        _, value, _ = normalize(junk, PUB)
        assert value is None, junk
    assert normalize("February 31, 2020", PUB) == (True, None, "DATE")


def test_lexicon_errors_name_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "lexicon.json"
    bad.write_text('{\n "months": {"jan": 1,}\n}', encoding="utf-8")
    with pytest.raises(DataFileError, match=r"lexicon\.json:2"):
        load_lexicon(bad)
    missing = tmp_path / "partial.json"
    missing.write_text(json.dumps({"months": {"jan": 1}}), encoding="utf-8")
    with pytest.raises(DataFileError, match=r"partial\.json.*missing entry"):
        load_lexicon(missing)


# --------------------------------------------------------------------------- linking


def _link(nlp, text: str, trigger: str) -> record.Time | None:  # type: ignore[no-untyped-def]
    doc = nlp(text)
    times = find_times(doc, PUB)
    tok = next(t for t in doc if t.text == trigger)
    return linked_time(tok, times)


def test_linked_time_direct(nlp) -> None:  # type: ignore[no-untyped-def]
    t = _link(nlp, "He was killed by a drone at the airport on Friday.", "killed")
    assert t is not None and t.text == "Friday" and t.value == "2020-01-03"
    t = _link(nlp, "The attack on Friday killed five people.", "attack")
    assert t is not None and t.text == "Friday"


def test_linked_time_through_head_chain(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "The parliament adopted a resolution on Sunday calling on foreign troops to leave."
    t = _link(nlp, text, "calling")
    assert t is not None and t.text == "Sunday"


def test_linked_time_prefers_own_clause(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "Officials said on Monday that rebels attacked the town on Saturday."
    t = _link(nlp, text, "attacked")
    assert t is not None and t.text == "Saturday"
    t = _link(nlp, text, "said")
    assert t is not None and t.text == "Monday"


def test_linked_time_stays_in_sentence(nlp) -> None:  # type: ignore[no-untyped-def]
    assert (
        _link(nlp, "Police arrested 20 protesters. The rally was on Tuesday.", "arrested") is None
    )


def test_linked_time_bad_input(nlp) -> None:  # type: ignore[no-untyped-def]
    doc = nlp("They met on Friday.")
    assert linked_time(doc[1], []) is None
    assert linked_time(None, find_times(doc, PUB)) is None  # type: ignore[arg-type]
    stray = record.Time(text="x", span=(500, 501), value=None)
    assert linked_time(doc[1], [stray]) is None


# --------------------------------------------------------------------------- pipeline component


def test_component_sets_doc_times(nlp) -> None:  # type: ignore[no-untyped-def]
    add_to_pipeline(nlp, {})
    try:
        assert "eventwire_times" in nlp.pipe_names
        add_to_pipeline(nlp, {})  # idempotent
        assert nlp.pipe_names.count("eventwire_times") == 1
        doc = nlp.make_doc("Troops withdrew on Friday.")
        doc._.article = SimpleNamespace(date=PUB)
        for _, proc in nlp.pipeline:
            doc = proc(doc)
        assert [(t.text, t.value) for t in doc._.times] == [("Friday", "2020-01-03")]
        # no article: relative values stay null
        doc = nlp("Troops withdrew on Friday.")
        assert [(t.text, t.value) for t in doc._.times] == [("Friday", None)]
    finally:
        if "eventwire_times" in nlp.pipe_names:
            nlp.remove_pipe("eventwire_times")


# --------------------------------------------------------------------------- gold articles


def test_gold_dev_articles(nlp) -> None:  # type: ignore[no-untyped-def]
    """On the dev articles: spans exact, and a date in an event's evidence agrees with the
    gold event date in most cases."""
    files = sorted(GOLD_DEV.glob("*.json"))
    if not files:
        pytest.skip(f"gold dev articles not found under {GOLD_DEV}")
    agree = total = 0
    for f in files:
        gold = json.loads(f.read_text(encoding="utf-8"))
        pub = date.fromisoformat(gold["date"]) if gold.get("date") else None
        found = times_of(nlp, gold["text"], pub)
        for ev in gold.get("events", []):
            if ev.get("optional") or not ev.get("date"):
                continue
            start = gold["text"].find(ev["evidence"])
            end = start + len(ev["evidence"])
            inside = [
                t
                for t in found
                if start <= t.span[0] < end and t.value and t.type in ("DATE", "TIME")
            ]
            if start < 0 or not inside:
                continue
            total += 1
            agree += any(
                t.value[:10].startswith(ev["date"]) or ev["date"].startswith(t.value[:10])
                for t in inside
            )
    assert total >= 10
    assert agree / total >= 0.75, (agree, total)


# --------------------------------------------------------------------------- property


_PIECES = [
    "on Friday",
    "last week",
    "Jan. 3",
    "3 January 2020",
    "the coming days",
    "every Friday",
    "at 10 a.m.",
    "three days ago",
    "may",
    "March",
    "2,500",
    "the 1990s",
    "Monday night",
    "from Monday to Friday",
    "rebels attacked",
    "the minister said",
    "“",
    "”",
    ",",
    ".",
    "\n",
    "—",
    "'s",
]


def test_random_text_spans_exact(nlp) -> None:  # type: ignore[no-untyped-def]
    """Whatever the text, find_times returns exact spans and never raises."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    @given(
        st.lists(st.sampled_from(_PIECES), min_size=1, max_size=12),
        st.sampled_from([PUB, None, date(1850, 1, 1)]),
    )
    def check(pieces: list[str], pub: date | None) -> None:
        doc = nlp(" ".join(pieces))
        for t in find_times(doc, pub):
            assert doc.text[t.span[0] : t.span[1]] == t.text
            assert t.type in ("DATE", "TIME", "DURATION", "SET")

    check()


# ------------------------------------------------------------------ issue 19: times


@pytest.mark.parametrize(
    ("text", "phrase", "value"),
    [
        ("Police arrived at 1030 am.", "1030 am", "2020-01-06T10:30"),
        ("The blast came at 10.30 pm on Friday.", "10.30 pm", "2020-01-03T22:30"),
        ("The convoy left at 0930 hrs.", "0930 hrs", "2020-01-06T09:30"),
        ("The curfew starts at 2200 hours.", "2200 hours", "2020-01-06T22:00"),
    ],
)
def test_compact_clock_times_are_not_years(nlp, text: str, phrase: str, value: str) -> None:  # type: ignore[no-untyped-def]
    assert value_of(nlp, text, phrase) == value


def test_bare_four_digit_numbers_stay_years(nlp) -> None:  # type: ignore[no-untyped-def]
    assert value_of(nlp, "The castle was built in 1030 by a local lord.", "1030") == "1030"
    assert value_of(nlp, "The strike lasted 24 hours.", "24 hours") == "PT24H"


@pytest.mark.parametrize(
    ("text", "phrase", "value"),
    [
        (
            "Rebels took the town on Friday. Three days later, they withdrew.",
            "Three days later",
            "2020-01-06",
        ),
        (
            "Police arrested him on Thursday. The next day he was freed.",
            "The next day",
            "2020-01-03",
        ),
        (
            "Talks ended on Friday. A day earlier, the envoy had left.",
            "A day earlier",
            "2020-01-02",
        ),
        (
            "He spoke on Thursday evening. Not a full day later, he was mocked.",
            "a full day later",
            "2020-01-03",
        ),
        ("They met on Friday. Two weeks later they signed.", "Two weeks later", "2020-01-17"),
    ],
)
def test_story_relative_offsets_count_from_their_anchor(
    nlp, text: str, phrase: str, value: str
) -> None:  # type: ignore[no-untyped-def]
    assert value_of(nlp, text, phrase) == value


def test_story_offsets_skip_future_anchors_and_keep_a_duration_without_one(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "Fans gathered on Sunday ahead of next Tuesday's final. A day earlier, police had met."
    assert value_of(nlp, text, "A day earlier") == "2020-01-04"
    assert value_of(nlp, "Three days later, they withdrew.", "Three days later") == "P3D"
    # "after" + an event is no story offset: "four days after the fire"
    found = times_of(nlp, "On Friday, four days after the fire, police arrested two men.")
    assert all(t.value != "2020-01-07" for t in found)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Militants threatened to attack the base on Friday.", "2020-01-10"),
        ("Rebels vowed to attack the capital on Sunday.", "2020-01-12"),
        ("The vote, scheduled for Thursday, was postponed.", "2020-01-09"),
        ("He will fly to Paris and meet the president on Friday.", "2020-01-10"),
        ("The governor ordered shops to stay closed on Friday.", "2020-01-10"),
        ("Militants attacked the base on Friday.", "2020-01-03"),
    ],
)
def test_weekday_direction_follows_the_clause(nlp, text: str, value: str) -> None:  # type: ignore[no-untyped-def]
    days = [t for t in times_of(nlp, text) if t.type == "DATE"]
    assert [t.value for t in days] == [value]


def test_vague_references_are_timex_values_by_default(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "Prices are rising now, and officials will act soon."
    assert value_of(nlp, text, "now") == "PRESENT_REF"
    assert value_of(nlp, text, "soon") == "FUTURE_REF"
    assert normalize("now", PUB) == (True, "PRESENT_REF", "DATE")
    assert normalize("now", PUB, refs=False)[1] is None


def test_story_offsets_are_not_explicit(nlp) -> None:  # type: ignore[no-untyped-def]
    found = {t.text: t for t in times_of(nlp, "Rebels took the town on Friday. Three days later, they left.")}  # fmt: skip
    assert not is_explicit(found["Three days later"])


def test_without_a_publication_date_the_printed_date_anchors_relative_times(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "Published on July 25, 2005.\n\nThe club signed the striker on Saturday."
    assert value_of(nlp, text, "Saturday", pub=None) == "2005-07-23"
    assert value_of(nlp, "The club signed the striker on Saturday.", "Saturday", pub=None) is None


def test_linked_time_scoping(nlp) -> None:  # type: ignore[no-untyped-def]
    doc = nlp("Protesters gathered outside the hotel ahead of next Tuesday's vote.")
    times = find_times(doc, PUB)
    gathered = next(t for t in doc if t.text == "gathered")
    assert linked_time(gathered, times) is None
    doc = nlp("An emergency meeting, held on Friday, condemned the killings.")
    times = find_times(doc, PUB)
    meeting = next(t for t in doc if t.text == "meeting")
    linked = linked_time(meeting, times)
    assert linked is not None and linked.text == "Friday"


@pytest.mark.parametrize(
    ("text", "phrase", "value"),
    [
        ("Crowds gathered after the Bastille Day parade.", "Bastille Day", "2019-07-14"),
        ("Fireworks were banned on New Year's Eve.", "New Year's Eve", "2019-12-31"),
        ("The truce will hold until Valentine's Day.", "Valentine's Day", "2020-02-14"),
        ("They met on Christmas Day 2017.", "Christmas Day 2017", "2017-12-25"),
    ],
)
def test_fixed_date_holidays(nlp, text: str, phrase: str, value: str) -> None:  # type: ignore[no-untyped-def]
    assert value_of(nlp, text, phrase) == value


def test_holiday_words_inside_other_names_are_not_times(nlp) -> None:  # type: ignore[no-untyped-def]
    assert texts(nlp, "Ships sailed to Christmas Island.") == []
