"""``ActorIndex``: the article's actors, and resolution of any span to an ``Actor``."""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from dataclasses import astuple, dataclass
from typing import Any

import srsly
from spacy.tokens import Doc, Span

from .. import record
from ..nlp import columns_of
from .context import apply_home_country
from .coref import Cluster, cluster_mentions
from .kb import ActorKB
from .mentions import (
    MODIFIER_DEPS,
    PRONOUNS,
    Mention,
    analyse_named,
    analyse_nominal,
    analyse_person,
    analyse_span,
    np_extent,
)

NAMED_LABELS = frozenset({"ORG", "GPE", "NORP", "FAC", "LOC"})
MSGPACK_KEY = "__eventwire_actor_index__"


@dataclass(frozen=True)
class MentionRecord:
    """A mention as the index keeps it: character offsets only (picklable, no spaCy objects)."""

    start_char: int
    end_char: int
    head_start: int
    head_end: int
    kind: str
    type: str
    name: str | None
    country: str | None
    countries: tuple[str, ...]
    sector: str | None
    entity: str | None


def collect_mentions(doc: Doc, kb: ActorKB, *, use_nearest: bool = True) -> list[Mention]:
    """Every actor mention in the doc: persons, named bodies, countries, seats, nominals, pronouns."""
    mentions: list[Mention] = []
    # the entity of each token, once (walking the entity from every one of its tokens
    # was quadratic in the entity's length)
    ent_at = {i: ent for ent in doc.ents for i in range(ent.start, ent.end)}
    cols = columns_of(doc)
    lower, pos, dep = cols.lower, cols.pos, cols.dep
    for i in range(cols.n):
        if cols.is_space[i] or cols.is_punct[i]:
            continue
        low = lower[i]
        if pos[i] == "PRON" and low in PRONOUNS:
            animacy, number = PRONOUNS[low]
            mentions.append(
                Mention(i, i + 1, i, "pronoun", "PRON", name=low, animacy=animacy, number=number)
            )
            continue
        ent = ent_at.get(i)
        noun = pos[i] in ("NOUN", "PROPN")
        if not noun and ent is None:
            continue
        m: Mention | None = None
        if ent is not None and ent.label_ == "PERSON":
            if i != ent.root.i:
                continue
            m = analyse_person(doc[i], ent, kb, use_nearest=use_nearest)
        elif ent is not None and ent.label_ in NAMED_LABELS:
            if i != ent.root.i:
                continue
            m = analyse_named(doc[i], ent, kb)
        elif noun:
            if dep[i] in MODIFIER_DEPS:
                continue
            m = analyse_nominal(doc[i], kb)
        if m is not None:
            mentions.append(m)
    # entities inside a person's title are part of the title ("US Army General Mark Milley")
    titles = [(m.start, m.head) for m in mentions if m.kind == "person"]
    kept: list[Mention] = []
    for m in mentions:
        inside_title = (
            m.kind != "person"
            and m.kind != "country"
            and any(a <= m.head < h and m.end <= h + 1 for a, h in titles)
        )
        if not inside_title:
            kept.append(m)
    return kept


def other_phrases(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """Noun phrases that are not actor mentions (antecedent competitors for "it"/"they")."""
    heads = {m.head for m in mentions}
    out: list[Mention] = []
    cols = columns_of(doc)
    for i in range(cols.n):
        if cols.pos[i] not in ("NOUN", "PROPN") or i in heads or cols.dep[i] in MODIFIER_DEPS:
            continue
        tok = doc[i]
        if tok.ent_type_ in ("DATE", "TIME", "CARDINAL", "ORDINAL", "PERCENT", "MONEY", "QUANTITY"):
            continue
        start, end = np_extent(tok)
        number = "pl" if cols.tag[i] in ("NNS", "NNPS") else "sg"
        out.append(Mention(start, end, i, "other", "OTHER", animacy="thing", number=number))
    return out


#: sectors whose unnamed members act for their state (PLOVER names them by the state)
_STATE_SECTORS = frozenset({"GOV", "MIL", "COP", "LEG", "JUD", "SPY", None})


class ActorIndex:
    """The article's actors after coreference, and resolution of spans to ``Actor``.

    ``entities`` have ids ``e1, e2, ...`` in order of first mention; their ``mentions``
    are character spans in ``text_of(doc)``.
    """

    def __init__(
        self,
        entities: list[record.Entity],
        mentions: list[MentionRecord],
        kb_files: Sequence[str] = (),
    ) -> None:
        self.entities = entities
        self.mentions = mentions
        self.kb_files = tuple(kb_files)
        self._by_id = {e.id: e for e in entities}
        #: the article's home country when one was found (``context.article_country``)
        self.home_country: str | None = None

    # --------------------------------------------------------------- building
    @classmethod
    def build(
        cls, doc: Doc, kb: ActorKB | None = None, *, use_nearest: bool = True, use_home: bool = True
    ) -> ActorIndex:
        """Analyse a parsed doc. ``use_nearest``: titled persons without a country cue take
        the nearest one in their sentence; ``use_home``: unmarked actors take the article's
        home country (``context.py``)."""
        kb = kb or ActorKB.load()
        mentions = collect_mentions(doc, kb, use_nearest=use_nearest)
        # non-actor phrases only compete for pronouns
        pronouns = any(m.kind == "pronoun" for m in mentions)
        clusters = cluster_mentions(doc, mentions, other_phrases(doc, mentions) if pronouns else [])
        home = apply_home_country(doc, mentions, kb) if use_home else None
        entities, owner = _entities(doc, clusters, kb)
        records: list[MentionRecord] = []
        for m in sorted(mentions, key=lambda x: (x.start, x.head)):
            span = _trim(doc, m.start, m.end)
            head = doc[m.head]
            records.append(
                MentionRecord(
                    span.start_char,
                    span.end_char,
                    head.idx,
                    head.idx + len(head.text),
                    m.kind,
                    m.type,
                    m.name,
                    m.country,
                    tuple(m.countries),
                    m.sector,
                    owner.get(id(m)),
                )
            )
        index = cls(entities, records, kb.files)
        index.home_country = home
        return index

    # --------------------------------------------------------------- serialization
    def to_dict(self) -> dict[str, Any]:
        """Plain data (JSON/msgpack-safe); :meth:`from_dict` restores the index."""
        return {
            MSGPACK_KEY: True,
            "entities": [e.model_dump(mode="json") for e in self.entities],
            "mentions": [list(astuple(m)) for m in self.mentions],
            "kb_files": list(self.kb_files),
            "home_country": self.home_country,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ActorIndex:
        entities = [record.Entity.model_validate(e) for e in data.get("entities", [])]
        mentions = []
        for row in data.get("mentions", []):
            values = list(row)
            values[7] = values[7] if values[7] is None else str(values[7])
            values[8] = tuple(values[8] or ())
            mentions.append(MentionRecord(*values))
        index = cls(entities, mentions, data.get("kb_files", ()))
        index.home_country = data.get("home_country")
        return index

    # --------------------------------------------------------------- queries
    def entity(self, entity_id: str | None) -> record.Entity | None:
        return self._by_id.get(entity_id) if entity_id else None

    def entity_at(self, start_char: int, end_char: int) -> record.Entity | None:
        """The entity with a mention at these offsets: exact, else containing, else overlapping."""
        best: tuple[int, record.Entity] | None = None
        for ent in self.entities:
            for s, e in ent.mentions:
                if s == start_char and e == end_char:
                    return ent
                if s < end_char and start_char < e:
                    rank = 1 if s <= start_char and end_char <= e else 2
                    if best is None or rank < best[0]:
                        best = (rank, ent)
        return best[1] if best else None

    def _by_head(self) -> tuple[list[MentionRecord], list[int]]:
        """Mentions sorted by head start, with the starts (built once per index)."""
        cached = getattr(self, "_head_index", None)
        if cached is None or len(cached[0]) != len(self.mentions):
            order = sorted(self.mentions, key=lambda m: m.head_start)
            cached = (order, [m.head_start for m in order])
            self._head_index = cached
        return cached

    def _mention_for(self, span: Span) -> MentionRecord | None:
        root = span.root
        r_start = root.idx
        # mentions whose head starts inside the span, found by bisection (a linear scan
        # per resolved span made long articles quadratic)
        order, heads = self._by_head()
        lo = bisect.bisect_left(heads, span.start_char)
        hi = bisect.bisect_left(heads, span.end_char)
        inside = [m for m in (order[k] for k in range(lo, hi)) if m.head_end <= span.end_char]
        for m in inside:
            if m.head_start == r_start:
                return m
        if inside:
            # the widest mention in the span (a phrase's own mention before its modifiers')
            return max(inside, key=lambda m: (m.end_char - m.start_char, -m.start_char))
        containing = [
            m
            for m in self.mentions
            if m.start_char <= span.start_char and span.end_char <= m.end_char
        ]
        if containing:
            return min(containing, key=lambda m: m.end_char - m.start_char)
        return None

    def _actor(self, span: Span, m: MentionRecord) -> record.Actor:
        ent = self.entity(m.entity)
        if ent is not None:
            return record.Actor(
                text=span.text,
                name=ent.name,
                country=ent.country if ent.country else m.country,
                sector=ent.sector if ent.sector else m.sector,
                entity=ent.id,
                span=(span.start_char, span.end_char),
            )
        kb = ActorKB.load(self.kb_files)
        name = m.name
        if m.kind in ("nominal",) and m.type != "ORG" and m.country and m.sector in _STATE_SECTORS:
            # "US troops", "an American drone": the state acts; "12 people" stay people
            name = kb.country_name(m.country) or name
        return record.Actor(
            text=span.text,
            name=name,
            country=m.country,
            sector=m.sector,
            span=(span.start_char, span.end_char),
        )

    def resolve(self, span: Span) -> record.Actor | None:
        """Any noun phrase, pronoun or token span -> ``Actor`` (None when it names no actor)."""
        try:
            if len(span) == 0:
                return None
            m = self._mention_for(span)
            if m is not None:
                if m.kind == "pronoun" and m.entity is None:
                    return record.Actor(text=span.text, span=(span.start_char, span.end_char))
                return self._actor(span, m)
            kb = ActorKB.load(self.kb_files)
            fresh = analyse_span(span, kb)
            if fresh is None:
                return None
            return self._actor(span, _record(span.doc, fresh))
        except (IndexError, ValueError, AttributeError):
            return None

    def resolve_all(self, span: Span) -> list[record.Actor]:
        """Like :meth:`resolve`, one actor per conjunct: "US and Iraqi forces" -> two actors."""
        try:
            if len(span) == 0:
                return []
            doc = span.doc
            root = span.root
            conjuncts = [root]
            stack = [root]
            while stack:
                cur = stack.pop()
                for child in cur.children:
                    if (
                        child.dep_ == "conj"
                        and span.start <= child.i < span.end
                        and child.pos_ in ("NOUN", "PROPN")
                    ):
                        conjuncts.append(child)
                        stack.append(child)
            if len(conjuncts) > 1:
                actors: list[record.Actor] = []
                for c in sorted(conjuncts, key=lambda t: t.i):
                    s, e = np_extent(c)
                    if c.i == root.i:
                        # the root's own phrase stops before its first conjunct
                        first_conj = (
                            min(x.i for x in conjuncts if x.i != root.i and x.i > root.i)
                            if any(x.i > root.i for x in conjuncts if x.i != root.i)
                            else e
                        )
                        e = min(e, first_conj)
                        s = max(s, span.start)
                    sub = doc[max(s, span.start) : min(e, span.end)]
                    actor = self.resolve(sub) if len(sub) else None
                    if actor is not None:
                        actors.append(actor)
                return actors
            single = self.resolve(span)
            if single is None:
                return []
            m = self._mention_for(span)
            countries = list(m.countries) if m is not None and m.entity is None else []
            if m is None:
                fresh = analyse_span(span, ActorKB.load(self.kb_files))
                countries = list(fresh.countries) if fresh is not None else []
            if len(countries) > 1 and _coordinated(span):
                kb = ActorKB.load(self.kb_files)
                return [
                    single.model_copy(
                        update={"country": code, "name": kb.country_name(code) or single.name}
                    )
                    for code in countries
                ]
            return [single]
        except (IndexError, ValueError, AttributeError):
            return []


def _trim(doc: Doc, start: int, end: int) -> Span:
    """A mention's span without a trailing possessive or punctuation ("Iran’s" -> "Iran")."""
    while end > start + 1 and (
        doc[end - 1].tag_ == "POS" or doc[end - 1].is_punct or doc[end - 1].is_space
    ):
        end -= 1
    return doc[start:end]


def _coordinated(span: Span) -> bool:
    return any(t.dep_ in ("cc", "conj") for t in span)


def _record(doc: Doc, m: Mention) -> MentionRecord:
    span = _trim(doc, m.start, m.end)
    head = doc[m.head]
    return MentionRecord(
        span.start_char, span.end_char, head.idx, head.idx + len(head.text), m.kind, m.type, m.name,
        m.country, tuple(m.countries), m.sector, None,
    )  # fmt: skip


def _entities(
    doc: Doc, clusters: list[Cluster], kb: ActorKB
) -> tuple[list[record.Entity], dict[int, str]]:
    """Entity records, ids in order of first mention; and mention -> entity id."""
    usable = [c for c in clusters if any(m.kind != "pronoun" for m in c.mentions)]
    usable.sort(key=lambda c: min(m.start for m in c.mentions))
    entities: list[record.Entity] = []
    owner: dict[int, str] = {}
    for number, cluster in enumerate(usable, 1):
        eid = f"e{number}"
        named = [m for m in cluster.mentions if m.kind != "pronoun"]
        first = min(named, key=lambda m: m.start)
        persons = [m for m in named if m.kind == "person"]
        if persons:
            first = persons[0]
            best = max(persons, key=lambda m: (len(m.name_tokens), -m.start))
            name = best.name or ""
        elif first.kind == "country":
            name = kb.country_name(first.country) or first.name or ""
        else:
            name = first.name or doc[first.start : first.end].text
        strongest = max((m.country_strength for m in named), default=0)
        country = next(
            (
                m.country
                for m in sorted(named, key=lambda x: x.start)
                if m.country and m.country_strength == strongest
            ),
            None,
        )
        sector = next(
            (
                m.sector
                for m in sorted(named, key=lambda x: x.start)
                if m.sector and m.kind != "country"
            ),
            None,
        )
        if first.kind == "country":
            sector = None
        typ = first.type if first.type != "PRON" else "GROUP"
        spans: list[tuple[int, int]] = []
        for m in sorted(cluster.mentions, key=lambda x: x.start):
            span = _trim(doc, m.start, m.end)
            spans.append((span.start_char, span.end_char))
            owner[id(m)] = eid
        spans = sorted(set(spans))
        entities.append(
            record.Entity(
                id=eid, name=name, type=typ, country=country, sector=sector, mentions=spans
            )
        )
    return entities, owner


# ``Doc.to_bytes`` (and so ``nlp.pipe(n_process>1)``) serializes ``doc._.actors`` with msgpack.
def _encode(obj: Any, chain: Callable[[Any], Any] | None = None) -> Any:
    if isinstance(obj, ActorIndex):
        return obj.to_dict()
    return obj if chain is None else chain(obj)


def _decode(obj: Any, chain: Callable[[Any], Any] | None = None) -> Any:
    if isinstance(obj, dict) and obj.get(MSGPACK_KEY) is True:
        return ActorIndex.from_dict(obj)
    return obj if chain is None else chain(obj)


srsly.msgpack_encoders.register("eventwire_actor_index", func=_encode)
srsly.msgpack_decoders.register("eventwire_actor_index", func=_decode)
