"""Toponym recognition and resolution: ``find_places(doc) -> list[record.Place]``.

Mentions come from spaCy's GPE/LOC/FAC entities and from dateline segments.
Each is looked up in the gazetteer and the candidates are ranked by a score
(see ``docs/places.md``): importance (population, feature, capital), how the
name matched, and the article's context (countries and admin1 areas other
mentions resolve to, the dateline's country). An adjacent qualifier ("Saada,
Yemen", "Paris, Texas") restricts the candidates to those inside it.
"""

from __future__ import annotations

import calendar
import itertools
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from spacy.tokens import Doc, Span

from .. import record
from ..errors import DataFileError
from ..nlp import columns_of, text_of
from .caseless import CaselessName, caseless_names, is_caseless, is_english, place_nouns
from .gazetteer import Candidate, Gazetteer, distance_km
from .link import linking_rules
from .normalize import normalize

#: spaCy entity labels read as toponyms.
PLACE_LABELS = ("GPE", "LOC", "FAC")
#: Labels that the small model sometimes gives to well-known places ("Kyiv" as PERSON).
RESCUE_LABELS = ("PERSON", "ORG")
#: A city reached from a RESCUE_LABELS entity must be a capital or this populous.
_RESCUE_POPULATION = 1_000_000
#: A weak mention (an ORG/PERSON/untagged name) must name a town at least this populous ...
_WEAK_POPULATION = 5_000
#: ... in a country that this many other (non-weak) names of the article resolve to.
_WEAK_SUPPORT = 1

#: Words after a name that make it a facility of that name ("Baghdad airport").
_AIRPORT_WORDS = ("airport", "airfield", "air base", "airbase", "international airport")
#: Words after a name that make it a subdivision ("Idlib province").
_ADMIN_WORDS = frozenset(
    {"province", "state", "governorate", "region", "district", "county", "oblast", "prefecture"}
)

_FEATURE_PRIOR = {
    "country": 3.0,
    "continent": 2.5,
    "admin1": 1.0,
    "admin2": 0.5,
    "city": 0.0,
    "airport": 6.0,
    "region": 7.0,
    "landmark": 7.0,
    "sea": 7.0,
}
_MATCH_BONUS = {0: 1.0, 1: 0.0, 2: 1.0}
_CAPITAL_BONUS = 1.5
_COUNTRY_CONTEXT = 2.5
_DATELINE_CONTEXT = 1.5
_ADMIN1_CONTEXT = 2.0
#: Bonus of a local candidate within _NEAR_KM of another local place of the article.
_NEAR_BONUS = 1.5
_NEAR_KM = 200.0
#: Rounds of re-resolution with the context of the previous round's choices.
_CONTEXT_ROUNDS = 2
_LOCAL_FEATURES = frozenset({"city", "admin1", "admin2", "airport", "landmark"})
#: A GPE that only reaches towns this small through an alternate name is left unresolved.
_MIN_ALT_POPULATION = 20_000

_MONTHS = frozenset(m.lower() for m in (*calendar.month_name[1:], *calendar.month_abbr[1:]))
_DATELINE_STOP = re.compile(r"\(|\s[-–—.:]|[-–—]\s|[-–—]$|\d")


def _data_file(name: str) -> Path:
    return Path(str(resources.files("eventwire") / "data" / "places" / name))


def _word_list(name: str) -> frozenset[str]:
    """A data file of one lower-cased word or phrase per line (``#`` comments)."""
    path = _data_file(name)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise DataFileError(str(path), f"cannot be read: {exc}") from exc
    return frozenset(
        ln.strip().lower() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")
    )


@lru_cache(maxsize=1)
def person_cues() -> frozenset[str]:
    """Lower-case words that mark the next name as a person (titles)."""
    return _word_list("person_cues.txt")


@lru_cache(maxsize=1)
def generic_suffixes() -> frozenset[str]:
    """Generic last words ("County", "State") dropped when the full name resolves nowhere."""
    return _word_list("suffixes.txt")


@lru_cache(maxsize=1)
def generic_prefixes() -> frozenset[str]:
    """Direction words dropped from the front when the full name resolves nowhere."""
    return _word_list("prefixes.txt")


@lru_cache(maxsize=1)
def generic_names() -> frozenset[str]:
    """Normalized names ("West", "Valley") resolved only through curated entries."""
    path = _data_file("generic_names.txt")
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise DataFileError(str(path), f"cannot be read: {exc}") from exc
    return frozenset(
        normalize(ln) for ln in lines if ln.strip() and not ln.lstrip().startswith("#")
    )


def _lookup(gaz: Gazetteer, text: str) -> list[Candidate]:
    """Candidates of a mention's text, without obscure alternate names.

    An alternate (not own, not curated) name only counts for a city of at
    least ``_MIN_ALT_POPULATION`` people, and never for a short name
    (abbreviations such as "P.A." collide with historic or foreign names).
    Failing any candidate, a direction word in front ("East Belfast") or a
    generic last word ("Oaxaca State") is dropped.
    """
    key = normalize(text)
    if key in generic_names():
        return [c for c in gaz.lookup(text) if c.match == 2]
    short = len(key.replace(" ", "")) <= 3
    cands = [
        c
        for c in gaz.lookup(text)
        if c.match != 1
        or (not short and (c.feature != "city" or c.population >= _MIN_ALT_POPULATION))
    ]
    words = key.split()
    if not cands and len(words) > 1 and words[0] in generic_prefixes():
        cands = [c for c in _lookup(gaz, " ".join(words[1:])) if c.feature != "airport"]
    if not cands and len(words) > 1 and words[-1] in generic_suffixes():
        cands = [
            c
            for c in _lookup(gaz, " ".join(words[:-1]))
            if c.feature in ("admin1", "city") and c.match != 1
        ]
    return cands


@dataclass
class _Mention:
    start: int
    end: int
    text: str
    label: str
    span: Span | None = None
    airport: bool = False
    admin_hint: bool = False
    qualifier: _Mention | None = None
    is_qualifier: bool = False
    candidates: list[Candidate] = field(default_factory=list)
    chosen: Candidate | None = None
    #: found outside the place labels and kept only if its choice is well supported
    weak: bool = False
    #: an unresolved name inside this (resolved) mention: "ajwa road in vadodara"
    container: _Mention | None = None
    #: kept only if it resolves or lies in a resolved place ("X village in Sagaing")
    provisional: bool = False


# ---------------------------------------------------------------------------
# recognition


def _is_person(ent: Span, person_tokens: set[str]) -> bool:
    """A GPE-tagged name that reads as a person: after a title, or a known person's name."""
    doc = ent.doc
    if ent.start > 0:
        prev = doc[ent.start - 1].lower_.rstrip(".")
        if prev in person_cues():
            return True
    return len(ent) == 1 and ent.text in person_tokens


def _is_adjective(ent: Span, cands: list[Candidate]) -> bool:
    """A single adjective or plural demonym ("Iraqi", "Americans") that is no place's own name."""
    if len(ent) != 1:
        return False
    tok = ent[0]
    if tok.tag_ not in ("JJ", "NNPS", "NNS") and tok.pos_ != "ADJ":
        return False
    return not any(c.match != 1 for c in cands)


def _plausible_shape(span: Span, label: str) -> bool:
    """A name that could be a place's: not an acronym, short, a PERSON only as one word."""
    text = span.text
    if text.isupper() or len(span) > 3 or not text[:1].isupper():
        return False
    if not all(ch.isalpha() or ch in " -.'’" for ch in text):
        return False
    if label == "PERSON":
        doc = span.doc
        return len(span) == 1 and not (span.end < len(doc) and doc[span.end].is_title)
    return True


def _rescued(ent: Span, cands: list[Candidate]) -> bool:
    """A PERSON/ORG entity that is exactly the name of a well-known place.

    The name must be a place's own or curated name (not an alternate) of a
    country, a subdivision, a curated region or sea, or a capital or a city of
    a million people, written with lower-case letters (not an acronym such as
    "BA"); a PERSON must be one word not followed by another capitalized word
    (a first name such as "Georgia Smith"). Landmarks are not rescued from ORG
    ("the White House said" names an institution). An acronym is rescued only when
    it is a curated alias of a country ("UAE", "DPRK" tagged ORG).
    """
    if ent.text.isupper():
        return any(c.match == 2 and c.feature == "country" for c in cands)
    if ent.label_ == "PERSON":
        doc = ent.doc
        if len(ent) != 1 or (ent.end < len(doc) and doc[ent.end].is_title):
            return False
    elif len(ent) > 3:
        return False
    for c in cands:
        if c.match == 1:
            continue
        if c.feature in ("country", "region", "sea"):
            return True
        if c.feature == "admin1" and ent.label_ != "PERSON":
            return True
        if c.feature == "city" and (c.capital or c.population >= _RESCUE_POPULATION):
            return True
    return False


#: building nouns that end the names of bodies more often than of sites ("Oxford
#: University", "the White House", "the Supreme Court"): not a site by themselves
_BODY_NOUNS = frozenset({"university", "college", "school", "house", "court", "embassy"})


def _is_building(span: Span) -> bool:
    """An ORG name of capitalized words ending in a building noun: a site."""
    if len(span) < 2 or span.text.isupper():
        return False
    last = span[-1].lower_
    if last in _BODY_NOUNS or last not in building_nouns():
        return False
    return all(t.is_title or t.is_punct or t.like_num or t.lower_ in _JOINERS for t in span)


def _qualified_next(doc: Doc, end: int, cands: list[Candidate], gaz: Gazetteer) -> bool:
    """A name followed by ", <state or country>" (a place entity) that names a town or
    county inside that state or country: "Matias Romero, Oaxaca", "Lemay, Missouri"."""
    if not cands or end + 1 >= len(doc) or doc[end].text != ",":
        return False
    nxt = doc[end + 1]
    if nxt.ent_type_ not in ("GPE", "LOC") or nxt.ent_iob_ != "B":
        return False
    ent = next((x for x in doc.ents if x.start == nxt.i), None)
    if ent is None:
        return False
    quals = [
        q for q in _lookup(gaz, ent.text) if q.feature in ("admin1", "country") and q.match != 1
    ]
    for c in cands:
        if c.feature not in ("city", "admin2"):
            continue
        for q in quals:
            if c.country == q.country and (q.feature == "country" or c.admin1 == q.name):
                return True
    return False


def _strong(c: Candidate) -> bool:
    """An entry well known enough to be read as a place wherever its own name appears."""
    if c.match == 1:
        return False
    if c.feature in ("country", "region", "sea", "admin1"):
        return True
    return c.feature == "city" and (c.capital or c.population >= _RESCUE_POPULATION)


def _weak_candidates(cands: list[Candidate]) -> bool:
    """Whether a name outside the place labels may still be a place (own name, a real town)."""
    return any(
        c.match != 1
        and (
            c.feature in ("country", "admin1", "region", "sea") or c.population >= _WEAK_POPULATION
        )
        for c in cands
    )


def _place_cue(doc: Doc, start: int) -> bool:
    """A name right after "the city of", "the town of", "the province of" ... is a place,
    whatever the entity recognizer called it ("the city of Lyon" tagged PERSON)."""
    if start < 2 or doc[start - 1].lower_ != "of":
        return False
    noun = doc[start - 2]
    return place_nouns().get((noun.lower_,)) == "area" and noun.lower_ not in ("area", "state")


def _untagged_names(doc: Doc) -> list[Span]:
    """Runs of capitalized proper nouns (up to 3) that no entity covers."""
    runs: list[Span] = []
    pos = columns_of(doc).pos

    def untagged(k: int) -> bool:
        if pos[k] != "PROPN":
            return False
        tok = doc[k]
        return tok.ent_iob_ == "O" and tok.is_title

    i = 0
    while i < len(doc):
        if untagged(i):
            j = i
            while j + 1 < len(doc) and j + 1 - i < 3 and untagged(j + 1):
                j += 1
            runs.append(doc[i : j + 1])
            i = j + 1
        else:
            i += 1
    return runs


#: place nouns after which a capitalized name is the place's own ("Let Pan Hla village",
#: "the Nyalenda area"); site nouns are part of the name ("Friendship Bridge")
_NAMING_KINDS = frozenset({"area"})
_NOT_PLACE_ENTS = frozenset({"ORG", "PERSON", "NORP", "WORK_OF_ART", "EVENT", "LAW", "PRODUCT"})


def _named_before_noun(doc: Doc, gaz: Gazetteer, taken: list[tuple[int, int]]) -> list[_Mention]:
    """Cased text: a run of capitalized words right before an area noun names a place,
    whatever the entity recognizer made of it ("bombed Let Pan Hla village in Sagaing
    region", "in Nairobi's Kibera area"); the noun is left out of the name. Such a name is
    kept only if it resolves or lies in a resolved place (``provisional``)."""
    nouns = place_nouns()
    out: list[_Mention] = []
    cols = columns_of(doc)
    for i in range(1, cols.n):
        kind = nouns.get((cols.lower[i],)) or nouns.get((cols.lemma[i].lower(),))
        if kind not in _NAMING_KINDS:
            continue
        tok = doc[i]
        # the noun opens a longer name ("Colorado State University", "Cavan County
        # Council") or sits in another kind of entity: not a place noun here
        if tok.ent_type_ in _NOT_PLACE_ENTS or (
            tok.i + 1 < len(doc) and doc[tok.i + 1].is_title and not doc[tok.i + 1].is_sent_start
        ):
            continue
        start = tok.i
        while (
            start > 0
            and tok.i - start < 4
            and doc[start - 1].is_title
            and doc[start - 1].pos_ in ("PROPN", "NOUN", "VERB", "ADJ")
            # a sentence's first word is capitalized anyway: only a proper noun counts
            and (doc[start - 1].pos_ == "PROPN" or not doc[start - 1].is_sent_start)
            and (doc[start - 1].lower_,) not in nouns
            and doc[start - 1].ent_type_
            not in ("NORP", "LANGUAGE", "DATE", "TIME")  # "English city"
        ):
            start -= 1
        if start == tok.i:
            continue
        end = tok.i + 1 if kind == "site" else tok.i
        span = doc[start:end]
        if any(span.start_char < e and s < span.end_char for s, e in taken):
            continue
        m = _Mention(
            start=span.start_char,
            end=span.end_char,
            text=span.text,
            label="LOC",
            span=span,
            admin_hint=tok.lower_ in _ADMIN_WORDS,
            provisional=True,
        )
        m.candidates = _lookup(gaz, m.text)
        out.append(m)
        taken.append((span.start_char, span.end_char))
    return out


def _trim(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """Token bounds without a leading determiner, or a trailing possessive, punctuation or
    lower-case adjective ("the Pacific equatorial region" tagged up to "equatorial")."""
    while start < end and (doc[start].lower_ == "the" or doc[start].is_punct):
        start += 1
    while end > start and (
        doc[end - 1].tag_ == "POS"
        or doc[end - 1].is_punct
        or (end - 1 > start and doc[end - 1].pos_ == "ADJ" and doc[end - 1].is_lower)
    ):
        end -= 1
    return start, end


def _airport_extension(doc: Doc, end: int) -> int:
    """Token index past "airport"/"International Airport"/"air base" right after ``end``."""
    words = [t.lower_ for t in doc[end : end + 3]]
    for phrase in sorted(_AIRPORT_WORDS, key=len, reverse=True):
        parts = phrase.split()
        if words[: len(parts)] == parts:
            return end + len(parts)
    return end


def _ner_mentions(doc: Doc, gaz: Gazetteer) -> list[_Mention]:
    # words of full person names ("Michael Jordan"): the same word alone is the person again
    person_tokens = {
        t.text for e in doc.ents if e.label_ == "PERSON" and len(e) > 1 for t in e if t.is_title
    }
    out: list[_Mention] = []
    for ent in [*doc.ents, *_untagged_names(doc)]:
        weak = False
        label = ent.label_
        if ent.label_ not in PLACE_LABELS:
            if ent.label_ not in RESCUE_LABELS and ent.label_:
                continue
            s, e = _trim(doc, ent.start, ent.end)
            if s >= e or _is_person(doc[s:e], person_tokens):
                continue
            cands = gaz.lookup(doc[s:e].text)
            if _is_building(doc[s:e]):
                label = "FAC"  # "Meydan Racecourse", "Holy Redeemer Church" tagged ORG: a site
            elif _qualified_next(doc, e, cands, gaz):
                label = "GPE"  # "in Matias Romero, Oaxaca State" tagged PERSON
            elif not _rescued(doc[s:e], cands) and not _place_cue(doc, s):
                if not _plausible_shape(doc[s:e], ent.label_) or not _weak_candidates(cands):
                    continue
                weak = True
        start, end = _trim(doc, ent.start, ent.end)
        if start >= end:
            continue
        span = doc[start:end]
        if _is_person(span, person_tokens):
            continue
        # "Paris, Texas" inside one entity: split at the comma, the tail qualifies the head
        commas = [t.i for t in span if t.text == ","]
        pieces = []
        if commas:
            bounds = [start, *commas, end]
            for i in range(len(bounds) - 1):
                a = bounds[i] + (1 if i else 0)
                b = bounds[i + 1]
                if a < b:
                    pieces.append(doc[a:b])
        else:
            pieces.append(span)
        previous: _Mention | None = None
        for piece in pieces:
            ext = _airport_extension(doc, piece.end) if piece is pieces[-1] else piece.end
            airport = ext > piece.end or any(t.lower_ in ("airport", "airfield") for t in piece)
            full = doc[piece.start : ext]
            nxt = doc[ext].lower_ if ext < len(doc) else ""
            m = _Mention(
                start=full.start_char,
                end=full.end_char,
                text=full.text,
                label=label or "PROPN",
                span=full,
                airport=airport,
                admin_hint=nxt in _ADMIN_WORDS,
                weak=weak,
            )
            m.candidates = _lookup(gaz, m.text)
            if not m.candidates and not airport and label in PLACE_LABELS:
                _shrink_to_place(gaz, m, full)
            if _is_adjective(piece, m.candidates):
                continue
            if previous is not None:
                previous.qualifier = m
                m.is_qualifier = True
            previous = m
            out.append(m)
    return out


#: A place that opens a longer unknown name must be this well known (or a subdivision).
_PREFIX_POPULATION = 100_000


def _shrink_to_place(gaz: Gazetteer, m: _Mention, span: Span) -> None:
    """An unknown name that opens with a well-known place's own name is that place
    ("Montgomery County Democrats", "the Manila Cathedral", "Illinois Capitol Complex"):
    the mention shrinks to the longest such opening. The rest must be capitalized
    words (an institution or a site named after the place)."""
    for k in range(len(span) - 1, 0, -1):
        head, rest = span[:k], span[k:]
        if not (
            all(t.is_title or t.is_upper or t.is_punct for t in rest)
            or all(t.is_lower and t.is_alpha for t in rest)  # "Pacific equatorial"
        ):
            continue
        if any((t.lower_,) in place_nouns() for t in rest):  # "Hampton Avenue", "... River"
            continue
        if rest[0].is_punct or head[-1].is_punct:
            continue
        if len(head) == 1 and head[0].lower_ in generic_prefixes():
            continue  # "Northwestern Memorial Hospital" is not in a "Northwestern" province
        cands = [
            c
            for c in _lookup(gaz, head.text)
            if c.match != 1
            and (
                c.feature in ("country", "admin1", "admin2", "continent", "region", "sea")
                or (c.feature == "city" and c.population >= _PREFIX_POPULATION)
            )
        ]
        if cands:
            m.start, m.end, m.text, m.span = head.start_char, head.end_char, head.text, head
            m.candidates = cands
            return


def _dateline_mentions(doc: Doc, gaz: Gazetteer) -> list[_Mention]:
    out: list[_Mention] = []
    segments = getattr(doc._, "segments", None) if Doc.has_extension("segments") else None
    spans: list[tuple[int, int]] = []
    for seg in segments or []:
        if getattr(seg, "kind", None) != "dateline":
            continue
        try:
            spans.append((int(seg.span[0]), int(seg.span[1])))
        except (TypeError, ValueError, IndexError):
            continue
    if not spans:
        spans = _caps_datelines(text_of(doc))
    for s, e in spans:
        s, e = max(0, s), min(len(text_of(doc)), e)
        text = text_of(doc)[s:e]
        stop = _DATELINE_STOP.search(text)
        head_end = stop.start() if stop else len(text)
        first: _Mention | None = None
        for m in re.finditer(r"[^/,;]+", text[:head_end]):
            piece = m.group()
            lead = len(piece) - len(piece.lstrip())
            piece = piece.strip()
            if not piece or normalize(piece) in _MONTHS or not any(c.isalpha() for c in piece):
                continue
            ps = s + m.start() + lead
            mention = _Mention(ps, ps + len(piece), piece, "DATELINE")
            mention.candidates = _lookup(gaz, piece)
            if not mention.candidates:
                continue
            if (
                first is not None
                and first.qualifier is None
                and any(c.feature in ("country", "admin1") for c in mention.candidates)
            ):
                first.qualifier = mention
                mention.is_qualifier = True
            elif first is None:
                first = mention
            out.append(mention)
    return out


#: an upper-case dateline opening a paragraph the cleaning stage did not mark: "ATLANTA
#: (AP) An aide", "TORONTO — A young", "PLEASANTON, Calif.--(", "SAN ANTONIO Turner"
_CAPS_DATELINE = re.compile(
    r"(?m)^[ \t]*(?P<places>[A-Z][A-Z.'’-]+(?: [A-Z][A-Z.'’-]+){0,3}"
    r"(?:, (?:[A-Z][A-Za-z.]+ ?){1,3})?)"
    r"(?=[ \t]*(?:\(|[-–—:]|, [A-Z][a-z]{2}\.? \d| [A-Z][a-z]))"
)
#: paragraphs searched for it, from the start of the text
_CAPS_DATELINE_PARAGRAPHS = 3


def _caps_datelines(text: str) -> list[tuple[int, int]]:
    """Spans of an upper-case dateline at the start of one of the first paragraphs."""
    head = "\n".join(text.split("\n")[: _CAPS_DATELINE_PARAGRAPHS * 2])
    for m in _CAPS_DATELINE.finditer(head):
        first = m.group("places").split(",")[0]
        if len(first.replace(" ", "")) >= 3 and first.isupper():
            return [(m.start("places"), m.end("places"))]
    return []


#: Words that may join two fragments of one name ("Trinidad and Tobago", "Baja California").
_JOINERS = frozenset({"", "and", "&", "-", "of", "the", "de", "del", "da", "do", "la", "el"})


def _merge_fragments(doc: Doc, gaz: Gazetteer, mentions: list[_Mention]) -> list[_Mention]:
    """Join two adjacent mentions that together are one place's own name.

    The recognizer splits some names ("Baja" + "California", "Trinidad" + "Tobago"
    tagged apart); when the text from the first to the second mention (only a space,
    "and", "of", ... between them) is the own or curated name of a gazetteer entry,
    it becomes one mention.
    """
    text = text_of(doc)
    out: list[_Mention] = []
    for m in mentions:
        prev = out[-1] if out else None
        if prev is not None and prev.label != "DATELINE" and m.label != "DATELINE":
            gap = text[prev.end : m.start]
            words = gap.split()
            if (
                len(gap) <= 6
                and "\n" not in gap
                and (not words or (len(words) == 1 and words[0].lower() in _JOINERS))
            ):
                full = text[prev.start : m.end]
                cands = [c for c in _lookup(gaz, full) if c.match != 1]
                if cands:
                    span = doc.char_span(prev.start, m.end, alignment_mode="expand")
                    merged = _Mention(
                        start=prev.start,
                        end=m.end,
                        text=full,
                        label=prev.label if prev.label in PLACE_LABELS else m.label,
                        span=span,
                        airport=m.airport,
                        admin_hint=m.admin_hint,
                        weak=prev.weak and m.weak,
                    )
                    merged.candidates = cands
                    out[-1] = merged
                    continue
        out.append(m)
    return out


def _link_qualifiers(doc: Doc, mentions: list[_Mention]) -> None:
    """ "Saada, Yemen": a mention right after another, across a comma, qualifies it."""
    for a, b in itertools.pairwise(mentions):
        if a.qualifier is not None or b.is_qualifier:
            continue
        if text_of(doc)[a.end : b.start].strip() != ",":
            continue
        if any(c.feature in ("country", "admin1") for c in b.candidates):
            a.qualifier = b
            b.is_qualifier = True


# ---------------------------------------------------------------------------
# caseless text

#: Features accepted from a caseless name anywhere in the world (others must lie in the
#: article's countries).
_GLOBAL_FEATURES = frozenset({"country", "continent", "region", "sea"})
#: An unknown name next to a place noun needs at least this many letters.
_MIN_UNKNOWN_LETTERS = 4


def _home_countries(mentions: list[_Mention]) -> set[str]:
    """The countries an article is about: the dateline's, those of well-known subdivisions
    and cities named ("gujarat"), and any that two distinct names resolve to; failing all,
    every country a (non-weak) name resolves to."""
    names: dict[str, set[str]] = {}
    home: set[str] = set()
    for m in mentions:
        c = m.chosen
        if c is None or not c.country or m.weak:
            continue
        names.setdefault(c.country, set()).add(normalize(m.text))
        if m.label == "DATELINE" or (c.feature != "country" and _strong(c)):
            home.add(c.country)
    home.update(country for country, keys in names.items() if len(keys) >= 2)
    return home or set(names)


def _fits(cands: list[Candidate], home: set[str]) -> list[Candidate]:
    """Candidates of a caseless name that fit the article: inside its countries, or a
    country, continent, region or sea."""
    return [c for c in cands if c.feature in _GLOBAL_FEATURES or c.country in home]


def _caseless_mention(
    doc: Doc, gaz: Gazetteer, name: CaselessName, home: set[str]
) -> _Mention | None:
    """The mention a caseless name span stands for, or None.

    The words nearest the place noun (or, after a preposition, the first words) are
    looked up, longest first; a lookup counts when it reaches a place inside the
    article's countries, and a name made only of English words ("tribal", "police")
    must reach a well-known place ("gujarat", "delhi"). Next to a place noun, an
    unknown name that is no English word stays as an unresolved mention ("taldih
    village", "ajwa road").
    """
    noun_len = 0
    if name.kind == "site":
        noun = next(
            (n for n in sorted(place_nouns(), key=len, reverse=True)
             if tuple(t.lower_ for t in doc[name.end - len(n) : name.end]) == n),
            (),
        )  # fmt: skip
        noun_len = len(noun)
    words_end = name.end - noun_len
    if name.kind == "after":
        spans = [(name.start, e) for e in range(words_end, name.start, -1)]
    else:
        spans = [(b, words_end) for b in range(name.start, words_end)]
    for b, e in spans:
        if name.kind == "site" and noun_len:
            e_full = name.end
            cands = _fits(_lookup(gaz, doc[b:e_full].text), home)
            if cands:
                return _caseless_from(doc, b, e_full, cands, name)
        cands = _fits(_lookup(gaz, doc[b:e].text), home)
        if not cands:
            continue
        if all(is_english(t) for t in doc[b:e]) and not any(_strong(c) for c in cands):
            continue
        return _caseless_from(doc, b, e, cands, name)
    if name.kind == "after":
        return None
    # an unknown name: the words next to the noun that are no English words
    b = words_end
    while b > name.start and not is_english(doc[b - 1]):
        b -= 1
    letters = sum(len(t) for t in doc[b:words_end])
    if b == words_end or letters < _MIN_UNKNOWN_LETTERS:
        return None
    return _caseless_from(doc, b, name.end if name.kind == "site" else words_end, [], name)


def _caseless_from(
    doc: Doc, start: int, end: int, cands: list[Candidate], name: CaselessName
) -> _Mention:
    span = doc[start:end]
    m = _Mention(
        start=span.start_char,
        end=span.end_char,
        text=span.text,
        label="CASELESS",
        span=span,
        admin_hint=name.admin,
    )
    m.candidates = cands
    return m


def _caseless_mentions(doc: Doc, gaz: Gazetteer, mentions: list[_Mention]) -> list[_Mention]:
    """``mentions`` (NER and dateline, resolved once) plus the names found in caseless text.

    NER's guesses must fit the article too: their candidates are limited like those
    of caseless names, and an NER name that then resolves nowhere is dropped (in
    caseless text the recognizer tags words and person names as places). A caseless
    name that contains an NER mention replaces it ("chota" inside "chota udepur").
    """
    home = _home_countries(mentions)
    found: list[_Mention] = []
    seen: set[tuple[int, int]] = set()
    for name in caseless_names(doc, frozenset(linking_rules()[0])):
        m = _caseless_mention(doc, gaz, name, home)
        if m is None or (m.start, m.end) in seen:
            continue
        seen.add((m.start, m.end))
        found.append(m)
    # longer names first, so that "chota udepur" wins over a "chota" inside it
    found.sort(key=lambda m: (m.start - m.end, m.start))
    kept: list[_Mention] = []
    for m in mentions:
        if m.label != "DATELINE":
            m.candidates = _fits(m.candidates, home)
    for m in found:
        clash = [o for o in [*mentions, *kept] if o.start < m.end and m.start < o.end]
        if any(not (m.start <= o.start and o.end <= m.end) or o.label == "DATELINE" for o in clash):
            continue
        mentions = [o for o in mentions if o not in clash]
        kept = [o for o in kept if o not in clash]
        kept.append(m)
    out = [m for m in mentions if m.label == "DATELINE" or m.candidates] + kept
    return sorted(out, key=lambda m: (m.start, m.end))


# ---------------------------------------------------------------------------
# containment

#: Features that can contain an unresolved name ("ajwa road in vadodara").
_CONTAINERS = frozenset({"city", "admin1", "admin2", "airport", "landmark", "region"})
_CONTAINMENT_GAPS = frozenset({(",",), ("in",), ("of",), (",", "in"), ("in", "the"), ("of", "the")})


def _link_containers(doc: Doc, mentions: list[_Mention]) -> None:
    """An unresolved name right before "in"/"of"/"," and a resolved place lies inside it:
    "Collins Avenue in Miami Beach", "the Convention Centre, Dublin", "taldih village in
    canning" (a place noun may stand in between); so does one right after a resolved
    place's possessive ("Kisumu's Nyalenda area")."""
    text = text_of(doc)
    nouns = place_nouns()
    for a, b in itertools.pairwise(mentions):
        # "Kisumu's Nyalenda area": a possessive place contains the name after it
        if (
            b.chosen is None
            and b.container is None
            and not b.weak
            and a.chosen is not None
            and a.chosen.feature in _CONTAINERS
            and text[a.end : b.start].strip() in ("'s", "’s")
        ):
            b.container = a
    for a, b in reversed(list(itertools.pairwise(mentions))):
        if a.chosen is not None or a.container is not None or a.weak or b.weak:
            continue
        if b.chosen is None and b.container is None:
            continue
        if b.chosen is not None and b.chosen.feature not in _CONTAINERS:
            continue
        words = tuple(re.findall(r",|[^\s,]+", text[a.end : b.start].lower()))
        for n in sorted(nouns, key=len, reverse=True):  # "taldih village in canning"
            if words[: len(n)] == n:
                words = words[len(n) :]
                break
        if words in _CONTAINMENT_GAPS:
            a.container = b


#: features of the place an article is set in (a town or a county, not a state)
_SETTING_FEATURES = frozenset({"city", "admin2"})
_SETTING_POPULATION = 10_000
#: ... named at least this often, and this many times as often as any other town
_SETTING_MENTIONS = 3


def _setting(mentions: list[_Mention]) -> _Mention | None:
    """The town or county the article is set in: its dateline's, else one of 10,000+
    people named by its own name at least 3 times and 3 times as often as any other."""
    counts: dict[int, list[_Mention]] = {}
    for m in mentions:
        c = m.chosen
        if c is None or m.weak or c.feature not in _SETTING_FEATURES:
            continue
        if m.label == "DATELINE":
            return m
        if c.population < _SETTING_POPULATION or c.match == 1:
            continue  # a square or a neighbourhood that shares a town's alternate name
        counts.setdefault(c.id, []).append(m)
    ranked = sorted(counts.values(), key=len, reverse=True)
    if not ranked or len(ranked[0]) < _SETTING_MENTIONS:
        return None
    if len(ranked) > 1 and len(ranked[0]) < _SETTING_MENTIONS * len(ranked[1]):
        return None
    return ranked[0][0]


def _link_to_setting(mentions: list[_Mention]) -> None:
    """A street, building or site the text places nowhere ("on Royal Street", "at the
    Rogers Centre") lies in the town or county the article is set in (``_setting``)."""
    setting = _setting(mentions)
    if setting is None:
        return
    nouns, buildings = place_nouns(), building_nouns()
    for m in mentions:
        if m.chosen is not None or m.container is not None or m.weak or m.span is None:
            continue
        words = [t.lower_ for t in m.span]
        if any(nouns.get((w,)) == "site" or w in buildings for w in words[1:]):
            m.container = setting  # the noun ends the name (not a river: it runs far)


def _container_name(m: _Mention) -> str | None:
    if m.chosen is not None:
        return m.chosen.name
    if m.container is not None:
        inner = _container_name(m.container)
        return f"{_display(m.text)}, {inner}" if inner else None
    return None


def _display(text: str) -> str:
    """A name as written, capitalized when the text was all lower case."""
    return text.title() if text.islower() else text


# ---------------------------------------------------------------------------
# resolution


@dataclass
class _Context:
    #: country code -> normalized names of the mentions that resolved inside it
    countries: dict[str, set[str]] = field(default_factory=dict)
    #: (country, admin1 name) -> normalized names of the mentions inside it
    admin1: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    #: (lat, lon, normalized name) of the local places (cities, subdivisions, sites) chosen
    points: list[tuple[float, float, str]] = field(default_factory=list)
    seen_points: set[tuple[float, float, str]] = field(default_factory=set)
    dateline_country: str | None = None

    def in_country(self, country: str, own: str) -> bool:
        """Another name of the article resolved inside ``country``."""
        return bool(self.countries.get(country, set()) - {own})

    def in_admin1(self, country: str, admin1: str, own: str) -> bool:
        """Another name of the article resolved inside this subdivision."""
        return bool(self.admin1.get((country, admin1), set()) - {own})

    def near(self, lat: float, lon: float, own: str) -> bool:
        """Another local place of the article lies within ``_NEAR_KM``."""
        return any(
            key != own and distance_km((lat, lon), (plat, plon)) <= _NEAR_KM
            for plat, plon, key in self.points
        )


def _allowed(m: _Mention) -> list[Candidate]:
    """Candidates that fit the mention's form (airports only for airport-like mentions)."""
    cands = m.candidates
    if m.airport:
        airports = [c for c in cands if c.feature == "airport"]
        if airports:
            return airports
        return cands
    if m.label == "FAC":
        return cands
    # a name that only an airport has ("Schiphol") is that airport
    return [c for c in cands if c.feature != "airport"] or cands


def _namesake_filter(cands: list[Candidate], admin_hint: bool) -> list[Candidate]:
    """Drop an admin1 named after its dominant city ("Baghdad", "Kabul") unless "province" follows."""
    if admin_hint:
        admins = [c for c in cands if c.feature in ("admin1", "admin2", "region")]
        return admins or cands
    drop: set[int] = set()
    for a in cands:
        if a.feature != "admin1":
            continue
        for c in cands:
            if (
                c.feature == "city"
                and c.country == a.country
                and c.admin1 == a.name
                and c.population * 3 >= a.population
            ):
                drop.add(a.id)
    return [c for c in cands if c.id not in drop]


def _qualified(cands: list[Candidate], qual: _Mention | None) -> list[Candidate]:
    if qual is None:
        return cands
    q = qual.chosen or (qual.candidates[0] if qual.candidates else None)
    if q is None:
        return cands
    if q.feature == "country":
        inside = [c for c in cands if c.country == q.country and c.id != q.id]
    elif q.feature == "admin1":
        inside = [
            c for c in cands if c.country == q.country and c.admin1 == q.name and c.id != q.id
        ]
    else:
        inside = []
    return inside or cands


def _score(c: Candidate, ctx: _Context | None, own: _Mention) -> float:
    s = math.log10(c.population + 1) + _FEATURE_PRIOR.get(c.feature, 0.0)
    s += _MATCH_BONUS.get(c.match, 0.0) + c.boost
    if c.capital:
        s += _CAPITAL_BONUS
    if ctx is not None and c.country:
        key = normalize(own.text)
        if ctx.in_country(c.country, key):
            s += _COUNTRY_CONTEXT
        if ctx.dateline_country == c.country:
            s += _DATELINE_CONTEXT
        if c.admin1 and c.feature != "admin1" and ctx.in_admin1(c.country, c.admin1, key):
            s += _ADMIN1_CONTEXT
        if c.feature in _LOCAL_FEATURES and ctx.near(c.lat, c.lon, key):
            s += _NEAR_BONUS
    return s


def _choose(m: _Mention, ctx: _Context | None) -> Candidate | None:
    cands = _namesake_filter(_allowed(m), m.admin_hint)
    if m.is_qualifier:  # "..., Texas": a qualifier is a country or a subdivision
        cands = [c for c in cands if c.feature in ("country", "admin1")] or cands
    cands = _qualified(cands, m.qualifier)
    if not cands:
        return None
    return max(cands, key=lambda c: (_score(c, ctx, m), -c.id))


def _context(mentions: list[_Mention]) -> _Context:
    ctx = _Context()
    for m in mentions:
        c = m.chosen
        if c is None or not c.country or m.weak:
            continue
        key = normalize(m.text)
        ctx.countries.setdefault(c.country, set()).add(key)
        admin1 = c.name if c.feature == "admin1" else c.admin1
        if admin1:
            ctx.admin1.setdefault((c.country, admin1), set()).add(key)
        if c.feature in _LOCAL_FEATURES:
            point = (c.lat, c.lon, key)
            if point not in ctx.seen_points:  # repeats of one place add nothing to "near"
                ctx.seen_points.add(point)
                ctx.points.append(point)
        if m.label == "DATELINE" and ctx.dateline_country is None:
            ctx.dateline_country = c.country
    return ctx


def _resolve(mentions: list[_Mention]) -> None:
    # qualifiers first (they constrain their heads), then everything without context,
    # then again with the article's context
    for m in mentions:
        if m.is_qualifier:
            m.chosen = _choose(m, None)
    for m in mentions:
        if not m.is_qualifier:
            m.chosen = _choose(m, None)
    ctx = _context(mentions)
    for _round in range(_CONTEXT_ROUNDS):
        for m in mentions:
            m.chosen = _choose(m, ctx)
        ctx = _context(mentions)
    # a weak mention stays only if what it chose is well known, or sits in a country
    # (and near a place) that other names of the article already point to
    for m in mentions:
        if m.weak:
            c = m.chosen
            key = normalize(m.text)
            m.weak = not (
                c is not None
                and (
                    _strong(c)
                    or (
                        c.country is not None
                        and len(ctx.countries.get(c.country, set()) - {key}) >= _WEAK_SUPPORT
                        and ctx.near(c.lat, c.lon, key)
                    )
                )
            )


def _place(m: _Mention) -> record.Place:
    c = m.chosen
    if c is None:
        outer = m.container
        while outer is not None and outer.chosen is None:
            outer = outer.container
        name = _container_name(m)
        if outer is None or outer.chosen is None or name is None:
            return record.Place(text=m.text, span=(m.start, m.end))
        inside = outer.chosen
        return record.Place(
            text=m.text,
            span=(m.start, m.end),
            name=name,
            country=inside.country,
            admin1=inside.name if inside.feature == "admin1" else inside.admin1,
            lat=round(inside.lat, 5),
            lon=round(inside.lon, 5),
            feature="locality",
        )
    return record.Place(
        text=m.text,
        span=(m.start, m.end),
        name=c.name,
        country=c.country,
        admin1=c.admin1,
        lat=round(c.lat, 5),
        lon=round(c.lon, 5),
        feature=c.feature,
    )


def resolve_doc(
    doc: Doc, gazetteer: Gazetteer | None = None
) -> list[tuple[record.Place, Candidate | None]]:
    """Like ``find_places`` but each place comes with the chosen gazetteer entry."""
    if not isinstance(doc, Doc):
        return []
    gaz = gazetteer or Gazetteer.default()
    dateline = _dateline_mentions(doc, gaz)
    taken = [(m.start, m.end) for m in dateline]
    ner = [
        m for m in _ner_mentions(doc, gaz) if not any(m.start < e and s < m.end for s, e in taken)
    ]
    caseless = is_caseless(doc)
    if not caseless:
        ner += _named_before_noun(doc, gaz, [*taken, *((m.start, m.end) for m in ner)])
    mentions = _merge_fragments(doc, gaz, sorted(dateline + ner, key=lambda m: (m.start, m.end)))
    _link_qualifiers(doc, mentions)
    _resolve(mentions)
    if caseless:
        mentions = _caseless_mentions(doc, gaz, mentions)
        for m in mentions:
            m.qualifier, m.is_qualifier = None, False
        _link_qualifiers(doc, mentions)
        _resolve(mentions)
    # containers from the right, so that chains ("bhavmanpura, panigate, vadodara") resolve
    _link_containers(doc, mentions)
    _link_to_setting(mentions)
    return [
        (_place(m), m.chosen)
        for m in mentions
        if not m.weak
        and (m.chosen is not None or normalize(m.text) not in generic_names())
        and not (m.provisional and m.chosen is None and m.container is None)
        and (caseless or not _unsupported(m))
        and not _institution(m)
    ]


#: prepositions before which an institution's building is a place ("talks at the White
#: House", "protesters outside the Kremlin")
_SITE_PREPOSITIONS = frozenset({"at", "in", "inside", "outside", "near", "to", "into", "from"})


def _institution(m: _Mention) -> bool:
    """A building that names an institution of the actor knowledge ("the White House
    said", "White House officials", "the Kremlin's line") is the institution, not a
    place, unless a preposition of place governs it or it is a verb's object."""
    if m.span is None or m.label == "DATELINE":
        return False
    from ..actors.kb import ActorKB

    entry = ActorKB.load().lookup(m.text)
    if entry is None or entry.kind != "institution":
        return False
    if m.span.root.dep_ == "dobj":
        return False  # "visited the White House": the place visited (see linking.tsv)
    doc, k = m.span.doc, m.span.start - 1
    if k >= 0 and doc[k].lower_ == "the":
        k -= 1
    return not (k >= 0 and doc[k].lower_ in _SITE_PREPOSITIONS)


@lru_cache(maxsize=1)
def building_nouns() -> frozenset[str]:
    """Nouns of buildings and sites (``building_nouns.txt``): "Rogers Centre"."""
    return _word_list("building_nouns.txt")


def _unsupported(m: _Mention) -> bool:
    """Cased text: an unresolved name that lies in no resolved place and has no place,
    building or site noun ("Guhdar said", "Coincheck's income", "AI") is no place: the
    recognizer's place labels on unknown names are mostly persons, products and firms.
    Datelines are kept."""
    if m.chosen is not None or m.container is not None or m.label == "DATELINE":
        return False
    if m.span is None:
        return False
    nouns, buildings = place_nouns(), building_nouns()
    for tok in m.span:
        low, lemma = tok.lower_, tok.lemma_.lower()
        if (low,) in nouns or (lemma,) in nouns or low in buildings or lemma in buildings:
            return False
    # "the small town of Kasba Bonli": the text says it is a place
    doc, start = m.span.doc, m.span.start
    return not _place_cue(doc, start)


def find_places(doc: Doc, gazetteer: Gazetteer | None = None) -> list[record.Place]:
    """Every toponym mention of ``doc`` resolved to one gazetteer entry.

    Spans are offsets into ``text_of(doc)``. A mention that resolves nowhere keeps
    its text and span with ``name`` etc. ``None``. Never raises on odd input:
    anything that is not a spaCy ``Doc`` gives ``[]``.
    """
    return [place for place, _cand in resolve_doc(doc, gazetteer)]
