"""Cleaning: segments of non-body text, the analysis copy and its offset map."""

from __future__ import annotations

import pytest
import spacy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eventwire.clean import TextMap, analysis_text, find_segments
from eventwire.record import Segment

_TOKENIZER = spacy.blank("en")


def _marked(text: str, segments: list[Segment] | None = None) -> list[tuple[str, str]]:
    segs = find_segments(text) if segments is None else segments
    return [(s.kind, text[s.span[0] : s.span[1]]) for s in segs]


# --------------------------------------------------------------------------- boilerplate


def test_boilerplate_lines_marked() -> None:
    text = (
        "Talks between the two governments ended on Monday without a deal.\n"
        "Advertisement\n"
        "Share this article\n"
        "Subscribe to our newsletter\n"
        "We use cookies to improve your experience.\n"
        "Share | Tweet | Email\n"
        "The ministers are expected to meet again next month.\n"
    )
    assert _marked(text) == [
        ("boilerplate", "Advertisement"),
        ("boilerplate", "Share this article"),
        ("boilerplate", "Subscribe to our newsletter"),
        ("boilerplate", "We use cookies to improve your experience."),
        ("boilerplate", "Share | Tweet | Email"),
    ]


def test_sentences_mentioning_boilerplate_words_are_body() -> None:
    text = (
        "The company said it would share the cost of the new bridge with the city.\n\n"
        "Officials said an advertisement campaign would start in May."
    )
    assert find_segments(text) == []


def test_known_segments_are_kept() -> None:
    text = "date 2020-01-06\n\nTroops left the base on Sunday."
    header = Segment(span=(0, 15), kind="boilerplate")
    segs = find_segments(text, [header])
    assert segs[0] == header
    assert _marked(text, segs) == [("boilerplate", "date 2020-01-06")]


# --------------------------------------------------------------------------- credits and captions

_BODY1 = "Thousands of people marched through the capital on Monday to demand new elections."
_CAPTION = (
    "A protester waves a flag during a rally outside parliament in the capital, March 2, 2024."
)
_BODY2 = "Police said the march ended peacefully in the evening."


def test_credit_on_one_line_and_caption_before_it() -> None:
    text = f"{_BODY1}\n\n{_CAPTION}\n\nNaif Rahma / Reuters\n\n{_BODY2}"
    assert _marked(text) == [("caption", _CAPTION), ("credit", "Naif Rahma / Reuters")]


def test_credit_split_over_lines() -> None:
    text = f"{_BODY1}\n\n{_CAPTION}\n\nNaif Rahma /\n\nReuters\n\n{_BODY2}"
    marked = _marked(text)
    assert ("credit", "Naif Rahma /\n\nReuters") in marked
    assert ("caption", _CAPTION) in marked
    assert len(marked) == 2
    # blanked in the analysis copy, blank line kept
    tm = analysis_text(text, find_segments(text))
    k = text.index("Naif")
    assert tm.analysis[k : k + len("Naif Rahma /\n\nReuters")] == " " * 12 + "\n\n" + " " * 7


def test_caption_directly_above_credit_line() -> None:
    text = f"{_BODY1}\n\n{_CAPTION}\nNaif Rahma / Reuters\n\n{_BODY2}"
    assert _marked(text) == [("caption", _CAPTION), ("credit", "Naif Rahma / Reuters")]


def test_credit_line_alone_is_marked_even_without_caption_rule() -> None:
    text = f"{_BODY1}\n\n{_CAPTION}\nNaif Rahma / Reuters\n\n{_BODY2}"
    assert ("credit", "Naif Rahma / Reuters") in _marked(text)


@pytest.mark.parametrize(
    "credit",
    ["Photo: Jane Doe", "AFP via Getty Images", "Maria Lopez / AP Photo", "/ Reuters"],
)
def test_credit_forms(credit: str) -> None:
    text = f"{_BODY1}\n\n{credit}\n\n{_BODY2}"
    assert ("credit", credit) in _marked(text)


def test_file_photo_caption_marker() -> None:
    cap = "FILE PHOTO: Soldiers stand guard at a checkpoint in the capital, January 5, 2020."
    text = f"{_BODY1}\n\n{cap}\n\n{_BODY2}"
    assert _marked(text) == [("caption", cap)]


def test_name_slash_body_sentence_is_not_a_credit() -> None:
    text = f"{_BODY1}\n\nThe and/or clause in the treaty was disputed by the two sides for years.\n"
    assert find_segments(text) == []


# --------------------------------------------------------------------------- datelines


@pytest.mark.parametrize(
    ("text", "dateline"),
    [
        (
            "BAGHDAD / DUBAI – Iraq's parliament voted on Sunday to expel troops.",
            "BAGHDAD / DUBAI –",
        ),
        (
            "NAIROBI, Kenya (AP) — Police fired tear gas at protesters on Tuesday.",
            "NAIROBI, Kenya (AP) —",
        ),
        (
            "KYIV, March 3 (Reuters) - Ukraine said it shot down 20 drones.",
            "KYIV, March 3 (Reuters) -",
        ),
        ("PORT ELDEN -- Dock workers ended their strike.", "PORT ELDEN --"),
        ("baroda: curfew was clamped on the old city after clashes.", "baroda:"),
        ("new delhi: the government announced a ban on rallies.", "new delhi:"),
    ],
)
def test_dateline_forms(text: str, dateline: str) -> None:
    assert _marked(text) == [("dateline", dateline)]
    assert find_segments(text)[0].span[0] == 0


def test_dateline_after_one_line_headline() -> None:
    text = (
        "Ukraine downs drones over port city\n\n"
        "ODESA, March 3 (Reuters) - Ukraine said it shot down 20 drones overnight.\n\n"
        "The air force said the attack lasted three hours."
    )
    assert _marked(text) == [("dateline", "ODESA, March 3 (Reuters) -")]


def test_dateline_below_boilerplate_line() -> None:
    text = "Advertisement\nKYIV, March 3 (Reuters) - Ukraine said it shot down 20 drones."
    assert _marked(text) == [
        ("boilerplate", "Advertisement"),
        ("dateline", "KYIV, March 3 (Reuters) -"),
    ]


def test_dateline_only_in_first_paragraphs() -> None:
    text = (
        "Ukraine said it shot down 20 drones overnight, and the air force said\n"
        "the attack lasted three hours.\n\n"
        "ODESA (Reuters) - A second paragraph that starts like a dateline."
    )
    assert [k for k, _ in _marked(text)] == []


@pytest.mark.parametrize(
    "text",
    [
        "Note: this story has been updated with a statement from the ministry.",
        "Update: the minister resigned on Friday evening.",
        "NATO allies agreed on Tuesday to raise defence spending.",
        "US officials said on Friday that talks would resume next week.",
        "UN Secretary-General Antonio Guterres called for calm on Monday.",
        "Police arrested 20 protesters in the capital on Monday.",
    ],
)
def test_not_datelines(text: str) -> None:
    assert [k for k, _ in _marked(text)] == []


# --------------------------------------------------------------------------- analysis text


def test_analysis_identity_without_insertions() -> None:
    text = (
        "Advertisement\n\n"
        "KYIV, March 3 (Reuters) - Ukraine said it shot down 20 drones.\n\n"
        "Olena Petrenko / Reuters\n"
        "The air\u00a0force said the attack lasted three hours.\n"
    )
    segs = find_segments(text)
    tm = analysis_text(text, segs)
    assert tm.identity
    assert len(tm.analysis) == len(text)
    # junk and credits blanked, newlines kept
    assert tm.analysis.startswith(" " * len("Advertisement") + "\n")
    credit_at = text.index("Olena")
    assert tm.analysis[credit_at : credit_at + len("Olena Petrenko / Reuters")].strip() == ""
    assert [i for i, c in enumerate(tm.analysis) if c == "\n"] == [
        i for i, c in enumerate(text) if c == "\n"
    ]
    # the dateline is closed with a full stop; the dash is gone
    assert "KYIV, March 3 (Reuters) . Ukraine said" in tm.analysis
    # non-breaking spaces become plain spaces
    assert "The air force said" in tm.analysis
    assert tm.to_original(5, 20) == (5, 20)
    assert tm.to_analysis(5, 20) == (5, 20)


def test_analysis_closes_double_dash_dateline() -> None:
    text = "PORT ELDEN -- Dock workers ended their strike."
    tm = analysis_text(text, find_segments(text))
    assert tm.analysis == "PORT ELDEN .  Dock workers ended their strike."


def test_glued_sentences_split_with_inserted_space() -> None:
    text = "Rebels attacked a base in Syria.The army said it repelled them."
    tm = analysis_text(text, find_segments(text))
    assert not tm.identity
    assert tm.analysis == "Rebels attacked a base in Syria. The army said it repelled them."
    a = tm.analysis.index("The army")
    o = text.index("The army")
    assert tm.to_original(a, a + len("The army")) == (o, o + len("The army"))
    assert tm.to_analysis(o, o + 3) == (a, a + 3)
    s = tm.analysis.index("Syria")
    assert tm.to_original(s, s + 6) == (text.index("Syria"), text.index("Syria") + 6)
    # a whole-text span maps onto the whole stored text
    assert tm.to_original(0, len(tm.analysis)) == (0, len(text))


def test_glued_headline_is_marked_and_gets_full_stop() -> None:
    text = "Militants attack base near the capitalThe army said two soldiers were hurt."
    segs = find_segments(text)
    assert _marked(text, segs) == [("boilerplate", "Militants attack base near the capital")]
    # kept for the parser (its words name the actors), closed with a full stop
    tm = analysis_text(text, segs)
    assert (
        tm.analysis
        == "Militants attack base near the capital. The army said two soldiers were hurt."
    )


def test_abbreviations_are_not_split() -> None:
    text = "The U.S. Navy and Mr.Smith met at 3.30 p.m. in Washington."
    tm = analysis_text(text, find_segments(text))
    assert tm.identity and tm.analysis == text


# --------------------------------------------------------------------------- TextMap properties

_PIECES = [
    "Advertisement",
    "Share this article",
    "Naif Rahma / Reuters",
    "KYIV, March 3 (Reuters) - Ukraine said it shot down drones.",
    "Rebels attacked a base in Syria.The army said it repelled them.",
    "Fighting went on near the capitalThe army said more.",
    "Talks ended in Geneva.Officials left.Nothing was agreed.",
    "The minister\u00a0said the talks would resume.",
    "Police arrested 20 protesters on Monday.",
    "A protester waves a flag during a rally outside parliament in the capital.",
    "FILE PHOTO: Soldiers stand guard at a checkpoint.",
]

texts = st.lists(st.sampled_from(_PIECES), min_size=1, max_size=7).flatmap(
    lambda parts: st.lists(
        st.sampled_from(["\n", "\n\n", " "]), min_size=len(parts), max_size=len(parts)
    ).map(lambda seps: "".join(p + s for p, s in zip(parts, seps, strict=True)))
)


def _build(text: str) -> TextMap:
    return analysis_text(text, find_segments(text))


def _inserted(tm: TextMap) -> set[int]:
    """Analysis positions of characters that are not in the stored text."""
    return {
        k
        for k in range(len(tm.analysis))
        if tm.to_original(k, k + 1)[0] == tm.to_original(k, k + 1)[1]
    }


def _same_modulo_blanking(analysis: str, original: str) -> bool:
    if len(analysis) != len(original):
        return False
    for a, o in zip(analysis, original, strict=True):
        # a full stop closes a dateline (over its dash) or a junk span inside a line
        if a == o or a == " " or a == ".":
            continue
        return False
    return True


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts, data=st.data())
def test_spans_round_trip_to_original(text: str, data: st.DataObject) -> None:
    tm = _build(text)
    assert tm.original == text
    inserted = _inserted(tm)
    assert len(tm.analysis) == len(text) + len(inserted)
    n = len(tm.analysis)
    start = data.draw(st.integers(0, n))
    end = data.draw(st.integers(start, n))
    if any(start <= k < end for k in inserted):
        return
    os_, oe = tm.to_original(start, end)
    assert 0 <= os_ <= oe <= len(text)
    assert _same_modulo_blanking(tm.analysis[start:end], text[os_:oe])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts)
def test_token_spans_round_trip(text: str) -> None:
    tm = _build(text)
    inserted = _inserted(tm)
    for tok in _TOKENIZER.make_doc(tm.analysis):
        s, e = tok.idx, tok.idx + len(tok.text)
        if any(s <= k < e for k in inserted):
            continue
        orig = tm.to_original(s, e)
        assert tm.to_analysis(*orig) == (s, e), (tok.text, orig)
        assert _same_modulo_blanking(tok.text, text[orig[0] : orig[1]])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            f"{_BODY1}\n\nFILE PHOTO: Soldiers stand guard.\nNaif Rahma / Reuters\n\n{_BODY2}",
            [("caption", "FILE PHOTO: Soldiers stand guard."), ("credit", "Naif Rahma / Reuters")],
        ),
        (
            f"{_BODY1}\n\nFILE PHOTO: Soldiers stand guard.\nAdvertisement\n\n{_BODY2}",
            [("caption", "FILE PHOTO: Soldiers stand guard."), ("boilerplate", "Advertisement")],
        ),
        (
            f"{_BODY1}\n\nAdvertisement\n{_CAPTION}\n\nNaif Rahma / Reuters\n\n{_BODY2}",
            [
                ("boilerplate", "Advertisement"),
                ("caption", _CAPTION),
                ("credit", "Naif Rahma / Reuters"),
            ],
        ),
    ],
)
def test_caption_does_not_overlap_marked_lines(text: str, expected: list[tuple[str, str]]) -> None:
    assert _marked(text) == expected


@settings(max_examples=40, deadline=None)
@given(text=texts)
def test_segments_lie_inside_text_and_do_not_overlap(text: str) -> None:
    segs = find_segments(text)
    for seg in segs:
        s, e = seg.span
        assert 0 <= s < e <= len(text)
        assert not text[s].isspace() and not text[e - 1].isspace()
    prev_end = 0
    for seg in segs:
        assert seg.span[0] >= prev_end
        prev_end = seg.span[1]


def test_split_credit_with_an_unlisted_agency() -> None:
    text = (
        "Gunmen attacked a market in the north on Sunday, officials said.\n\n"
        "Soldiers patrol the market on Monday after the attack in the north.\n\n"
        "Ana Ruiz /\n\nSur Photo Agency\n\nThe army said the patrols would continue."
    )
    segs = find_segments(text)
    credits = [text[s.span[0] : s.span[1]] for s in segs if s.kind == "credit"]
    assert credits == ["Ana Ruiz /\n\nSur Photo Agency"]
    assert any(s.kind == "caption" for s in segs)


# --------------------------------------------------------------------------- page furniture

_LEAD = "Rebels shelled the northern town on Tuesday, officials said."
_NEXT = "The army sent reinforcements to the area."


def test_newsletter_and_social_prompts_inside_a_line() -> None:
    text = (
        f"{_LEAD} Subscribe Thank you for subscribing! {_NEXT}\n"
        "Like us on Facebook; Follow us on Twitter; Daily Newsletter.\n"
        f"{_NEXT} Share this article: {_LEAD}\n"
        f"{_NEXT} Sign up for our morning briefing newsletter. {_LEAD}"
    )
    marked = _marked(text)
    assert ("boilerplate", "Subscribe") in marked
    assert ("boilerplate", "Thank you for subscribing!") in marked
    assert ("boilerplate", "Like us on Facebook;") in marked
    assert ("boilerplate", "Follow us on Twitter;") in marked
    assert ("boilerplate", "Daily Newsletter.") in marked
    assert ("boilerplate", "Share this article:") in marked
    assert ("boilerplate", "Sign up for our morning briefing newsletter.") in marked
    assert all(_LEAD not in t and _NEXT not in t for _, t in marked)


def test_read_more_headline_ends_where_the_article_resumes() -> None:
    head = "Read more: Ministers deny deal with rebels over port blockade"
    text = f"{_LEAD} {head} The army sent reinforcements to the area."
    assert _marked(text) == [("boilerplate", head)]
    tm = analysis_text(text, find_segments(text))
    assert tm.analysis == _LEAD + " " * (len(head) + 1) + " " + _NEXT
    # a title-case headline runs to its question mark or to an opening quote
    q = "Related: Can The Valley Towns Rebuild After The Floods?"
    text = f"{_LEAD} {q} “We will stay,” a farmer said."
    assert _marked(text) == [("boilerplate", q)]
    t2 = "Related: Six Towns That Got Their Power Back in 2019"
    text = f"{_LEAD} {t2} “We will stay,” a farmer said."
    assert _marked(text) == [("boilerplate", t2)]
    # a bare "Read More" left where a link was
    text = f"The road will close tonight Read More {_NEXT}"
    assert _marked(text) == [("boilerplate", "Read More")]
    # ... and the text around it is not read as one sentence
    tm = analysis_text(text, find_segments(text))
    assert tm.analysis == "The road will close tonight .         " + _NEXT


def test_read_more_without_an_end_marks_the_marker_only() -> None:
    body = " ".join(["the council met again and the mayor spoke at length"] * 4)
    text = f"{_LEAD} READ: Mayor {body} “no”"
    assert _marked(text) == [("boilerplate", "READ:")]


def test_list_of_links_after_a_heading_and_a_run_of_title_lines() -> None:
    text = (
        f"{_LEAD}\n\nMost Read\n\nPort Workers Strike Over Pay\n"
        "Floods: minute by minute\nWhy the ferry sank\n\n"
        f"{_NEXT}\n\n"
        "Cabinet Approves New Budget Plan\nRebels Attack Convoy Near Border\n"
        "Election Officials Count Final Votes\n\n"
        f"{_NEXT}"
    )
    marked = _marked(text)
    assert marked == [
        ("boilerplate", "Most Read"),
        ("boilerplate", "Port Workers Strike Over Pay"),
        ("boilerplate", "Floods: minute by minute"),
        ("boilerplate", "Why the ferry sank"),
        ("boilerplate", "Cabinet Approves New Budget Plan"),
        ("boilerplate", "Rebels Attack Convoy Near Border"),
        ("boilerplate", "Election Officials Count Final Votes"),
    ]


def test_urls_and_slugs() -> None:
    text = (
        f"{_LEAD} LINK: https://news.example.com/2024/05/rebels-shell-town?utm=x\n"
        "rebels-shell-northern-town-as-army-moves-in-on-port\n"
        f"{_NEXT} More at www.example.org/world.\n"
        "Kids saw a six-and-a-half-year-old film at a state-of-the-art cinema."
    )
    marked = _marked(text)
    assert ("boilerplate", "https://news.example.com/2024/05/rebels-shell-town?utm=x") in marked
    assert ("boilerplate", "rebels-shell-northern-town-as-army-moves-in-on-port") in marked
    assert ("boilerplate", "www.example.org/world.") in marked
    assert len(marked) == 3  # hyphenated words in a sentence are body


def test_video_and_photo_captions_and_credits() -> None:
    text = (
        f"{_LEAD} Watch: Rebels shell the northern town\n\n"
        f"{_NEXT} (Photo: Ana Lima/Reuters) Officials said the road was shut.\n\n"
        f"{_LEAD} Photo by Jane van Dorp / City Herald. {_NEXT}\n\n"
        f"{_LEAD} image copyright Reuters image caption Soldiers patrol the town in 2019"
        "When the rebels came, residents fled."
    )
    marked = _marked(text)
    assert ("boilerplate", "Watch: Rebels shell the northern town") in marked
    assert ("credit", "(Photo: Ana Lima/Reuters)") in marked
    assert ("credit", "Photo by Jane van Dorp / City Herald.") in marked
    assert ("credit", "image copyright Reuters") in marked
    assert ("caption", "image caption Soldiers patrol the town in 2019") in marked
    assert len(marked) == 5


def test_bylines_and_time_stamps_inside_a_line() -> None:
    text = (
        f"By Jane Doe, Reuters LONDON — {_LEAD}\n"
        f"Updated 3:45 PM ET, Tuesday, May 7, 2024 {_NEXT}\n"
        f"{_NEXT} By Omar Haddad and Lea Roux.\n"
        "Published: 2024-05-07 10:30 | Last updated 11:02 am"
    )
    marked = _marked(text)
    assert ("boilerplate", "By Jane Doe, Reuters") in marked
    assert ("boilerplate", "Updated 3:45 PM ET, Tuesday, May 7, 2024") in marked
    assert ("boilerplate", "By Omar Haddad and Lea Roux.") in marked
    assert ("boilerplate", "Published: 2024-05-07 10:30") in marked
    assert ("boilerplate", "Last updated 11:02 am") in marked


def test_glued_headline_and_subheading() -> None:
    text = (
        "Rebels shell northern town as army moves forwardThe army sent reinforcements on Tuesday. "
        "Officials said the road was shut.Road closedThe ministry said it would reopen."
    )
    marked = _marked(text)
    assert marked == [
        ("boilerplate", "Rebels shell northern town as army moves forward"),
        ("boilerplate", "Road closed"),
    ]
    # after a full stop and a space, the words are a sentence that lost its stop
    text = f"{_LEAD}\n\nTalks ended on Monday. Police arrested the menThe court freed them."
    assert find_segments(text) == []


_REAL_SENTENCES = [
    "By Tuesday, the rebels had shelled the town twice.",
    "By Friday Night the two sides had agreed to talk.",
    "Investors will subscribe to two new shares for every three they hold.",
    "The ministry said it would share the cost and follow the plan on Twitter's advice.",
    "Posted guards watched the border while officials read more reports.",
    "The report, published on Monday, said 20 people were killed.",
    "More than 300 people were arrested after the protest, police said.",
    "Related talks between the two sides ended on Monday without a deal.",
    "Watch towers along the border were destroyed by shelling, the army said.",
    "A state-of-the-art hospital was bombed on Sunday, officials said.",
    "Photos of the attack were shared widely, and police arrested two men.",
    "He said the photo by the wall was taken in May.",
    "The agreement (signed in Geneva/Paris) was rejected by the rebels.",
    "Most read the statement as a threat, analysts said.",
]


@pytest.mark.parametrize("sentence", _REAL_SENTENCES)
def test_real_sentences_are_not_marked(sentence: str) -> None:
    text = f"{_LEAD} {sentence}\n\n{sentence} {_NEXT}\n\n{sentence}"
    assert find_segments(text) == []
    assert analysis_text(text, []).analysis == analysis_text(text, find_segments(text)).analysis


def test_furniture_rows_are_well_formed() -> None:
    from eventwire.clean import _inline_rules

    rules = _inline_rules()
    assert rules and all(r.kind in ("boilerplate", "credit", "caption") for r in rules)


def test_list_of_links_run_into_one_line_and_share_buttons() -> None:
    items = "related stories\u00a0port workers end strike\u00a0ferry sinks off coast: police"
    text = f"{_LEAD} {items}\n\nFacebook Twitter Linkedin Mail\n\n{_NEXT}"
    assert _marked(text) == [
        ("boilerplate", items),
        ("boilerplate", "Facebook Twitter Linkedin Mail"),
    ]
    # the words in a sentence are body
    text = f"He said related stories were false. {_NEXT} The mail was shared on Twitter."
    assert find_segments(text) == []


@pytest.mark.parametrize(
    "unit",
    [
        "Read more: ",
        "a-",
        "ab.",
        ". By Jane ",
        "Full Screen Autoplay ",
        "Updated 1:30 on at , ",
        "(Aa Bb Cc Dd Ee ",
        "poisoning The ",
        "related stories\u00a0",
    ],
)
def test_furniture_patterns_stay_fast_on_long_runs(unit: str) -> None:
    import time

    text = unit * (100_000 // len(unit))
    t0 = time.perf_counter()
    segs = find_segments(text)
    analysis_text(text, segs)
    assert time.perf_counter() - t0 < 10.0


def test_an_editors_note_is_page_furniture() -> None:
    from eventwire.clean import find_segments

    text = (
        "The council approved the budget on Tuesday.\n\n"
        "Editor's note: The mayor has repeatedly attacked the press and threatened critics.\n"
    )
    segs = find_segments(text, [])
    assert any(
        s.kind == "boilerplate" and text[s.span[0] : s.span[1]].startswith("Editor's note:")
        for s in segs
    )
    # the body sentence stays body
    assert not any(s.span[0] < 40 for s in segs)
