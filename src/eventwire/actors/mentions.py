"""Mention analysis: from a noun phrase in the parse to name, country and sector.

The rules are general and read all knowledge from the :class:`~.kb.ActorKB`:

* the *extent* of a noun phrase is its head plus the left modifiers the parser
  attached to it (determiners, adjectives, compounds, possessives, numbers);
* *country cues* are the longest KB forms found inside the extent (country
  names and short forms, demonyms, seats of government, named actors with a
  country: "US", "Iraq's", "Iranian", "the Kremlin", "the Houthis");
* the *sector* comes from the longest sector-lexicon phrase ending at the head
  ("security forces" COP before "forces" MIL); a generic role ("leader",
  "commander", "official") takes the sector of a sector word among its modifiers
  ("rebel leader" REB, "military commander" MIL); with no sector noun at the
  head, a sector word among the modifiers is used ("a US military letter" MIL);
  "former"/"ex" give ELI;
* a person's *title* is what stands before the name in the same phrase ("US
  Army General Mark Milley"), else an appositive ("Mark Milley, chairman of
  ..."), or the phrase the name is in apposition to ("Iraq's prime minister,
  Adel Abdul Mahdi").
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from ..nlp import columns_of, sentence_of, text_of
from .kb import ActorKB, KBEntry, SectorEntry

#: Dependency labels of left modifiers that belong to a noun phrase.
NP_LEFT_DEPS: frozenset[str] = frozenset(
    {"det", "amod", "compound", "nmod", "poss", "nummod", "quantmod", "predet", "nn",
     "flat", "cc", "conj", "advmod", "npadvmod", "case", "prt"}
)  # fmt: skip
#: Labels of a token that is a modifier inside a larger noun phrase (not a phrase head).
MODIFIER_DEPS: frozenset[str] = frozenset({"compound", "amod", "nmod", "flat", "nn"})
#: Sectors of state organs: a titled person in one of these may take a country from
#: the nearest country cue in the sentence (see ``nearest_country``).
STATE_SECTORS: frozenset[str] = frozenset({"GOV", "MIL", "LEG", "JUD", "COP", "SPY"})
#: Prepositions that make a seat of government a place, not an actor ("in Tehran").
LOCATIVE_PREPS: frozenset[str] = frozenset(
    {"in", "at", "to", "from", "near", "into", "across", "outside", "inside", "around",
     "through", "toward", "towards", "via", "over", "on", "of", "within", "between", "off"}
)  # fmt: skip
PRONOUNS: dict[str, tuple[str, str]] = {
    # form -> (animacy, number); animacy: person | nonperson | any
    "he": ("person", "sg"), "him": ("person", "sg"), "his": ("person", "sg"),
    "himself": ("person", "sg"), "she": ("person", "sg"), "her": ("person", "sg"),
    "hers": ("person", "sg"), "herself": ("person", "sg"), "it": ("nonperson", "sg"),
    "its": ("nonperson", "sg"), "itself": ("nonperson", "sg"), "they": ("any", "pl"),
    "them": ("any", "pl"), "their": ("any", "pl"), "theirs": ("any", "pl"),
    "themselves": ("any", "pl"),
}  # fmt: skip
GENDER: dict[str, str] = {
    "he": "m", "him": "m", "his": "m", "himself": "m",
    "she": "f", "her": "f", "hers": "f", "herself": "f",
}  # fmt: skip
#: Country strength of a mention: explicit cue > KB person > nearest cue in the sentence.
#: CONTEXT: the article's home country (``context.py``).
EXPLICIT, KNOWN, NEAREST, CONTEXT = 3, 2, 1, 0


@dataclass
class Cue:
    """A country cue inside a phrase: ``doc[start:end]`` matched a KB entry."""

    start: int
    end: int
    entry: KBEntry


@dataclass
class Mention:
    """One actor mention (token offsets into the doc)."""

    start: int
    end: int
    head: int
    kind: str  # person | org | country | seat | demonym | nominal | pronoun
    type: str  # PERSON | ORG | GPE | NORP | GROUP
    name: str | None = None
    country: str | None = None
    countries: list[str] = field(default_factory=list)
    country_strength: int = 0
    sector: str | None = None
    animacy: str = "org"  # person | group | org | thing | place
    number: str = "sg"
    definite: bool = False
    title: tuple[str, ...] = ()  # sector phrase of a title or a nominal head
    title_kind: str = ""  # lexicon kind of that phrase (person, role, ...)
    name_tokens: tuple[str, ...] = ()  # persons: the name without titles
    entity_key: tuple[str, ...] | None = None
    entity: int | None = None  # index into the entity list, set by coreference
    gender: str | None = None


# ---------------------------------------------------------------------- helpers
def _lower(tok: Token) -> str:
    return tok.lower_.replace("’", "'").replace("–", "-")


def _lemma(tok: Token) -> str:
    return tok.lemma_.lower().replace("’", "'").replace("–", "-")


_CLAUSE_DEPS = frozenset(
    {"relcl", "advcl", "ccomp", "acl", "xcomp", "nsubj", "nsubjpass", "dobj", "mark", "aux"}
)
_BREAKS = frozenset({",", ";", ":", "“", "”", '"', "(", ")", "—", "–"})


def np_extent(tok: Token) -> tuple[int, int]:
    """Token range [start, end) of the noun phrase headed by ``tok`` (left modifiers)."""
    doc = tok.doc
    cols = columns_of(doc)
    i = tok.i
    dep, lower = cols.dep, cols.lower
    start = i
    kids = cols.children[i]
    for child in reversed([c for c in kids if c < i]):
        if not (
            dep[child] in NP_LEFT_DEPS or (dep[child] == "punct" and cols.tag[child] == "HYPH")
        ):
            break
        # (the break marks are punctuation: their lower case is their text)
        if any(dep[t] in _CLAUSE_DEPS or lower[t] in _BREAKS for t in cols.subtree(child)):
            break
        start = min(start, cols.left_edge(child))
    end = i + 1
    for child in kids:
        if child > i and dep[child] in ("case", "flat", "compound") and child == end:
            end = doc[child].right_edge.i + 1
    while start < i and (cols.is_punct[start] or cols.is_space[start]):
        start += 1
    return start, end


def phrase_text(doc: Doc, start: int, end: int, *, strip_det: bool = True) -> str:
    """Text of a phrase without a leading determiner and a trailing possessive."""
    while start < end and strip_det and doc[start].dep_ == "det" and doc[start].lower_ in (
        "the", "a", "an", "this", "that", "these", "those", "some", "any",
    ):  # fmt: skip
        start += 1
    while end > start and (
        doc[end - 1].tag_ == "POS" or doc[end - 1].is_punct or doc[end - 1].is_space
    ):
        end -= 1
    return doc[start:end].text if end > start else ""


def country_cues(
    doc: Doc, start: int, end: int, kb: ActorKB, *, skip: Iterable[int] = ()
) -> list[Cue]:
    """Longest KB forms with a country inside ``doc[start:end]`` (left to right)."""
    skipped = set(skip)
    cues: list[Cue] = []
    i = start
    while i < end:
        if i in skipped or doc[i].is_punct or doc[i].is_space or not doc[i].text[:1].isupper():
            i += 1
            continue
        found: Cue | None = None
        for j in range(min(end, i + 7), i, -1):
            if any(k in skipped for k in range(i, j)):
                continue
            entry = kb.lookup(doc[i:j].text)
            if (
                entry is not None
                and entry.country
                and entry.type != "PERSON"
                and not _sponsor(doc, j)
            ):
                found = Cue(i, j, entry)
                break
        if found is None:
            i += 1
            continue
        cues.append(found)
        i = found.end
    return cues


def _sponsor(doc: Doc, j: int) -> bool:
    """A cue followed by "-backed", "-led", "-funded" ... names a sponsor, not the
    actor's own country ("US-backed militias"); "-based" is the actor's own."""
    return (
        j + 1 < len(doc)
        and doc[j].text in ("-", "–")
        and doc[j + 1].tag_ in ("VBN", "VBD")
        and doc[j + 1].lower_ != "based"
    )


def _phrase_at(doc: Doc, end: int, lo: int, kb: ActorKB) -> tuple[SectorEntry, int] | None:
    """Longest sector phrase ending at token ``end - 1`` and starting at or after ``lo``."""
    longest = min(kb.max_phrase, end - lo)
    if longest <= 0:
        return None
    last = doc[end - 1]
    if _lower(last) not in kb.sector_heads and _lemma(last) not in kb.sector_heads:
        return None  # no phrase ends with this word (most tokens)
    # the words of the longest window, once (slicing spans for every length was the
    # stage's hot spot)
    toks = [doc[i] for i in range(end - longest, end)]
    all_lowers = [_lower(t) for t in toks]
    all_lemmas = [_lemma(t) for t in toks]
    for length in range(longest, 0, -1):
        lowers = all_lowers[longest - length :]
        lemmas = all_lemmas[longest - length :]
        for words in (lowers, [*lowers[:-1], lemmas[-1]], lemmas):
            entry = kb.sector_phrase(words)
            if entry is not None:
                return entry, end - length
    return None


@dataclass
class SectorMatch:
    sector: str | None
    kind: str
    phrase: tuple[str, ...]
    start: int
    end: int


def sector_of(doc: Doc, start: int, end: int, head: int, kb: ActorKB) -> SectorMatch | None:
    """Sector of the phrase ``doc[start:end]`` with head ``head`` (see module doc)."""
    found = _phrase_at(doc, head + 1, start, kb)
    match: SectorMatch | None = None
    if found is not None and found[0].kind != "honorific":
        entry, first = found
        match = SectorMatch(entry.sector, entry.kind, entry.phrase, first, head + 1)
        left = first
    else:
        left = head
    need_modifier = match is None or match.kind == "role" or match.sector is None
    if need_modifier:
        i = left
        while i > start:
            hit = _phrase_at(doc, i, start, kb)
            if (
                hit is not None
                and hit[0].sector
                and hit[0].kind not in ("honorific", "modifier", "role")
            ):
                if match is None:
                    match = SectorMatch(hit[0].sector, hit[0].kind, hit[0].phrase, hit[1], i)
                else:
                    match.sector = hit[0].sector
                break
            i -= 1
    if match is not None:
        match = _with_modifiers(doc, start, end, match, kb)
    return match


def title_sector(doc: Doc, start: int, end: int, kb: ActorKB) -> SectorMatch | None:
    """Sector of a title before a name: the sector phrase nearest the name wins."""
    i = end
    while i > start:
        found = _phrase_at(doc, i, start, kb)
        if found is not None and found[0].kind not in ("honorific", "modifier"):
            return (
                sector_of(doc, start, end, i - 1, kb)
                if found[0].kind == "role"
                else (
                    _with_modifiers(
                        doc,
                        start,
                        end,
                        SectorMatch(found[0].sector, found[0].kind, found[0].phrase, found[1], i),
                        kb,
                    )
                )
            )
        i -= 1
    return None


def _with_modifiers(doc: Doc, start: int, end: int, match: SectorMatch, kb: ActorKB) -> SectorMatch:
    for k in range(start, end):
        entry = kb.sector_phrase([_lower(doc[k])])
        if entry is not None and entry.kind == "modifier":
            match.sector = entry.sector
    return match


def nearest_country(tok: Token, kb: ActorKB, *, max_distance: int = 4) -> str | None:
    """Country of the country cue nearest to ``tok`` in its sentence's dependency tree.

    Used only for a person whose title is a state office (``STATE_SECTORS``) and whose
    own phrase, appositive and KB entry give no country ("The United States has no
    plans ..., Defense Secretary Mark Esper said"). Breadth-first over the tree up to
    ``max_distance`` arcs, ties to the left; cues inside objects and prepositional
    phrases are skipped (they name whom the clause acts on)."""
    sent = sentence_of(tok)
    seen = {tok.i}
    queue: deque[tuple[Token, int]] = deque([(tok, 0)])
    own = set(range(*np_extent(tok)))
    while queue:
        cur, dist = queue.popleft()
        if dist > 0 and cur.i not in own and cur.text[:1].isupper() and not _object_cue(cur):
            entry = kb.lookup(cur.text)
            if (
                entry is not None
                and entry.country
                and entry.kind in ("country", "demonym", "seat", "institution")
            ):
                return entry.country
            if cur.ent_type_ in ("GPE", "NORP"):
                ent_entry = _ent_entry(cur, kb)
                if ent_entry is not None and ent_entry.country:
                    return ent_entry.country
        if dist >= max_distance:
            continue
        neighbours = sorted([*cur.children, cur.head], key=lambda t: t.i)
        for nxt in neighbours:
            if nxt.i not in seen and sent.start <= nxt.i < sent.end:
                seen.add(nxt.i)
                queue.append((nxt, dist + 1))
    return None


def _object_cue(tok: Token) -> bool:
    """A cue inside an object or prepositional phrase names whom the clause acts on
    ("retaliate against Russia"), not whom the person acts for."""
    cur = tok
    for _ in range(4):
        if cur.dep_ in ("dobj", "pobj", "dative", "iobj"):
            return True
        if (
            cur.dep_ not in ("compound", "amod", "nmod", "poss", "det", "flat")
            or cur.head.i == cur.i
        ):
            return False
        cur = cur.head
    return False


def _ent_entry(tok: Token, kb: ActorKB) -> KBEntry | None:
    for ent in tok.doc.ents:
        if ent.start <= tok.i < ent.end:
            return kb.lookup(ent.text)
    return None


def ent_of(tok: Token) -> Span | None:
    """The named entity containing ``tok``."""
    if not tok.ent_type_:
        return None
    doc = tok.doc
    start = tok.i
    while start > 0 and doc[start].ent_iob_ == "I":
        start -= 1
    end = tok.i + 1
    while end < len(doc) and doc[end].ent_iob_ == "I":
        end += 1
    return Span(doc, start, end, label=tok.ent_type_)


def is_locative(tok: Token) -> bool:
    """A toponym used as a place: object of a locative preposition or a locative modifier."""
    if tok.dep_ == "pobj" and tok.head.lower_ in LOCATIVE_PREPS:
        return True
    return tok.dep_ in ("compound", "nmod") and tok.head.ent_type_ in ("GPE", "FAC", "LOC")


#: Grammatical relations in which a seat of government acts ("Washington said",
#: "Tehran's response", "talks between Washington and Tehran" are not enough: PPs are places).
ACTING_DEPS: frozenset[str] = frozenset({"nsubj", "nsubjpass", "dobj", "dative", "poss", "agent"})


def is_metonymic(tok: Token) -> bool:
    """A seat of government standing for the government ("Washington said")."""
    cur = tok
    while cur.dep_ == "conj" and cur.head.i != cur.i:
        cur = cur.head
    if cur.dep_ in ACTING_DEPS:
        return True
    return cur.dep_ == "pobj" and cur.head.lower_ in ("by", "with", "against")


def is_definite(doc: Doc, start: int, head: int) -> bool:
    for k in range(start, head):
        if doc[k].dep_ == "det" and doc[k].lower_ in ("the", "this", "that", "these", "those"):
            return True
        if doc[k].dep_ == "poss":
            return True
    return False


def number_of(tok: Token) -> str:
    return "pl" if tok.tag_ in ("NNS", "NNPS") else "sg"


# ---------------------------------------------------------------------- analysis
def _cue_country(cues: list[Cue], near_end: bool = True) -> str | None:
    if not cues:
        return None
    return (cues[-1] if near_end else cues[0]).entry.country


def _countries(cues: list[Cue]) -> list[str]:
    out: list[str] = []
    for cue in cues:
        if cue.entry.country and cue.entry.country not in out:
            out.append(cue.entry.country)
    return out


#: verbs of a relative clause that give a person's role ("who served as ambassador")
_ROLE_VERBS = frozenset({"be", "serve", "work", "act", "remain"})


def analyse_person(
    tok: Token, ent: Span, kb: ActorKB, *, use_nearest: bool = True
) -> Mention | None:
    """A PERSON mention headed by ``tok`` (inside the PERSON entity ``ent``)."""
    doc = tok.doc
    start, end = np_extent(tok)
    start = min(start, ent.start)
    end = max(end, tok.i + 1)
    name_start, name_end = ent.start, min(ent.end, end)
    # strip titles and honorifics the NER put inside the name ("Ayatollah Ali Khamenei")
    stripped = True
    while stripped and name_start < name_end - 1:
        stripped = False
        for length in range(min(kb.max_phrase, name_end - name_start - 1), 0, -1):
            words = [_lower(t) for t in doc[name_start : name_start + length]]
            entry = kb.sector_phrase(words)
            if entry is not None and entry.kind in ("person", "role", "honorific"):
                name_start += length
                stripped = True
                break
        if not stripped:
            lead = country_cues(doc, name_start, name_start + 1, kb)
            if lead and lead[0].entry.kind in ("demonym", "country"):
                name_start += 1
                stripped = True
    # leading lower-case words are not part of a name ("radical preacher Anjem Choudary")
    while name_start < name_end - 1 and doc[name_start].is_lower and _has_capitals(doc):
        name_start += 1
    while name_end > name_start and (
        doc[name_end - 1].tag_ == "POS" or doc[name_end - 1].is_punct or doc[name_end - 1].is_space
    ):
        name_end -= 1
    if name_end <= name_start:
        return None
    name_toks = tuple(t.text for t in doc[name_start:name_end] if not t.is_punct)
    if not name_toks:
        return None
    m = Mention(start, end, tok.i, "person", "PERSON", animacy="person", number="sg")
    m.name = doc[name_start:name_end].text
    m.name_tokens = name_toks
    title_lo, title_hi = start, name_start
    # honorific gender
    for k in range(title_lo, title_hi):
        low = _lower(doc[k]).rstrip(".")
        if low in ("mr", "sir", "lord", "sheikh", "king", "prince"):
            m.gender = "m"
        elif low in ("mrs", "ms", "miss", "dame", "queen", "princess"):
            m.gender = "f"
    sect = title_sector(doc, title_lo, title_hi, kb) if title_hi > title_lo else None
    cues = country_cues(doc, title_lo, title_hi, kb)
    if sect is not None:
        m.sector = sect.sector
        m.title = sect.phrase
    if cues:
        m.country = _cue_country(cues)
        m.countries = _countries(cues)
        m.country_strength = EXPLICIT
        body = _body_sector(cues)
        if body and (
            m.sector is None
            or (
                sect is not None
                and sect.kind == "role"
                and not _modifier_sector(doc, title_lo, title_hi, kb)
            )
        ):
            m.sector = body
    # appositives: "Mark Milley, chairman of ..." / "Iraq's prime minister, Adel Abdul Mahdi"
    appos: list[Token] = [c for c in tok.rights if c.dep_ == "appos"]
    if (
        tok.dep_ == "appos"
        and tok.head.pos_ in ("NOUN", "PROPN")
        and tok.head.ent_type_ != "PERSON"
    ):
        appos.append(tok.head)
    # a role given in a relative clause: "Derek Mitchell, who served as U.S. ambassador"
    for rel in tok.rights:
        if rel.dep_ == "relcl" and rel.lemma_.lower() in _ROLE_VERBS:
            for c in rel.children:
                if c.dep_ in ("attr", "oprd"):
                    appos.append(c)
                elif c.dep_ == "prep" and c.lower_ == "as":
                    appos.extend(x for x in c.children if x.dep_ == "pobj")
    for ap in appos[:3]:
        a_start, a_end = np_extent(ap)
        if m.sector is None or m.country is None:
            a_sect = sector_of(doc, a_start, a_end, ap.i, kb)
            # the appositive's prepositional phrases ("chairman of the Joint Chiefs of Staff")
            sub_cues: list[Cue] = []
            for prep in ap.rights:
                if prep.dep_ == "prep":
                    sub_cues += country_cues(
                        doc, prep.i + 1, min(prep.right_edge.i + 1, prep.i + 13), kb
                    )
            if m.sector is None:
                if a_sect is not None and a_sect.sector:
                    m.sector, m.title = a_sect.sector, a_sect.phrase
                else:
                    for cue in sub_cues:
                        if cue.entry.sector:
                            m.sector = cue.entry.sector
                            break
            if m.country is None:
                a_cues = country_cues(doc, a_start, a_end, kb) + sub_cues
                if a_cues:
                    m.country = a_cues[0].entry.country
                    m.countries = _countries(a_cues)
                    m.country_strength = EXPLICIT
    if m.country is None:
        # "Mark Holloway of the United States", "a delegate from Kenya"
        for prep in tok.rights:
            if prep.dep_ == "prep" and prep.lower_ in ("of", "from"):
                objs = [c for c in prep.children if c.dep_ == "pobj"]
                if objs:
                    o_start, o_end = np_extent(objs[0])
                    of_cues = country_cues(doc, o_start, o_end, kb)
                    if of_cues:
                        m.country, m.countries, m.country_strength = (
                            of_cues[-1].entry.country,
                            _countries(of_cues),
                            EXPLICIT,
                        )
                        if m.sector is None:
                            m.sector = _body_sector(of_cues)
                break
    known = kb.lookup(m.name)
    if known is not None and known.type == "PERSON":
        m.name = known.name
        if m.country is None and known.country:
            m.country, m.countries, m.country_strength = known.country, [known.country], KNOWN
        if m.sector is None:
            m.sector = known.sector
    if m.country is None and use_nearest and m.sector in STATE_SECTORS:
        near = nearest_country(tok, kb)
        if near is not None:
            m.country, m.countries, m.country_strength = near, [near], NEAREST
    return m


def _has_capitals(doc: Doc) -> bool:
    """Whether the text uses capitals at all (some feeds lower-case everything)."""
    cached = doc.user_data.get("eventwire_has_capitals")
    if cached is None:
        cached = any(c.isupper() for c in text_of(doc))
        doc.user_data["eventwire_has_capitals"] = cached
    return bool(cached)


def analyse_named(tok: Token, ent: Span, kb: ActorKB) -> Mention | None:
    """A mention headed by a token of a non-person entity (ORG, GPE, NORP, FAC)."""
    doc = tok.doc
    start, end = np_extent(tok)
    start, end = min(start, ent.start), max(end, ent.end)
    while end > start and (doc[end - 1].is_punct or doc[end - 1].is_space):
        end -= 1
    entry = kb.lookup(ent.text) or kb.lookup(phrase_text(doc, start, end))
    if entry is None and ent.end - ent.start > 1:
        # the entity may have swallowed a modifier ("Prudential Iraqi"): try its head alone
        entry = kb.lookup(doc[tok.i : ent.end].text)
    if entry is not None:
        return _from_entry(tok, start, end, entry, kb)
    if ent.label_ in ("GPE", "LOC", "FAC"):
        return None  # a place (the places stage resolves it)
    if ent.label_ == "NORP":
        if tok.dep_ in MODIFIER_DEPS:
            return None
        m = Mention(
            start,
            end,
            tok.i,
            "demonym",
            "NORP",
            name=phrase_text(doc, start, end),
            animacy="group",
            number=number_of(tok),
        )
        m.entity_key = ("NORP", (m.name or "").lower())
        return m
    # an organisation the KB does not know: its own words; not a common noun the
    # recognizer tagged ORG in cased text ("a minibus"), nor a town it tagged ORG where
    # the text uses it as a place ("fighting in El Fasher")
    if not _named_body(ent, tok):
        return None
    cues = country_cues(doc, start, end, kb)
    sect = sector_of(doc, start, end, tok.i, kb)
    m = Mention(start, end, tok.i, "org", "ORG", name=phrase_text(doc, start, end), animacy="org")
    m.definite = is_definite(doc, start, tok.i)
    if cues:
        m.country, m.countries, m.country_strength = _cue_country(cues), _countries(cues), EXPLICIT
    if sect is not None:
        m.sector, m.title = sect.sector, sect.phrase
        if sect.kind == "group":
            m.animacy, m.number = "group", "pl"
    if not m.name:
        return None
    head_word = _lemma(tok)
    m.entity_key = (
        ("NOM", m.country or "", m.sector or "", head_word) if sect else ("ORG", m.name.lower())
    )
    return m


def _mostly_cased(doc: Doc) -> bool:
    """Whether the text capitalizes names (not a lower-cased feed with a stray capital):
    at least 0.5 % of its letters are capitals."""
    cached = doc.user_data.get("eventwire_mostly_cased")
    if cached is None:
        text = text_of(doc)
        letters = sum(map(str.isalpha, text))
        cached = letters > 0 and sum(map(str.isupper, text)) >= 0.005 * letters
        doc.user_data["eventwire_mostly_cased"] = cached
    return bool(cached)


def _named_body(ent: Span, tok: Token) -> bool:
    """Whether an ORG entity the KB does not know can name a body (see ``analyse_named``)."""
    if all(t.is_lower or not t.is_alpha for t in ent) and _mostly_cased(tok.doc):
        return False
    if is_locative(tok):
        from .context import city_table

        if ent.text in city_table():
            return False
    return True


def _from_entry(tok: Token, start: int, end: int, entry: KBEntry, kb: ActorKB) -> Mention | None:
    doc = tok.doc
    if entry.kind == "country":
        m = Mention(
            start,
            end,
            tok.i,
            "country",
            "GPE",
            name=entry.name,
            country=entry.country,
            animacy="place",
        )
        m.countries, m.country_strength, m.entity_key = (
            [entry.country or ""],
            EXPLICIT,
            ("GPE", entry.country or ""),
        )
        m.definite = True
        return m
    if entry.kind == "seat":
        if not is_metonymic(tok):
            return None
        m = Mention(
            start,
            end,
            tok.i,
            "seat",
            "GPE",
            name=entry.name,
            country=entry.country,
            sector=entry.sector,
            animacy="org",
        )
        m.countries, m.country_strength = [entry.country or ""], EXPLICIT
        m.entity_key, m.definite = ("SEAT", entry.country or "", entry.name), True
        return m
    if entry.kind == "demonym":
        if tok.dep_ in MODIFIER_DEPS or tok.pos_ == "ADJ" or tok.tag_ == "JJ":
            return None
        m = Mention(
            start,
            end,
            tok.i,
            "demonym",
            "NORP",
            name=phrase_text(doc, start, end),
            country=entry.country,
            animacy="group",
            number="pl",
        )
        m.countries, m.country_strength = [entry.country or ""], EXPLICIT
        m.entity_key = ("NORP", entry.country or "")
        return m
    if entry.type == "PERSON":
        return None
    m = Mention(
        start,
        end,
        tok.i,
        "org",
        entry.type if entry.type != "GPE" else "ORG",
        name=entry.name,
        country=entry.country,
        sector=entry.sector,
        animacy="org",
    )
    m.definite = True
    # "the Houthis", "Republicans": plural as written
    plural = tok.tag_ in ("NNPS", "NNS") or (tok.ent_type_ == "NORP" and tok.text.endswith("s"))
    m.number = "pl" if plural else "sg"
    if plural:
        m.animacy = "group"
    if entry.country:
        m.countries, m.country_strength = [entry.country], EXPLICIT
    m.entity_key = ("ORG", entry.name)
    return m


def _is_actor_head(tok: Token, kb: ActorKB) -> bool:
    return _phrase_at(tok.doc, tok.i + 1, max(0, tok.i - 3), kb) is not None


def analyse_nominal(
    tok: Token,
    kb: ActorKB,
    *,
    start: int | None = None,
    end: int | None = None,
    require_head: bool = True,
) -> Mention | None:
    """A common-noun actor ("US troops", "the Iraqi parliament", "an American drone")."""
    doc = tok.doc
    cols = columns_of(doc)
    i = tok.i
    if (
        require_head
        and cols.lower[i].replace("’", "'").replace("–", "-") not in kb.sector_heads
        and cols.lemma[i].lower().replace("’", "'").replace("–", "-") not in kb.sector_heads
        and not any(cols.upper_initial[j] for j in range(cols.left_edge(i), i))
    ):
        # no sector noun at the head, and no capitalized country cue among the
        # modifiers for the modifier route below: not an actor (most nouns)
        return None
    s, e = np_extent(tok)
    start = s if start is None else max(start, min(s, tok.i))
    end = e if end is None else end
    head_hit = _phrase_at(doc, tok.i + 1, start, kb)
    if head_hit is not None and head_hit[0].kind in ("honorific", "modifier", "nonhome"):
        head_hit = None
    # without a sector noun at the head, a sector word and a country cue among the
    # modifiers make an actor ("Israeli army bulldozers")
    if (
        require_head
        and head_hit is None
        and not (_modifier_sector(doc, start, tok.i, kb) and country_cues(doc, start, tok.i, kb))
    ):
        return None
    sect = sector_of(doc, start, end, tok.i, kb)
    cues = country_cues(doc, start, tok.i, kb)
    kind = head_hit[0].kind if head_hit is not None else "thing"
    animacy = {
        "person": "person",
        "role": "person",
        "group": "group",
        "org": "org",
        "thing": "thing",
    }.get(kind, "thing")
    number = number_of(tok)
    if animacy == "person" and number == "pl":
        animacy = "group"
    if (
        animacy == "group"
        and number == "sg"
        and tok.lemma_.lower() not in ("police", "military", "crowd", "mob", "people")
    ):
        animacy = (
            "person"
            if kind in ("group", "person", "role") and _lower(tok) == _lemma(tok)
            else animacy
        )
    if sect is None and not cues:
        return None
    m = Mention(
        start,
        end,
        tok.i,
        "nominal",
        "GROUP" if animacy != "org" else "ORG",
        animacy=animacy,
        number=number,
    )
    m.name = phrase_text(doc, start, end)
    m.definite = is_definite(doc, start, tok.i)
    if sect is not None:
        m.sector, m.title = (
            sect.sector,
            (head_hit[0].phrase if head_hit is not None else sect.phrase),
        )
        m.title_kind = head_hit[0].kind if head_hit is not None else sect.kind
    if not cues and animacy in ("group", "person"):
        cues = _place_cues(tok, kb)  # "demonstrators in Baghdad", "inhabitants of the Golan"
    if cues:
        m.country, m.countries, m.country_strength = _cue_country(cues), _countries(cues), EXPLICIT
        body = _body_sector(cues)
        if body and (
            m.sector is None
            or (m.title_kind == "role" and not _modifier_sector(doc, start, tok.i, kb))
        ):
            m.sector = body  # "a Hezbollah commander" REB, "an IRGC officer" MIL
    if animacy == "org" and (m.definite or m.country):
        m.entity_key = ("NOM", m.country or "", m.sector or "", _lemma(tok))
    return m


def _place_cues(tok: Token, kb: ActorKB) -> list[Cue]:
    """Country cues in an "in/of/from <place>" phrase after a head noun for people."""
    from .context import city_table

    doc = tok.doc
    for prep in tok.rights:
        if prep.dep_ != "prep" or prep.lower_ not in ("in", "of", "from"):
            continue
        for obj in prep.children:
            if obj.dep_ != "pobj":
                continue
            o_start, o_end = np_extent(obj)
            cues = [c for c in country_cues(doc, o_start, o_end, kb) if c.entry.kind != "actor"]
            if cues:
                return cues
            ent = ent_of(obj)
            if ent is not None and ent.label_ in ("GPE", "LOC"):
                hit = city_table().get(ent.text)
                if hit is not None:
                    name = kb.country_name(hit[1]) or hit[1]
                    return [Cue(ent.start, ent.end, KBEntry(name, "GPE", hit[1], None, "city"))]
        break
    return []


def _body_sector(cues: list[Cue]) -> str | None:
    """Sector of the nearest named body among the cues ("Hezbollah", "the Pentagon")."""
    for cue in reversed(cues):
        if cue.entry.sector and cue.entry.kind in ("actor", "institution"):
            return cue.entry.sector
    return None


def _modifier_sector(doc: Doc, start: int, end: int, kb: ActorKB) -> bool:
    """Whether a sector-lexicon word (not a role or honorific) stands in ``doc[start:end]``."""
    for i in range(end, start, -1):
        hit = _phrase_at(doc, i, start, kb)
        if (
            hit is not None
            and hit[0].sector
            and hit[0].kind not in ("honorific", "modifier", "role")
        ):
            return True
    return False


def analyse_span(span: Span, kb: ActorKB) -> Mention | None:
    """Analyse an arbitrary span (a noun phrase, a token) when no mention was recorded."""
    if len(span) == 0:
        return None
    doc = span.doc
    root = span.root
    if len(span) == 1:
        start, end = np_extent(root)
    else:
        start, end = span.start, span.end
    ent = ent_of(root)
    if ent is not None and ent.label_ == "PERSON":
        return analyse_person(root, ent, kb)
    if ent is not None and ent.label_ in ("ORG", "GPE", "NORP", "FAC", "LOC"):
        named = analyse_named(root, ent, kb)
        if named is not None:
            return named
    m = analyse_nominal(root, kb, start=start, end=end, require_head=False)
    if m is None:
        cues = country_cues(doc, start, end, kb)
        if not cues:
            return None
        m = Mention(start, end, root.i, "nominal", "GROUP", animacy="thing")
        m.country, m.countries, m.country_strength = _cue_country(cues), _countries(cues), EXPLICIT
    return m
