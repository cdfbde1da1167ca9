"""In-document event coreference: mentions of the same action share facts.

Two mentions corefer when they have the same type and the same factuality
class (asserted with asserted), and their arguments are compatible and
anchored: they share a resolved target entity (or, lacking targets, a resolved
actor entity) and no argument conflicts (two different resolved entities or
countries in the same role). Linked mentions get one ``coref`` id; a mention
whose date came only from the publication date takes the date stated in another
mention ("killed ... on Friday"), likewise a missing or dateline-only place,
and a missing actor. Each filled value says so (``date_source`` /
``location_source`` = ``coreference``).

Dates travel further than places and actors: a mention still dated only by the
publication date takes the date of another mention of the same action, the same
type and trigger word with no conflicting argument ("the shootings" → "the
Monday morning shootings"; ``share_dates``); failing that, the story's day
(``story_day``: the first day named in the text in the week before publication,
"... said on Wednesday" in a Friday paper), since an undated report in a news
article is about the day of the news, not the day of printing.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from spacy.tokens import Doc

from ..record import Actor, Event, Time


def _conflict(a: Actor | None, b: Actor | None) -> bool:
    if a is None or b is None:
        return False
    if a.entity and b.entity:
        return a.entity != b.entity
    if a.country and b.country:
        return a.country != b.country
    return False


def _same(a: Actor | None, b: Actor | None) -> bool:
    return a is not None and b is not None and a.entity is not None and a.entity == b.entity


def corefer(a: Event, b: Event) -> bool:
    if a.type != b.type or (a.factuality == "asserted") != (b.factuality == "asserted"):
        return False
    if _conflict(a.actor, b.actor) or _conflict(a.target, b.target):
        return False
    if a.target is not None and b.target is not None:
        return _same(a.target, b.target)
    if a.target is None and b.target is None:
        return _same(a.actor, b.actor)
    return False


def link_mentions(events: list[Event], doc: Doc | None = None) -> None:
    """Group coreferent mentions and let them share date, place and actor."""
    parent = list(range(len(events)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    # only mentions of one type and factuality class anchored on the same entity (the
    # target's, else the actor's) can corefer: compare within those groups only
    buckets: dict[tuple[str, bool, str, str], list[int]] = {}
    for i, ev in enumerate(events):
        if ev.target is not None:
            anchor = ("target", ev.target.entity)
        else:
            anchor = ("actor", ev.actor.entity if ev.actor is not None else None)
        if anchor[1] is None:
            continue
        buckets.setdefault((ev.type, ev.factuality == "asserted", anchor[0], anchor[1]), []).append(
            i
        )
    for members in buckets.values():
        for a, i in enumerate(members):
            for j in members[a + 1 :]:
                if corefer(events[i], events[j]):
                    parent[find(j)] = find(i)
    groups: dict[int, list[int]] = {}
    for i in range(len(events)):
        groups.setdefault(find(i), []).append(i)
    n = 0
    for members in groups.values():
        if len(members) < 2:
            events[members[0]].coref = None
            continue
        n += 1
        cid = f"c{n}"
        group = [events[i] for i in members]
        dated = [e for e in group if e.date_source in ("explicit", "relative")]
        placed = [e for e in group if e.location is not None and e.location_source == "sentence"]
        acted = [e for e in group if e.actor is not None and (e.actor.country or e.actor.entity)]
        for ev in group:
            ev.coref = cid
            if (
                ev.date_source in (None, "article")
                and dated
                and not (doc is not None and _present_tense(doc, ev))
            ):
                # (an ongoing state, "is being investigated", holds on the publication day)
                ev.date, ev.date_source = dated[0].date, "coreference"
            if (ev.location is None or ev.location_source in ("dateline", "article")) and placed:
                ev.location, ev.location_source = placed[0].location, "coreference"
            if (ev.actor is None or not (ev.actor.country or ev.actor.entity)) and acted:
                src = acted[0].actor
                assert src is not None
                ev.actor = src.model_copy(update={"text": ev.actor.text if ev.actor else src.text})
    share_dates(events, doc)
    story_day(events, doc)


def _lemma(ev: Event, doc: Doc | None) -> str:
    if doc is None:
        return ev.trigger.text.lower()
    span = doc.char_span(ev.trigger.span[0], ev.trigger.span[1], alignment_mode="expand")
    if span is None or not len(span):
        return ev.trigger.text.lower()
    return str(span[0].lemma_).lower()


def share_dates(events: list[Event], doc: Doc | None = None) -> None:
    """A mention with only the publication date takes the date given in its sentence to
    another mention of the same action (same type and trigger word, same factuality class,
    no conflicting actor or target), the nearest one, earlier mentions first."""
    lemmas = [_lemma(ev, doc) for ev in events]
    dated = [i for i, ev in enumerate(events) if ev.date_source in ("explicit", "relative")]
    if not dated:
        return
    for i, ev in enumerate(events):
        if ev.date_source not in (None, "article"):
            continue
        if doc is not None and _present_tense(doc, ev):
            continue  # an ongoing state holds on the publication day
        best: tuple[tuple[int, int], Event] | None = None
        for j in dated:
            other = events[j]
            if (
                other.type != ev.type
                or lemmas[j] != lemmas[i]
                or (other.factuality == "asserted") != (ev.factuality == "asserted")
                or _conflict(ev.actor, other.actor)
                or _conflict(ev.target, other.target)
            ):
                continue
            gap = ev.trigger.span[0] - other.trigger.span[0]
            key = (0 if gap > 0 else 1, abs(gap))
            if best is None or key < best[0]:
                best = (key, other)
        if best is not None:
            ev.date, ev.date_source = best[1].date, "coreference"


#: How many days before publication the story's day may lie.
STORY_DAYS = 7

_DAY = re.compile(r"(\d{4}-\d{2}-\d{2})")


def _story_day(doc: Doc, pub: date) -> Time | None:
    """The first day the text names in the week before ``pub`` (not inside a quote, and
    not a printed date of publication: a dateline or page timestamp)."""
    from ..times import is_explicit

    quotes = [
        q.span for q in (getattr(doc._, "quotes", None) or []) if getattr(q, "kind", "") == "direct"
    ]
    for t in getattr(doc._, "times", None) or []:
        m = _DAY.match(t.value or "")
        if not m or t.type not in ("DATE", "TIME"):
            continue
        if any(a <= t.span[0] < b for a, b in quotes):
            continue
        try:
            day = date.fromisoformat(m.group(1))
        except ValueError:
            continue
        if day == pub and is_explicit(t):
            continue  # "This story is from March 4, 2002": the paper's date, not the news
        if pub - timedelta(days=STORY_DAYS) <= day <= pub:
            return t
    return None


def _present_tense(doc: Doc, ev: Event) -> bool:
    """A trigger in the present ("the buildup continues", "is meeting"): the state holds
    on the day of publication."""
    span = doc.char_span(ev.trigger.span[0], ev.trigger.span[1], alignment_mode="expand")
    if span is None or not len(span):
        return False
    tok = span[0]
    if tok.tag_ in ("VBZ", "VBP"):
        return True
    kids = [c for c in tok.children if c.dep_ in ("aux", "auxpass")]
    if tok.tag_ == "VBN" and any(c.lower_ == "being" for c in kids):
        return any(c.tag_ in ("VBZ", "VBP") for c in kids)  # "is being investigated"
    if tok.tag_ == "VBG":
        return any(c.dep_ == "aux" and c.tag_ in ("VBZ", "VBP") for c in tok.children)
    if tok.pos_ in ("NOUN", "PROPN") and tok.dep_ in ("nsubj", "nsubjpass"):
        return tok.head.tag_ in ("VBZ", "VBP")  # "the buildup continues"
    return False


def story_day(events: list[Event], doc: Doc | None) -> None:
    """Asserted mentions still dated by the publication date take the story's day."""
    if doc is None:
        return
    pub = getattr(getattr(doc._, "article", None), "date", None)
    if not isinstance(pub, date):
        return
    undated = [
        e for e in events
        if e.date_source == "article" and e.factuality == "asserted"
        and not _present_tense(doc, e)
    ]  # fmt: skip
    if not undated:
        return
    t = _story_day(doc, pub)
    if t is None or t.value is None:
        return
    from ..times import is_explicit

    value = t.value[:10]
    if value == pub.isoformat():
        return
    for ev in undated:
        ev.date, ev.date_source = value, "explicit" if is_explicit(t) else "relative"
