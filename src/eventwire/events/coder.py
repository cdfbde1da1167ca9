"""The event coder: trigger matching, arguments, factuality, date, place, source.

For each sentence token the coder looks the token's lemma up in the trigger
lexicon (``data/events/triggers.tsv``), keeps the entries whose constraints hold
(particles / prepositions / objects named in ``with``; object classes), and
builds one mention per trigger. Mentions of the same type that are directly
linked in the parse ("killed in an air strike", "a strike ... who killed") are
merged into one, the verb keeping the arguments and the noun adding its cues.
Each mention then gets its actor and target (``arguments``), resolved to
actors through ``doc._.actors``; its factuality (``factuality``); mode, CAMEO
code and confidence; date and place from the expressions linked to the trigger,
else the sentence, else another mention of the same action (``coref``), else the
publication date / dateline; and its source (the speaker of an enclosing quote
or reported clause).
"""

from __future__ import annotations

import bisect
import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy
from spacy.tokens import Doc, Span, Token

from ..actors.mentions import STATE_SECTORS
from ..nlp import columns_of, sentence_of, text_of
from ..places import linked_place
from ..record import (
    INTERNATIONAL_CODES,
    Actor,
    Attribution,
    Event,
    Location,
    Place,
    Quote,
    Segment,
    Time,
    Trigger,
)
from ..times import is_explicit, linked_time
from . import arguments as arg
from .discourse import discourse_words
from .factuality import ASSERTED, Factuality, FactualityCues, factuality
from .lexicon import Lexicon, TriggerEntry, load_lexicon

#: sectors whose actions take place where the institution sits
_DOMESTIC_SECTORS = frozenset({"GOV", "LEG", "JUD", "COP", "PTY", "OPP"})
#: first-person pronouns: inside a quote they stand for its speaker
_FIRST_PERSON = frozenset({"i", "me", "my", "we", "us", "our"})
_SKIP_DEPS = frozenset(
    {"compound", "amod"}
)  # a trigger word used as a modifier ("attack helicopters")


class _SpanIndex:
    """Items with a ``span``, sorted by start, for range queries in O(log n)."""

    def __init__(self, items: Sequence[Any]) -> None:
        self.items = sorted(items, key=lambda x: x.span[0])
        self.starts = [x.span[0] for x in self.items]

    def between(self, lo: int, hi: int) -> list[Any]:
        """Items starting in ``[lo, hi)``."""
        return self.items[bisect.bisect_left(self.starts, lo) : bisect.bisect_left(self.starts, hi)]


@dataclass
class Mention:
    """One trigger with what was found about it (internal)."""

    token: Token
    entry: TriggerEntry
    args: arg.Arguments = field(default_factory=arg.Arguments)
    extra_tokens: list[Token] = field(default_factory=list)  # merged same-event words
    fact: Factuality = field(default_factory=Factuality)
    mode: str | None = None
    segment: str | None = None
    background: bool = False
    #: the date came from a time expression syntactically linked to the trigger
    dated_here: bool = False
    #: the event model's decision (``events.model.Decision``), when the model chose it
    decision: Any = None

    @property
    def sent(self) -> Span:
        return sentence_of(self.token)


class EventCoder:
    """The ``eventwire_events`` spaCy component."""

    def __init__(
        self,
        trigger_files: Sequence[str] = (),
        min_confidence: float = 0.0,
        model: str | None = None,
    ) -> None:
        """``model``: ``None`` or ``"off"`` for the rules alone, ``"default"`` for the
        shipped event model, or the path of a weights file (``make train``)."""
        self.lexicon: Lexicon = load_lexicon([*trigger_files] if trigger_files else None)
        self.model: Any = None
        if model not in (None, "", "off", "none"):
            from .model import EventModel

            self.model = EventModel(None if model == "default" else model)
        discourse = discourse_words()
        base = self.lexicon.factuality_cues()
        self.cues: FactualityCues = dataclasses.replace(
            base,
            hypothetical=base.hypothetical | discourse.get("hypothetical", frozenset()),
            future=base.future | discourse.get("future", frozenset()),
            negative_subjects=discourse.get("negative_subject", frozenset()),
            future_preps=discourse.get("future_prep", frozenset()),
        )
        self.min_confidence = min_confidence
        self.background = discourse.get("background", frozenset())
        self.reversal = discourse.get("reversal", frozenset())
        self.interview = discourse.get("interview", frozenset())
        self.observer = discourse.get("observer", frozenset())
        self.sequence = discourse.get("sequence", frozenset())
        self.compound_adjective = discourse.get("compound_adjective", frozenset())
        self.implicit_actors = _implicit_actors()
        self._candidate_cache: tuple[Doc | None, dict[int, list[TriggerEntry]]] = (None, {})
        self._hashes: dict[str, Any] = {}  # word-list hashes for _positions
        self._quote_index: tuple[list[Quote], _QuoteIndex] | None = None
        #: per-doc indexes while a doc is coded: times, places, paragraph starts, focus place
        self._doc_view: tuple[_SpanIndex, _SpanIndex, list[int], Place | None] | None = None

    # ----------------------------------------------------------------- matching
    def _segment_of(self, doc: Doc, segments: list[Segment], token: Token) -> str | None:
        for seg in segments:
            if seg.span[0] <= token.idx < seg.span[1]:
                return seg.kind
        return None

    def candidates(self, token: Token) -> list[TriggerEntry]:
        """Lexicon entries whose constraints hold for this token (memoised per doc)."""
        cache = self._candidate_cache
        if cache[0] is not token.doc:
            self._candidate_cache = cache = (token.doc, {})
        found = cache[1].get(token.i)
        if found is None:
            found = cache[1][token.i] = self._candidates(token)
        return found

    def _candidates(self, token: Token) -> list[TriggerEntry]:
        heads = self.lexicon.head_words
        if token.lemma_.lower() not in heads and token.lower_ not in heads:
            return []  # most tokens: no entry can match
        if token.dep_ in _SKIP_DEPS or (token.dep_ == "conj" and token.head.dep_ in _SKIP_DEPS):
            return []  # "attack helicopters", "the fortified zone", "frightened and intimidated"
        nxt = token.nbor(1) if token.i + 2 < len(token.doc) else None
        if nxt is not None and nxt.text == "-" and nxt.nbor(1).lower_ in self.compound_adjective:
            return []  # "riot-torn", "war-ravaged", "strike-hit"
        pos = (
            "VERB"
            if token.pos_ in ("VERB", "AUX")
            else "NOUN"
            if token.pos_ in ("NOUN", "PROPN")
            else None
        )
        if pos is None:
            return []
        if token.ent_type_ in ("DATE", "TIME"):
            return []  # "in March", "Monday's march" as a date
        lemma, pos = self.lexicon.fixed_lemma(token.lower_, token.lemma_, pos)
        entries = list(self.lexicon.lookup(lemma, pos))
        if not entries and pos == "NOUN" and token.tag_ == "VBG":
            entries = list(self.lexicon.lookup(lemma, "VERB"))
        if not entries and token.lower_ != lemma:
            entries = list(self.lexicon.lookup(token.lower_, pos))
        ok = [e for e in entries if self._constraints_hold(token, e)]
        if pos == "NOUN" and token.dep_ in ("dobj", "pobj"):
            # a support verb may fix the type: "went on strike" is a protest
            verb = token.head if token.dep_ == "dobj" else token.head.head
            words = {c.lower_ for c in verb.children if c.dep_ in ("prt", "prep")} | {
                token.head.lower_
            }
            lights = [
                lv for lv in self.lexicon.light_verb(verb.lemma_.lower())
                if lv.types and all(w in words for w in lv.with_words)
            ]  # fmt: skip
            if lights:
                typed = [e for e in ok if any(lv.allows(e.type) for lv in lights)]
                ok = typed or ok
        # the most specific entries first: more required words, then prior weight
        ok.sort(key=lambda e: (-e.specificity, -e.weight))
        return ok

    def _attached_words(self, token: Token) -> set[str]:
        words: set[str] = set()
        for c in token.children:
            words.add(c.lemma_.lower())
            words.add(c.lower_)
            if c.dep_ in ("prt", "dobj", "prep", "compound", "amod", "agent"):
                for cc in c.children:
                    if cc.dep_ in ("prep", "prt", "compound", "pobj"):
                        words.add(cc.lemma_.lower())
                        words.add(cc.lower_)
        return words

    def _argument_words(self, token: Token) -> list[tuple[str, str]]:
        """(lemma, entity label) of the object-like arguments a class constraint reads."""
        objs: list[Token] = []
        for c in token.children:
            if c.dep_ in ("dobj", "nsubjpass", "attr", "oprd", "dative"):
                objs.append(c)
            elif c.dep_ in ("prep", "agent") and c.lower_ in (
                "from",
                "of",
                "out",
                "to",
                "for",
                "on",
                "against",
                "into",
                "at",
                "with",
            ):
                objs.extend(x for x in c.children if x.dep_ in ("pobj", "pcomp"))
            elif c.dep_ == "prt":
                for x in c.children:
                    if x.dep_ == "prep":
                        objs.extend(y for y in x.children if y.dep_ == "pobj")
        if token.dep_ in ("acl", "relcl") and token.head.pos_ in ("NOUN", "PROPN", "PRON"):
            objs.append(token.head)
        if token.pos_ in ("NOUN", "PROPN"):
            # a nominal trigger's own modifiers and actor ("hunger strike", "teachers' strike",
            # "a strike by workers")
            objs.extend(c for c in token.children if c.dep_ in ("compound", "amod", "poss"))
            for c in token.children:
                if c.dep_ == "prep" and c.lower_ == "by":
                    objs.extend(x for x in c.children if x.dep_ == "pobj")
        elif not any(c.dep_ in ("dobj", "nsubjpass") for c in token.children):
            # an active verb without object: its subject ("US troops will leave", "miners struck")
            objs.extend(c for c in token.children if c.dep_ == "nsubj")
        pairs: list[tuple[str, str]] = []
        for o in list(objs):
            # "200 tonnes of food aid", "a convoy of trucks"
            for c in o.children:
                if c.dep_ == "prep" and c.lower_ == "of":
                    objs.extend(x for x in c.children if x.dep_ == "pobj")
        for o in objs:
            pairs.append((o.lemma_.lower(), o.ent_type_))
            for x in o.children:
                if x.dep_ in ("compound", "amod", "conj"):
                    pairs.append((x.lemma_.lower(), x.ent_type_))
        return pairs

    def _constraints_hold(self, token: Token, entry: TriggerEntry) -> bool:
        if entry.required_words:
            attached = self._attached_words(token)
            if not all(w in attached for w in entry.required_words):
                return False
        if entry.needs_clausal_complement and not any(c.dep_ == "xcomp" for c in token.children):
            return False
        if entry.needs_no_object and any(c.dep_ in ("dobj",) for c in token.children):
            return False
        if entry.obj_class or entry.not_obj_class:
            if entry.not_obj_class and any(
                # the clausal complement's verb can cancel too: "declined to comment"
                c.dep_ == "xcomp" and self.lexicon.in_any(entry.not_obj_class, c.lemma_.lower())
                for c in token.children
            ):
                return False
            words = self._argument_words(token)
            if entry.needs_clausal_complement and entry.obj_class:
                # ... and satisfy a construction's class: "failed to appear"
                words += [(c.lemma_.lower(), "") for c in token.children if c.dep_ == "xcomp"]
            return self.lexicon.arguments_fit(entry, words)
        return True

    # ----------------------------------------------------------------- assembly
    def find_mentions(self, doc: Doc) -> list[Mention]:
        if self.model is not None:
            return self._model_mentions(doc)
        segments: list[Segment] = doc._.segments or []
        mentions: list[Mention] = []
        # only tokens whose form or lemma heads some entry (found on the doc's hash arrays:
        # building a Python Token for every word was the stage's main cost)
        for i in _positions(doc, self.lexicon.head_words, self._hashes, "triggers"):
            token = doc[i]
            if token.is_punct or token.is_space:
                continue
            seg = self._segment_of(doc, segments, token)
            if seg in ("boilerplate", "credit", "dateline"):
                continue
            entries = self.candidates(token)
            if not entries or self._interview_frame(token):
                continue
            m = Mention(token=token, entry=entries[0], segment=seg)
            mentions.append(m)
        return self._merge(mentions)

    def _model_mentions(self, doc: Doc) -> list[Mention]:
        """The words the event model accepts, merged as the rules' mentions are."""
        mentions = []
        for cand, entry, decision in self.model.decide(doc, self):
            if self._interview_frame(cand.token):
                continue
            mentions.append(
                Mention(token=cand.token, entry=entry, segment=cand.segment, decision=decision)
            )
        return self._merge(mentions)

    def _interview_frame(self, token: Token) -> bool:
        """ "Speaking to the Times, X said", "X, when contacted, said": the talk that frames
        a statement is sourcing, not a meeting (``discourse.tsv`` kind ``interview``)."""
        if token.lemma_.lower() not in self.interview or token.dep_ not in (
            "advcl",
            "acl",
            "relcl",
        ):
            return False
        head = token.head
        if head.dep_ in arg.SUBJECTS and token.dep_ in ("acl", "relcl"):
            head = head.head  # "The minister, speaking to reporters, said"
        return head.lemma_.lower() in self.cues.speech

    def _merge(self, mentions: list[Mention]) -> list[Mention]:
        """Merge same-type mentions that are directly linked in the parse."""
        by_token = {m.token.i: m for m in mentions}
        dropped: set[int] = set()
        for m in mentions:
            if m.token.i in dropped:
                continue
            for other_i in [*self._linked(m.token), *_continued(m, mentions)]:
                o = by_token.get(other_i)
                if o is None or o is m or o.token.i in dropped or o.entry.type != m.entry.type:
                    continue
                if self._in_sequence(m.token, o.token):
                    continue  # "lathicharged and then fired teargas": two actions
                # keep the verb (it carries the arguments); the noun adds its cues
                keep, drop = (m, o) if _is_verbal(m.token) or not _is_verbal(o.token) else (o, m)
                keep.extra_tokens.append(drop.token)
                dropped.add(drop.token.i)
        return [m for m in mentions if m.token.i not in dropped]

    def _in_sequence(self, a: Token, b: Token) -> bool:
        """Two conjoined verbs whose second is marked as coming later ("then", "later")."""
        if b.dep_ == "conj" and b.head.i == a.i:
            second = b
        elif a.dep_ == "conj" and a.head.i == b.i:
            second = a
        else:
            return False
        return any(c.dep_ == "advmod" and c.lower_ in self.sequence for c in second.children)

    @staticmethod
    def _linked(token: Token) -> list[int]:
        """Tokens one link away (through a preposition, a support verb or a relative clause)."""
        out = [token.head.i]
        if token.head.pos_ == "ADP":
            out.append(token.head.head.i)
        for c in token.children:
            out.append(c.i)
            if c.pos_ == "ADP" or c.dep_ in ("prep", "agent"):
                out.extend(x.i for x in c.children if x.dep_ == "pobj")
        if token.dep_ == "relcl":
            out.append(token.head.i)
        if token.dep_ in arg.OBJECTS:
            # "carried out a strike": the support verb
            out.append(token.head.i)
        if token.pos_ in ("NOUN", "PROPN"):
            out.extend(_describing_clauses(token))
        return out

    def __call__(self, doc: Doc) -> Doc:
        mentions = self.find_mentions(doc)
        actors = doc._.actors
        times: list[Time] = doc._.times or []
        places: list[Place] = doc._.places or []
        quotes: list[Quote] = doc._.quotes or []
        events: list[Event] = []
        home = getattr(actors, "home_country", None) or home_country(doc)
        text = text_of(doc)
        self._doc_view = (
            _SpanIndex(times),
            _SpanIndex(places),
            [0, *[i + 2 for i in _find_all(text, "\n\n")]],
            focus_place(doc, places),
        )
        for n, m in enumerate(mentions, 1):
            events.append(self._code(doc, m, f"v{n}", actors, times, places, quotes, home))
        self._reported_demands(doc, events, actors, times, places, quotes, mentions, home)
        from .coref import link_mentions

        link_mentions(events, doc)
        _share_entity_countries(events, actors)
        _targets_through_events(events)
        self._actors_through_means(events, doc)
        if self.model is None:
            # the model read these cues (definite, background, reference) itself
            self._discount_references(events, mentions)
        events = [e for e in events if e.confidence >= self.min_confidence]
        for n, ev in enumerate(events, 1):
            ev.id = f"v{n}"
        by_start = sorted(events, key=lambda e: (e.trigger.span[0], int(e.id[1:])))
        starts = [e.trigger.span[0] for e in by_start]
        for q in quotes:
            lo, hi = bisect.bisect_left(starts, q.span[0]), bisect.bisect_left(starts, q.span[1])
            inside = [e for e in by_start[lo:hi] if e.trigger.span[1] <= q.span[1]]
            q.events = [e.id for e in sorted(inside, key=lambda e: int(e.id[1:]))]
        doc._.events = events
        self._candidate_cache = (None, {})  # do not keep the doc alive
        self._quote_index = None
        self._doc_view = None
        return doc

    # ----------------------------------------------------------------- one event
    def _resolve(self, actors: Any, span: Span | None) -> Actor | None:
        if span is None or len(span) == 0:
            return None
        if actors is None:
            return Actor(text=span.text, name=span.text, span=(span.start_char, span.end_char))
        try:
            resolved: Actor | None = actors.resolve(span)
        except Exception:
            resolved = None
        if resolved is None and any(t.pos_ in ("NOUN", "PROPN", "PRON") for t in span):
            # keep the words even when they name no known actor ("two men")
            resolved = Actor(text=span.text, span=(span.start_char, span.end_char))
        return resolved

    def _code(
        self,
        doc: Doc,
        m: Mention,
        eid: str,
        actors: Any,
        times: list[Time],
        places: list[Place],
        quotes: list[Quote],
        home: str | None = None,
    ) -> Event:
        entry = m.entry
        tok = m.token
        verbal = _is_verbal(tok)
        if verbal:
            m.args = arg.verbal_arguments(
                tok,
                entry.type,
                entry.required_words,
                self.lexicon.classes.get("FORCES", frozenset()),
                exclude=frozenset(t.i for t in m.extra_tokens),
            )
            if m.args.target is None:
                # "shot and killed X": a merged verb may carry the object
                for extra in m.extra_tokens:
                    if _is_verbal(extra):
                        other = arg.verbal_arguments(extra, entry.type, entry.required_words)
                        if other.target is not None:
                            m.args.target = other.target
                            break
        else:
            m.args = arg.nominal_arguments(
                tok, entry.type, entry.required_words, self._is_support_verb
            )
        actor = self._resolve(actors, m.args.actor.span) if m.args.actor else None
        target = self._resolve(actors, m.args.target.span) if m.args.target else None
        actor_path = m.args.actor.path if m.args.actor else None
        # a weapon or strike stands for whoever used it: "by an American drone",
        # "in a US air strike", "a US drone strike killed ..."
        if actor is None or (actor.country is None and actor.entity is None):
            weapons = self.lexicon.classes.get("WEAPON", frozenset())
            instruments = [
                t for t in m.args.instruments
                if t in m.extra_tokens or t.lemma_.lower() in weapons
                or t.head.lower_ == "by" or self.candidates(t)
            ]  # fmt: skip
            for inst in [*m.extra_tokens, *instruments, *([tok] if not verbal else [])]:
                span = arg.premodifier_span(inst) if inst.pos_ in ("NOUN", "PROPN") else None
                if inst in instruments:
                    span = arg.noun_phrase(inst)
                cand = self._resolve(actors, span) if span is not None else None
                if cand is not None and (cand.country or cand.entity):
                    actor, actor_path = cand, f"instrument:{inst.text}"
                    break
            # a noun trigger that is the subject of its own verb: "a US drone strike killed"
            if actor is None and verbal:
                subj = next((c for c in tok.children if c.dep_ in arg.SUBJECTS), None)
                if subj is not None:
                    span = arg.premodifier_span(subj)
                    cand = self._resolve(actors, span)
                    if cand is not None and (cand.country or cand.entity):
                        actor, actor_path = cand, "nsubj>premodifier"
        if target is None and entry.type in ("ASSAULT", "COERCE") and verbal:
            # "fired tear gas to disperse the crowd": the purpose clause names the target
            purpose = next(
                (
                    c
                    for c in tok.children
                    if c.dep_ in ("advcl", "xcomp") and any(a.lower_ == "to" for a in c.children)
                ),
                None,
            )
            obj = (
                next((c for c in purpose.children if c.dep_ == "dobj"), None)
                if purpose is not None
                else None
            )
            if obj is not None:
                target = self._resolve(actors, arg.noun_phrase(obj))
        if (
            verbal
            and m.args.actor is not None
            and (actor is None or not (actor.country or actor.entity))
        ):
            # "two small bombs exploded", "attacked by swords": a weapon is not the actor
            weapons = self.lexicon.classes.get("WEAPON", frozenset())
            if arg.content_head(m.args.actor.token).lemma_.lower() in weapons:
                actor = None
        if actor is None:
            actor = (
                self._implicit_actor(tok, entry, home)
                if verbal
                else self._implicit_nominal(entry, home)
            )
            if actor is not None:
                actor_path = "implicit"
        if actor is not None and actor.country is None and verbal:
            # "visited Washington as Burma's de facto leader": the role names the country
            role = arg._prep_object(tok, ("as",))
            if role is not None:
                cand = self._resolve(actors, arg.noun_phrase(role[0]))
                if cand is not None and cand.country:
                    actor = actor.model_copy(
                        update={"country": cand.country, "sector": actor.sector or cand.sector}
                    )
        actor = self._first_person(actor, tok, quotes, actors)
        target = self._first_person(target, tok, quotes, actors)
        people = self.lexicon.classes.get("PEOPLE", frozenset())
        actor = _with_home_country(actor, home, people)
        target = _with_home_country(target, home, people)
        target = _own_institution(target, actor)
        m.fact = factuality(tok, self.cues)
        if m.decision is not None:
            # the model's factuality, which read the cues above among its features
            m.fact = Factuality(label=m.decision.factuality, cues=m.fact.cues)
        m.mode = entry.mode or self._mode(m)
        sent = sentence_of(tok)
        trig_start = tok.idx
        trig_end = tok.idx + len(tok.text)
        for w in entry.required_words:
            # include a particle/preposition that follows the verb in the trigger span ("calling on")
            for c in tok.children:
                if c.lemma_.lower() == w and c.dep_ in ("prt", "prep") and c.i == tok.i + 1:
                    trig_end = c.idx + len(c.text)
        time, date_source = self._date(doc, m, times)
        location, loc_source = self._place(doc, m, places, actor, home)
        m.background = self._is_background(tok)
        source = self._source(doc, tok, quotes)
        confidence = (
            m.decision.confidence if m.decision is not None else self._confidence(m, actor, target)
        )
        explain: dict[str, Any] | None = None
        if doc._.explain:
            explain = {
                "rule": f"{entry.type} {entry.pos.lower()} '{entry.lemma}'"
                + (f" + {' '.join(entry.with_words)}" if entry.with_words else ""),
                "source_file": entry.origin,
                "actor_path": actor_path,
                "target_path": m.args.target.path if m.args.target else None,
                "factuality_cues": m.fact.cues,
                "merged": [t.text for t in m.extra_tokens],
            }
            if m.decision is not None:
                explain["model"] = {
                    "probability": m.decision.probability,
                    "p_asserted": m.decision.p_asserted,
                    "top_features": [[name, w] for name, w in m.decision.reasons],
                }
        return Event(
            id=eid,
            type=entry.type,  # type: ignore[arg-type]
            mode=m.mode,
            cameo=entry.cameo,
            actor=actor,
            target=target,
            date=time,
            date_source=date_source,  # type: ignore[arg-type]
            location=location,
            location_source=loc_source,  # type: ignore[arg-type]
            factuality=m.fact.label,  # type: ignore[arg-type]
            source=source,
            trigger=Trigger(text=text_of(doc)[trig_start:trig_end], span=(trig_start, trig_end)),
            sentence_span=(sent.start_char, sent.end_char),
            confidence=confidence,
            segment=m.segment,  # type: ignore[arg-type]
            explain=explain,
        )

    def _mode(self, m: Mention) -> str | None:
        words: set[str] = set()
        for t in [m.token, *m.extra_tokens, *m.args.instruments]:
            words.add(t.lemma_.lower())
            words.add(t.lower_)
            for c in t.children:
                if c.dep_ in ("compound", "amod", "nmod") or (
                    c.dep_ in ("prep", "agent") and t is not m.token
                ):
                    words.add(c.lemma_.lower())
                    words.add(c.lower_)
            for c in t.children:
                if c.dep_ in ("prep", "agent") and c.lower_ in ("by", "with", "in", "using"):
                    for o in c.children:
                        if o.dep_ == "pobj":
                            words.add(o.lemma_.lower())
                            words.update(
                                x.lemma_.lower()
                                for x in o.children
                                if x.dep_ in ("compound", "amod")
                            )
        return self.lexicon.mode_for(m.entry.type, words)

    def _date(self, doc: Doc, m: Mention, times: list[Time]) -> tuple[str | None, str | None]:
        sent = sentence_of(m.token)
        view = self._view(doc, times, [])
        text = text_of(doc)
        quoted = _direct_quote_spans(doc)
        home = _quote_at(quoted, m.token.idx)
        in_sentence = view[0].between(sent.start_char, sent.end_char)
        linked = linked_time(m.token, in_sentence)
        if linked is None:
            for extra in m.extra_tokens:
                linked = linked_time(extra, in_sentence)
                if linked:
                    break
        if linked is not None and not _is_point(linked):
            linked = None
        # a date inside the trigger's own phrase ("Saturday's attack") names the action
        # referred to; it adds nothing of its own
        own = arg.noun_phrase(m.token) if not _is_verbal(m.token) else None
        m.dated_here = linked is not None and not (
            own is not None and own.start_char <= linked.span[0] < own.end_char
        )
        if linked is None:
            # the only time of the sentence, unless another clause governs it ("deployed
            # where rebels had hid in 1992", "pledged to join protests this summer") or it
            # is on the other side of a quotation mark
            same = [
                t for t in in_sentence
                if _is_point(t) and not _bounds_interval(text, t)
                and _quote_at(quoted, t.span[0]) == home
                and not _governed_elsewhere(m.token, t)
            ]  # fmt: skip
            if len(same) == 1:
                linked = same[0]
        if linked is None and m.fact.label == ASSERTED:
            # temporal focus: the last date stated in the sentences just before, in the
            # same paragraph ("since Friday", "until Monday" bound a state, they do not
            # date the next action; a date inside a quote stays with the quote)
            # (without a publication date to fall back on, anywhere in the paragraph)
            para_start = _paragraph_start(view[2], m.token.idx)
            lo = para_start
            if getattr(doc._.article, "date", None) is not None:
                lo = max(para_start, _focus_start(m.token, FOCUS_SENTENCES))
            before = [
                t for t in view[0].between(lo, sent.start_char)
                if _is_point(t) and not _bounds_interval(text, t)
                and _quote_at(quoted, t.span[0]) in (None, home)
            ]  # fmt: skip
            if before:
                linked = before[-1]
        if linked is not None and linked.value:
            value = event_date_value(linked.value)
            if value is not None:
                return value, "explicit" if is_explicit(linked) else "relative"
        article = doc._.article
        pub = getattr(article, "date", None)
        if pub is not None:
            return pub.isoformat(), "article"
        return None, None

    def _place(
        self,
        doc: Doc,
        m: Mention,
        places: list[Place],
        actor: Actor | None,
        home: str | None = None,
    ) -> tuple[Location | None, str | None]:
        # a place named inside the actor's or target's own phrase ("a commander seen as
        # Iran's most powerful figure") says who they are, not where the action was
        sent = sentence_of(m.token)
        view = self._view(doc, [], places)
        in_sentence = [
            p for p in view[1].between(sent.start_char, sent.end_char) if not _inside_args(p, m)
        ]
        linked = linked_place(m.token, in_sentence)
        if linked is None:
            for extra in [*m.extra_tokens, *m.args.instruments]:
                linked = linked_place(extra, in_sentence)
                if linked:
                    break
        source = "sentence"
        if linked is None:
            # a place named in the sentence, unless it is the actor's or target's own name,
            # a person's state ("McConnell (Ky.)") or a possessor ("Burma's leader"): the
            # finest and then the nearest to the trigger
            text = text_of(doc)
            same = [p for p in in_sentence if p.name and not _describes_someone(text, p)]
            if len(same) == 1 or (same and all(p.country == same[0].country for p in same)):
                at = m.token.idx
                linked = min(
                    same,
                    key=lambda p: (
                        (p.feature or "city") not in _LOCAL_FEATURES,
                        abs(p.span[0] - at),
                    ),
                )
        if linked is None:
            # discourse continuity: the nearest place named earlier in the same paragraph
            para_start = _paragraph_start(view[2], m.token.idx)
            before = [
                p for p in view[1].between(para_start, sent.start_char)
                if p.name and p.feature not in ("country", "region", "continent", "admin1")
            ]  # fmt: skip
            if before:
                linked, source = before[-1], "sentence"
        if (
            linked is None
            and actor is not None
            and actor.country
            and actor.sector in _DOMESTIC_SECTORS
        ):
            country_place = _country_place(places, actor.country)
            if country_place is not None:
                return country_place, "article"
        if linked is None:
            focus = view[3]
            if focus is not None:
                linked, source = focus, "article"
        if linked is None:
            segments: list[Segment] = doc._.segments or []
            for seg in segments:
                if seg.kind == "dateline":
                    cands = [p for p in places if seg.span[0] <= p.span[0] < seg.span[1] and p.name]
                    if cands:
                        linked, source = cands[0], "dateline"
                    break
        if linked is None:
            return None, None
        return (
            Location(
                text=linked.text,
                name=linked.name,
                # a place the gazetteer does not know ("Stormont Castle", a village) lies,
                # most likely, in the country the article is about
                country=linked.country or home,
                lat=linked.lat,
                lon=linked.lon,
                span=linked.span,
            ),
            source,
        )

    def _source(self, doc: Doc, tok: Token, quotes: list[Quote]) -> Attribution | None:
        index = self._quote_index
        if index is None or index[0] is not quotes:
            index = self._quote_index = (quotes, _QuoteIndex(quotes))
        inside = index[1].around(tok.idx)
        if inside:
            q = min(inside, key=lambda q: q.span[1] - q.span[0])
            if q.speaker is not None and (q.speaker.text or q.speaker.name):
                return Attribution(
                    text=q.speaker.text or q.speaker.name or "",
                    name=q.speaker.name,
                    entity=q.speaker.entity,
                    quote=q.id,
                )
        outlet = getattr(doc._.article, "source", None)
        if outlet:
            return Attribution(text=outlet)
        return None

    def _confidence(self, m: Mention, actor: Actor | None, target: Actor | None) -> float:
        """Prior weight of the trigger, scaled by the evidence around it.

        ``weight`` (how often the word is an event of this type in news) times a
        factor for the arguments found: 0.6 base, +0.2 for a resolved actor with a
        country or entity, +0.1 for a target, +0.1 when the mode or a merged
        mention corroborates the type; captions count 0.8 of that.
        """
        f = 0.6
        if actor is not None and actor.text is None:
            pass  # an implicit actor is an inference, not evidence
        elif actor is not None and (actor.country or actor.entity):
            f += 0.2
        elif actor is not None:
            f += 0.1
        if target is not None:
            f += 0.1
        if m.extra_tokens or m.mode:
            f += 0.1
        if m.segment == "caption":
            f *= 0.8
        return round(max(0.0, min(1.0, m.entry.weight * f)), 3)

    def _actors_through_means(self, events: list[Event], doc: Doc) -> None:
        """An action whose agent the text leaves out but whose means names one ("killed by
        sniper fire from the rebels", "wounded in a rebel attack") is that actor's."""
        for ev in events:
            if _named(ev.actor):
                continue
            span = doc.char_span(*ev.trigger.span, alignment_mode="expand")
            if span is None:
                continue
            for prep in span.root.children:
                if prep.dep_ not in ("agent", "prep") or prep.lower_ not in _MEANS_PREPS:
                    continue
                obj = next((c for c in prep.children if c.dep_ == "pobj"), None)
                found = self._means_actor(obj, ev.type) if obj is not None else None
                if found is not None:
                    ev.actor = found
                    break

    def _means_actor(self, noun: Token, event_type: str) -> Actor | None:
        """The actor a means noun names: the noun is a nominal trigger of ``event_type`` or
        a weapon ("fire", "attack", "shelling"), and its by/from phrase or a modifier is a
        recognised actor ("fire from the rebels", "a rebel attack", "army shelling")."""
        if noun.pos_ not in ("NOUN", "PROPN"):
            return None
        lemma = noun.lemma_.lower()
        weapons = self.lexicon.classes.get("WEAPON", frozenset())
        if lemma not in weapons and not any(
            e.type == event_type for e in self.lexicon.lookup(lemma, "NOUN")
        ):
            return None
        doc = noun.doc
        spans: list[Span] = []
        for child in noun.children:
            if child.dep_ == "prep" and child.lower_ in ("by", "from"):
                obj = next((c for c in child.children if c.dep_ == "pobj"), None)
                if obj is not None:
                    spans.append(doc[obj.left_edge.i : obj.right_edge.i + 1])
            elif (
                child.dep_ in ("compound", "poss", "amod")
                and child.i < noun.i
                and child.lemma_.lower() not in weapons  # "a drone strike" names no one
            ):
                spans.append(doc[child.left_edge.i : child.i + 1])
        for sp in spans:
            found = self._resolve(doc._.actors, sp)
            if found is not None and (found.entity or found.country or found.sector):
                return found
        return None

    # ----------------------------------------------------------------- weighing
    def _first_person(
        self, who: Actor | None, tok: Token, quotes: list[Quote], actors: Any
    ) -> Actor | None:
        """ "we", "I", "our" inside a quote are its speaker (or the speaker's side)."""
        if who is None or who.entity or (who.text or "").lower() not in _FIRST_PERSON:
            return who
        inside = [q for q in quotes if q.span[0] <= tok.idx < q.span[1] and q.speaker is not None]
        if not inside:
            return who
        speaker = min(inside, key=lambda q: q.span[1] - q.span[0]).speaker
        assert speaker is not None
        entity = next(
            (e for e in getattr(actors, "entities", []) or [] if e.id == speaker.entity), None
        )
        return who.model_copy(
            update={
                "name": speaker.name or who.name,
                "entity": speaker.entity,
                "country": entity.country if entity is not None else who.country,
                "sector": entity.sector if entity is not None else who.sector,
            }
        )

    def _implicit_nominal(self, entry: TriggerEntry, home: str | None) -> Actor | None:
        """A nominal event whose phrase names no one ("a wave of shooting broke out"): the
        type's implicit actor (``implicit_actors.tsv``, lemma ``*``)."""
        found = self.implicit_actors.get((entry.type, "*"))
        if found is None:
            return None
        name, sector, homed = found
        return Actor(text=None, name=name, country=home if homed else None, sector=sector)

    def _implicit_actor(self, tok: Token, entry: TriggerEntry, home: str | None) -> Actor | None:
        """Who acts when the text leaves the agent out (``data/events/implicit_actors.tsv``):
        a passive without a by-agent ("20 people were arrested"), or a weapon as subject
        ("a bomb exploded"). The actor has no text span; its country is the article's."""
        weapons = self.lexicon.classes.get("WEAPON", frozenset())
        subj = next((c for c in tok.children if c.dep_ in arg.SUBJECTS), None)
        agent = next((c for c in tok.children if c.dep_ == "agent"), None)
        agent_obj = (
            next((c for c in agent.children if c.dep_ == "pobj"), None)
            if agent is not None
            else None
        )
        passive = arg.is_passive(tok) and (
            agent is None or (agent_obj is not None and agent_obj.lemma_.lower() in weapons)
        )
        weapon_subject = subj is not None and arg.content_head(subj).lemma_.lower() in weapons
        if not (passive or weapon_subject):
            return None
        lemma = tok.lemma_.lower()
        found = self.implicit_actors.get((entry.type, lemma)) or self.implicit_actors.get(
            (entry.type, "*")
        )
        if found is None:
            return None
        name, sector, homed = found
        return Actor(text=None, name=name, country=home if homed else None, sector=sector)

    def _view(
        self, doc: Doc, times: list[Time], places: list[Place]
    ) -> tuple[_SpanIndex, _SpanIndex, list[int], Place | None]:
        """The per-doc indexes (built in ``__call__``; built here when coding one mention)."""
        if self._doc_view is None:
            text = text_of(doc)
            return (
                _SpanIndex(times or doc._.times or []),
                _SpanIndex(places or doc._.places or []),
                [0, *[i + 2 for i in _find_all(text, "\n\n")]],
                focus_place(doc, places or doc._.places or []),
            )
        return self._doc_view

    def _is_support_verb(self, verb: Token) -> bool:
        """A verb whose subject performs the nominal event it takes as object: a listed
        support verb ("held talks"), or a verb that is not itself an event trigger."""
        lemma = verb.lemma_.lower()
        if lemma in self.reversal:
            return False  # "lifted the curfew": the curfew was not imposed by the lifter
        if lemma in self.observer:
            return False  # "witnesses described the blast": they did not set it off
        if self.lexicon.light_verb(lemma):
            return True
        return verb.pos_ in ("VERB", "AUX") and not self.candidates(verb)

    def _is_background(self, tok: Token) -> bool:
        """A nominal event introduced by a background preposition ("after the attack",
        "in the wake of the strike", "arrested in connection with the violence")."""
        if _is_verbal(tok) or tok.dep_ != "pobj":
            return False
        prep = tok.head
        if prep.lower_ in self.background:
            return True
        # multi-word prepositions: climb to an outer preposition at most two links up
        node = prep
        for _ in range(3):
            node = node.head
            if node.i == node.head.i:
                break
            if node.pos_ == "ADP" or node.dep_ == "prep":
                phrase = tok.doc[node.i : prep.i + 1].text.lower()
                if phrase in self.background:
                    return True
        return False

    def _discount_references(self, events: list[Event], mentions: list[Mention]) -> None:
        """Lower the confidence of mentions that only refer back to an action.

        A nominal mention without actor and target whose type was already
        reported earlier in the article ("... the explosion"), or one introduced
        by a background preposition ("arrested in connection with the violence"),
        is usually a reference, not a report: its confidence is halved; the object of
        a reversal ("lifted the curfew", ``discourse.tsv``) keeps 0.3 of it.
        """
        by_span = {(m.token.idx, m.token.idx + len(m.token.text)): m for m in mentions}
        trigger_tokens = {m.token.i: m for m in mentions}
        seen: set[str] = set()
        for ev in events:
            m = by_span.get(ev.trigger.span)
            if m is not None and not _is_verbal(m.token):
                bare = not _named(ev.actor) and ev.target is None
                # the object of another kind of action: "lifted the curfew", "condemned the attack"
                governor = (
                    trigger_tokens.get(m.token.head.i)
                    if m.token.dep_ in ("dobj", "nsubjpass")
                    else None
                )
                argument = governor is not None and governor.entry.type != m.entry.type and bare
                # the object of a reversal ("lifted the curfew", "suspended aid")
                reversed_ = (
                    m.token.dep_ in ("dobj", "nsubjpass")
                    and m.token.head.lemma_.lower() in self.reversal
                )
                argument = argument or reversed_
                # "the blast", "each explosion", "Saturday's attack": a definite reference
                definite = any(
                    c.dep_ == "poss" or (c.dep_ == "det" and c.lower_ in _DEFINITE)
                    for c in m.token.children
                )
                # ... unless it adds a date of its own ("the protests began on Thursday")
                own_detail = m.dated_here
                # ... or a place of its own ("the attack in the London Bridge district")
                own_detail = own_detail or (
                    ev.location_source == "sentence"
                    and ev.location is not None
                    and ev.location.span is not None
                    and ev.sentence_span[0] <= ev.location.span[0] < ev.sentence_span[1]
                )
                if bare and ev.type in seen and definite and not own_detail:
                    # a reference, not a report: below any useful confidence
                    ev.confidence = round(min(ev.confidence * 0.3, 0.2), 3)
                elif reversed_:
                    ev.confidence = round(ev.confidence * 0.3, 3)
                elif (bare and ev.type in seen) or m.background or argument:
                    ev.confidence = round(ev.confidence * 0.5, 3)
            seen.add(ev.type)

    # ----------------------------------------------------------------- reported demands
    def _reported_demands(
        self,
        doc: Doc,
        events: list[Event],
        actors: Any,
        times: list[Time],
        places: list[Place],
        quotes: list[Quote],
        mentions: list[Mention],
        home: str | None = None,
    ) -> None:
        """A speech act whose content is an obligation is a demand (REQUEST):
        "X told Y that they must implement ..." → REQUEST by X, target Y."""
        entry = self.lexicon.reported_demand_entry()
        if entry is None:
            return
        taken = {e.trigger.span for e in events}
        for i in _positions(doc, self.cues.speech, self._hashes, "speech"):
            tok = doc[i]
            if tok.pos_ != "VERB" or tok.lemma_.lower() not in self.cues.speech:
                continue
            comp = next((c for c in tok.children if c.dep_ == "ccomp"), None)
            if comp is None or not any(
                c.dep_ == "aux" and c.lower_ in self.lexicon.deontic_modals for c in comp.children
            ):
                continue
            if (tok.idx, tok.idx + len(tok.text)) in taken:
                continue
            if any(q.span[0] <= tok.idx < q.span[1] and q.kind == "direct" for q in quotes):
                continue
            m = Mention(
                token=tok, entry=entry, segment=self._segment_of(doc, doc._.segments or [], tok)
            )
            ev = self._code(doc, m, "v0", actors, times, places, quotes, home)
            addressee = next((c for c in tok.children if c.dep_ in ("dobj", "dative")), None)
            if addressee is not None:
                ev.target = _with_home_country(
                    self._resolve(actors, arg.noun_phrase(addressee)),
                    home,
                    self.lexicon.classes.get("PEOPLE", frozenset()),
                )
            events.append(ev)
        events.sort(key=lambda e: e.trigger.span)


def _is_fragment(sent: Span) -> bool:
    """A "sentence" with no finite verb of its own: a name with a relative clause split
    off its sentence by a stray full stop ("... ordered by the President. Donald Trump
    who killed ..."); it continues the sentence before it."""
    root = sent.root
    return root.pos_ in ("NOUN", "PROPN") and any(c.dep_ == "relcl" for c in root.children)


def _continued(m: Mention, mentions: list[Mention]) -> list[int]:
    """Verbal mentions of ``m``'s type in the fragment that continues ``m``'s sentence,
    when ``m`` is nominal: the same action named by a noun and then a verb."""
    if _is_verbal(m.token):
        return []
    sent = sentence_of(m.token)
    if sent.end >= len(sent.doc):
        return []
    nxt = sentence_of(sent.doc[sent.end])
    if not _is_fragment(nxt):
        return []
    return [
        o.token.i
        for o in mentions
        if nxt.start <= o.token.i < nxt.end and _is_verbal(o.token)
        and o.entry.type == m.entry.type
    ]  # fmt: skip


#: links followed down from an event noun to the clauses that describe its action
_DESCRIBING_PATH = frozenset({"acl", "relcl", "agent", "prep", "pobj"})


def _describing_clauses(noun: Token, depth: int = 4) -> list[int]:
    """Verbs of the participle and relative clauses inside an event noun's phrase ("a
    drone strike ordered by the President, who killed the commander"; "the attack in
    which five were killed"): they tell the noun's own action, so a mention of the same
    type there is the same event. Only ``acl``/``relcl`` chains are followed, a few
    links deep, never into the noun's sentence-level governor."""
    out: list[int] = []
    frontier = [noun]
    for _ in range(depth):
        nxt: list[Token] = []
        for t in frontier:
            for c in t.children:
                if c.dep_ not in _DESCRIBING_PATH:
                    continue
                if c.dep_ in ("acl", "relcl") and c.pos_ == "VERB":
                    out.append(c.i)
                nxt.append(c)
        frontier = nxt
    return out


def _find_all(text: str, sub: str) -> list[int]:
    out = []
    i = text.find(sub)
    while i != -1:
        out.append(i)
        i = text.find(sub, i + 1)
    return out


def _paragraph_start(starts: list[int], pos: int) -> int:
    """Offset where the paragraph holding ``pos`` starts (``starts`` is sorted)."""
    return starts[bisect.bisect_right(starts, pos) - 1] if starts else 0


def _implicit_actors() -> dict[tuple[str, str], tuple[str, str, bool]]:
    """``data/events/implicit_actors.tsv``: (type, lemma) → (name, sector, home country?)."""
    from importlib import resources

    path = resources.files("eventwire.data").joinpath("events", "implicit_actors.tsv")
    out: dict[tuple[str, str], tuple[str, str, bool]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#") or line.startswith("type\t"):
            continue
        type_, lemma, name, sector, country, *_ = [*line.split("\t"), "", "", ""]
        out[(type_.strip(), lemma.strip().lower())] = (
            name.strip(),
            sector.strip(),
            country.strip() != "none",
        )
    return out


_LOCAL_FEATURES = frozenset(
    {
        "city",
        "town",
        "village",
        "airport",
        "landmark",
        "district",
        "neighbourhood",
        "admin2",
        "locality",
    }
)


def focus_place(doc: Doc, places: list[Place]) -> Place | None:
    """The place the article is about: the local place (city level or finer) named
    most often in the body, if one is named at least twice and more than any other."""
    from collections import Counter

    segments: list[Segment] = doc._.segments or []
    skip = [s.span for s in segments if s.kind in ("dateline", "caption", "credit", "boilerplate")]
    counts: Counter[str] = Counter()
    first: dict[str, Place] = {}
    for p in places:
        if not p.name or (p.feature or "city") not in _LOCAL_FEATURES:
            continue
        if any(a <= p.span[0] < b for a, b in skip):
            continue
        counts[p.name] += 1
        first.setdefault(p.name, p)
    if not counts:
        return None
    ranked = counts.most_common(2)
    if ranked[0][1] < 2 or (len(ranked) > 1 and ranked[1][1] == ranked[0][1]):
        return None
    return first[ranked[0][0]]


def home_country(doc: Doc) -> str | None:
    """The country an article is about, when one clearly dominates.

    Counted over resolved places (the dateline's weighing double) and entity
    countries; a country with at least half of the mentions and twice the
    runner-up is the article's home. Used only for actors whose country the text
    leaves implicit (a named person, "police", "the parliament"), as annotators
    and analysts read them.
    """
    from collections import Counter

    counts: Counter[str] = Counter()
    segments: list[Segment] = doc._.segments or []
    dateline = next((s.span for s in segments if s.kind == "dateline"), None)
    for p in doc._.places or []:
        if p.country and len(p.country) == 3:
            w = 2 if dateline and dateline[0] <= p.span[0] < dateline[1] else 1
            counts[p.country] += w
    actors = doc._.actors
    if actors is not None:
        for e in actors.entities:
            if e.country and e.country not in INTERNATIONAL_CODES:
                counts[e.country] += len(e.mentions)
    if not counts:
        return None
    (top, n), *rest = [*counts.most_common(2), ("", 0)]
    total = sum(counts.values())
    runner = rest[0][1] if rest else 0
    if n * 2 >= total and n >= 2 * runner:
        return top
    return None


#: words that mark an actor as deliberately not of any one country
_STATELESS = frozenset({"foreign", "international", "unidentified", "unknown", "multinational"})


#: personal pronouns that stand for people (an unresolved "they" is still people; a "we"
#: that no quote gives to a foreign speaker speaks for the article's own side)
_PERSONAL = frozenset({"he", "she", "they", "him", "her", "them", "we", "us"})


def _with_home_country(
    actor: Actor | None, home: str | None, people: frozenset[str] = frozenset()
) -> Actor | None:
    """Give an actor the article's home country when the text leaves it implicit.

    Only recognised actors (an entity or a sector) and phrases about people ("two men",
    "200 persons", an unresolved "they"; ``people`` is the lexicon's PEOPLE class) — never
    phrases marked "foreign", "international" or "unidentified". People without a
    sector are civilians (CVL), as in PLOVER.
    """
    if actor is None or actor.country or home is None or actor.text is None:
        return actor  # an implicit actor's country is decided by implicit_actors.tsv
    words = [w.strip("\"'“”‘’()[].,;:") for w in (actor.text or "").lower().split()]
    if set(words) & _STATELESS:
        return actor
    if actor.entity is None and actor.sector is None:
        # the head noun: the last word, or the word before "of" ("members of the union")
        before_of = words[: words.index("of")] if "of" in words else words
        head = before_of[-1] if before_of else ""
        singular = head[:-1] if head.endswith("s") else head
        if head in _PERSONAL:
            return actor.model_copy(update={"country": home})
        if head in people or singular in people or head == "people":
            return actor.model_copy(update={"country": home, "sector": "CVL"})
        return actor  # not recognisably an actor ("the area", "it")
    return actor.model_copy(update={"country": home})


def _own_institution(target: Actor | None, actor: Actor | None) -> Actor | None:
    """A definite state institution named without a country ("Schiff called on **the
    administration**", "MPs questioned **the security services**") is the actor's own."""
    if (
        target is None
        or target.country
        or target.sector not in STATE_SECTORS
        or actor is None
        or not actor.country
        or len(actor.country) != 3
        or actor.country in INTERNATIONAL_CODES
    ):
        return target
    words = (target.text or "").lower().split()
    if not words or words[0] not in ("the", "its", "their", "his", "her", "our"):
        return target
    return target.model_copy(update={"country": actor.country})


def _share_entity_countries(events: list[Event], actors: Any) -> None:
    """A country learnt for an entity in one event (from a role: "as Burma's leader")
    holds for its other mentions, and for the entity itself when it had none."""
    learnt: dict[str, str] = {}
    for ev in events:
        for who in (ev.actor, ev.target):
            if who is not None and who.entity and who.country:
                learnt.setdefault(who.entity, who.country)
    if not learnt:
        return
    for ev in events:
        for role in ("actor", "target"):
            who = getattr(ev, role)
            if who is not None and who.entity in learnt and who.country is None:
                setattr(ev, role, who.model_copy(update={"country": learnt[who.entity]}))
    for ent in getattr(actors, "entities", None) or []:
        if ent.country is None and ent.id in learnt:
            ent.country = learnt[ent.id]


def _named(actor: Actor | None) -> bool:
    """An actor the text names (not an implicit one)."""
    return actor is not None and actor.text is not None


def _targets_through_events(events: list[Event]) -> None:
    """When a target is itself an event mention ("condemned the attack", "denied the
    accusations"), the target is that event's actor ("the attack" → the attacker)."""
    ordered = sorted(events, key=lambda e: e.trigger.span)
    starts = [e.trigger.span[0] for e in ordered]
    for ev in events:
        t = ev.target
        if t is None or t.span is None:
            continue
        k = bisect.bisect_left(starts, t.span[0])
        other = None
        while k < len(ordered) and starts[k] < t.span[1]:
            o = ordered[k]
            if o is not ev and o.trigger.span[1] <= t.span[1]:
                other = o
                break
            k += 1
        if other is None:
            continue
        source = other.actor if _named(other.actor) else None
        if source is None:
            # a bare reference ("condemned the attack"): the last reported actor of that action
            earlier = [
                o for o in events
                if o.type == other.type and _named(o.actor) and o.trigger.span[0] < other.trigger.span[0]
            ]  # fmt: skip
            source = earlier[-1].actor if earlier else None
        ev.target = source.model_copy() if source is not None else None


def _positions(doc: Doc, words: frozenset[str], cache: dict[str, Any], key: str) -> list[int]:
    """Positions of the tokens whose lower-case form or lemma is one of ``words``: a
    vectorised pre-filter on the doc's hash arrays. ``cache[key]`` keeps the sorted
    hashes of the words' variants (lemmas keep the case of proper nouns: "Protest")."""
    if len(doc) == 0:
        return []
    table = cache.get(key)
    if table is None or table[0] is not words or table[1] is not doc.vocab:
        strings = doc.vocab.strings
        variants = {v for w in words for v in (w, w.capitalize(), w.upper())}
        hashes_ = numpy.unique(numpy.array([strings.add(v) for v in variants], dtype="uint64"))
        table = cache[key] = (words, doc.vocab, hashes_)
    hashes = table[2]
    if len(hashes) == 0:
        return []
    cols = columns_of(doc)
    hit = numpy.zeros(len(doc), dtype=bool)
    for col in (cols.lower_ids, cols.lemma_ids):
        at = numpy.minimum(numpy.searchsorted(hashes, col), len(hashes) - 1)
        hit |= hashes[at] == col
    return [int(i) for i in numpy.flatnonzero(hit)]


class _QuoteIndex:
    """The quotes around a character: a binary search over the quotes sorted by start,
    then back over the quotes long enough to reach it (was a scan of every quote per
    event: quadratic on quote-heavy articles)."""

    def __init__(self, quotes: list[Quote]) -> None:
        self.quotes = sorted(quotes, key=lambda q: q.span[0])
        self.starts = [q.span[0] for q in self.quotes]
        self.longest = max((q.span[1] - q.span[0] for q in quotes), default=0)

    def around(self, at: int) -> list[Quote]:
        out: list[Quote] = []
        k = bisect.bisect_right(self.starts, at) - 1
        while k >= 0 and self.starts[k] > at - self.longest:
            if at < self.quotes[k].span[1]:
                out.append(self.quotes[k])
            k -= 1
        return out


#: determiners of a definite reference back to an action ("the blast", "each explosion")
_DEFINITE = frozenset({"the", "this", "that", "these", "those", "each", "every"})


#: prepositions that introduce the means or occasion of an action ("killed by sniper fire",
#: "killed in an air strike", "wounded during the attack")
_MEANS_PREPS = frozenset({"by", "in", "during", "with", "from"})


_DAY = re.compile(r"^(\d{4})(-\d{2})?(-\d{2})?")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})(-WE)?")


def event_date_value(value: str) -> str | None:
    """An event ``date`` (YYYY-MM-DD, YYYY-MM or YYYY, EVENTS.md section 4) from a TIMEX3 value.

    Times of day keep their day ("2020-01-06TNI" → 2020-01-06); a week or weekend
    keeps the month of its Thursday / Saturday ("2025-W09-WE" → 2025-03); quarters,
    seasons and other coarser values keep their year.
    """
    import datetime as dt

    w = _WEEK.match(value)
    if w:
        try:
            day = dt.date.fromisocalendar(int(w.group(1)), int(w.group(2)), 6 if w.group(3) else 4)
        except ValueError:
            return None
        return day.strftime("%Y-%m")
    m = _DAY.match(value)
    if not m:
        return None
    return m.group(0)


_INTERVAL_BOUND = re.compile(r"\b(?:since|until|till|by|from|through)\s+(?:the\s+)?$", re.I)


def _bounds_interval(text: str, t: Time) -> bool:
    """A time introduced by "since", "until", "by" … bounds an interval, it dates no action."""
    return bool(_INTERVAL_BOUND.search(text[max(0, t.span[0] - 12) : t.span[0]]))


def _is_point(t: Time) -> bool:
    """A time that dates an action: a calendar date or time, not a duration or a set."""
    value = str(t.value or "")
    return (
        bool(value)
        and t.type in ("DATE", "TIME")
        and not value.startswith(("P", "X"))
        and not value.endswith("_REF")  # PRESENT_REF, FUTURE_REF: no calendar date
    )


# ----------------------------------------------------------------- event dates (_date)

#: How many sentences back the temporal focus looks for the date of an undated action.
FOCUS_SENTENCES = 2


def _direct_quote_spans(doc: Doc) -> list[tuple[int, int]]:
    quotes = getattr(doc._, "quotes", None) or []
    return sorted(tuple(q.span) for q in quotes if getattr(q, "kind", "direct") == "direct")


def _quote_at(spans: list[tuple[int, int]], pos: int) -> tuple[int, int] | None:
    """The direct quote holding character ``pos``, else None."""
    for span in spans:
        if span[0] <= pos < span[1]:
            return span
    return None


def _focus_start(token: Token, n: int) -> int:
    """Start (character) of the ``n``-th sentence before the token's."""
    sent = sentence_of(token)
    start = sent.start
    for _ in range(n):
        if start == 0:
            break
        start = sentence_of(token.doc[start - 1]).start
    return int(token.doc[start].idx)


def _governed_elsewhere(trigger: Token, t: Time) -> bool:
    from ..times import governed_elsewhere

    return governed_elsewhere(trigger, t)


def _is_verbal(token: Token) -> bool:
    return token.pos_ in ("VERB", "AUX")


def _inside_args(place: Place, m: Mention) -> bool:
    """Whether a place only describes the actor or target: inside its base phrase
    ("Iraq's prime minister") or in a clause or apposition about it ("a commander
    seen as Iran's most powerful figure"). Places reached through a preposition of the
    argument ("the embassy in Baghdad") still count as where the action was."""
    for a in (m.args.actor, m.args.target):
        if a is None:
            continue
        sp = a.span
        if a is m.args.target and place.span[0] <= a.token.idx < place.span[1]:
            continue  # the target is the place itself ("visited the White House")
        if sp.start_char <= place.span[0] < sp.end_char:
            return True
        for c in a.token.children:
            if c.dep_ in ("appos", "acl", "relcl") and m.token not in c.subtree:
                lo, hi = c.left_edge.idx, c.right_edge.idx + len(c.right_edge.text)
                if lo <= place.span[0] < hi:
                    return True
    return False


def _describes_someone(text: str, place: Place) -> bool:
    """A place that qualifies a person rather than locating an action: a parenthesised
    state after a name ("McConnell (Ky.)") or a possessor ("Burma's de facto leader")."""
    a, b = place.span
    if text[max(0, a - 1) : a] == "(" and text[b : b + 1] == ")":
        return True
    return text[b : b + 2] in ("'s", "’s")


def _country_place(places: list[Place], country: str) -> Location | None:
    for p in places:
        if p.country == country and p.name and (p.feature == "country"):
            return Location(
                text=p.text, name=p.name, country=p.country, lat=p.lat, lon=p.lon, span=p.span
            )
    return None
