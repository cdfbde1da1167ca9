"""Actors and targets of a trigger, from the dependency parse (spaCy / ClearNLP labels).

Each function returns the argument's head token and the dependency path that
led to it (for ``--explain``). Which noun phrase a head stands for is
:func:`noun_phrase`; what actor that phrase names is the actors layer's job.

Verbal triggers
    actor: the subject (``nsubj``); in a passive the ``by``-agent and the target is
    the passive subject; a relative pronoun stands for the noun the clause
    modifies; a subjectless infinitive or participle takes its controller
    (the governing verb's subject, or its object for object-control verbs
    like "urge X to", "call on X to"; for a clause under a noun: "X's plan to",
    "a demand for X to", else the subject of the verb that governs the noun).
    target: the direct object, else the object of the entry's preposition
    ("call on X"), else of a type's target prepositions ("attack on", "talks
    with", "aid to", "withdraw from").
Nominal triggers
    actor: the possessor ("Iran's demand"), a ``by``-phrase, the subject of a
    support verb that takes the noun as object ("held talks", "carried out a
    strike"), else a premodifier naming an actor ("a US drone strike").
    target: the object of the type's target prepositions ("sanctions against X",
    "the arrest of X", "talks with X").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from spacy.tokens import Span, Token

from ..nlp import columns_of
from .discourse import words

#: dependency labels of a noun's own premodifiers (its base noun phrase)
NP_LEFT_DEPS = frozenset(
    {
        "det",
        "amod",
        "compound",
        "poss",
        "case",
        "nummod",
        "nmod",
        "quantmod",
        "predet",
        "advmod",
        "npadvmod",
        "punct",
        "cc",
        "conj",
    }
)
SUBJECTS = frozenset({"nsubj", "csubj"})
PASSIVE_SUBJECTS = frozenset({"nsubjpass", "csubjpass"})
OBJECTS = frozenset({"dobj", "obj"})
RELATIVE_PRONOUNS = frozenset({"who", "which", "that", "whom", "whose"})
#: clause links through which a subjectless verb inherits its controller
CONTROL_DEPS = frozenset({"xcomp", "conj", "advcl", "ccomp", "pcomp"})

#: prepositions introducing the target, by event type (verbal and nominal)
TARGET_PREPS: dict[str, tuple[str, ...]] = {
    "ASSAULT": ("on", "against", "at", "of", "upon", "targeting"),
    "COERCE": ("of", "on", "against"),
    "SANCTION": ("on", "against", "of", "from"),
    "THREATEN": ("against", "on", "with"),
    "ACCUSE": ("against", "of", "on"),
    "REJECT": ("of", "from"),
    "REQUEST": ("on", "to", "from", "for"),
    "CONSULT": ("with", "to", "between"),
    "COOPERATE": ("with", "between"),
    "AGREE": ("with", "between"),
    "AID": ("to", "for"),
    "SUPPORT": ("for", "of"),
    "CONCEDE": ("to",),
    "RETREAT": ("from", "of"),
    "MOBILIZE": ("to", "against", "into", "near", "along"),
    "PROTEST": ("against", "outside", "at"),
}
#: verbs whose object, not subject, controls an infinitive complement ("urged X to")
OBJECT_CONTROL = frozenset(
    {"urge", "ask", "call", "order", "force", "tell", "allow", "permit", "persuade", "press",
     "request", "invite", "instruct", "authorize", "compel", "encourage", "advise", "direct",
     "pressure", "push", "require", "warn", "beg", "appeal"}
)  # fmt: skip
#: nouns of documents and decisions: the author of "a resolution calling on X" is
#: whoever adopted the resolution
DOCUMENT_NOUNS = frozenset(
    {"resolution", "statement", "letter", "decree", "order", "report", "bill", "motion", "law",
     "declaration", "communique", "communiqué", "note", "memo", "memorandum", "petition",
     "directive", "ruling", "verdict", "proposal", "plan", "message", "appeal", "ultimatum"}
)  # fmt: skip


#: types whose object may be the actor's own forces ("withdrew its troops", "deployed soldiers")
MOVEMENT_TYPES = frozenset({"RETREAT", "MOBILIZE"})

#: types whose participants are the subject of a clause around the noun ("presided over a
#: summit", "took part in a rally", "joined the talks")
PARTICIPATION_TYPES = frozenset({"CONSULT", "AGREE", "COOPERATE", "PROTEST"})

#: types where "X and Y did it" means X did it with Y
SYMMETRIC_TYPES = frozenset({"AGREE", "CONSULT", "COOPERATE"})

#: "claimed responsibility for the attack", "took credit for the bombing"
CLAIM_NOUNS = frozenset({"responsibility", "credit", "blame"})


def content_head(token: Token) -> Token:
    """The word that names who: "hundreds of farmers" → farmers (the heads are ``quantity``
    in ``data/events/discourse.tsv``)."""
    quantity = words("quantity")
    if token.lemma_.lower() in quantity or token.lower_ in quantity:
        for c in token.children:
            if c.dep_ == "prep" and c.lower_ == "of":
                obj = _pobj(c)
                if obj is not None:
                    return obj
    return token


@dataclass
class Argument:
    token: Token
    path: str

    @property
    def span(self) -> Span:
        """The argument's phrase; for "hundreds of farmers" the whole of it."""
        head = content_head(self.token)
        if head is self.token:
            return noun_phrase(self.token)
        return self.token.doc[noun_phrase(self.token).start : noun_phrase(head).end]


@dataclass
class Arguments:
    actor: Argument | None = None
    target: Argument | None = None
    #: nouns that carry cues about the manner or the user of force ("by an American drone")
    instruments: list[Token] = field(default_factory=list)


def noun_phrase(token: Token) -> Span:
    """The base noun phrase headed by ``token`` (premodifiers and compound names)."""
    doc = token.doc
    start = token.i
    for child in token.lefts:
        if child.dep_ in NP_LEFT_DEPS:
            start = min(start, child.left_edge.i)
    end = token.i + 1
    # following flat/compound name parts ("Abdul Mahdi" style heads on the left)
    while end < len(doc) and doc[end].head == token and doc[end].dep_ in ("flat", "compound"):
        end += 1
    while start < token.i and doc[start].is_punct:
        start += 1
    return doc[start:end]


def is_passive(verb: Token) -> bool:
    if any(c.dep_ in ("auxpass", "nsubjpass") for c in verb.children):
        return True
    # reduced passive participle: "a strike ordered by ...", "protesters detained on ..."
    return (
        verb.tag_ == "VBN"
        and verb.dep_ in ("acl", "relcl")
        and not any(c.dep_ in ("aux",) for c in verb.children)
    )


def _child(token: Token, deps: frozenset[str] | set[str] | tuple[str, ...]) -> Token | None:
    """The first child (in text order) with one of these dependency labels."""
    cols = columns_of(token.doc)
    for c in cols.children[token.i]:
        if cols.dep[c] in deps:
            return token.doc[c]
    return None


def _pobj(prep: Token) -> Token | None:
    return _child(prep, ("pobj", "pcomp"))


def _prep_object(
    head: Token, preps: tuple[str, ...] | set[str], exclude: set[int] | None = None
) -> tuple[Token, str] | None:
    for c in head.children:
        if (
            c.dep_ in ("prep", "agent", "dative")
            and c.lower_ in preps
            and (not exclude or c.i not in exclude)
        ):
            obj = _pobj(c)
            if obj is not None and _can_be_party(obj):
                return obj, f"{c.dep_}:{c.lower_}>pobj"
    return None


def _can_be_party(token: Token) -> bool:
    """Whether a word can name an actor or target: not a date, a number, nor a projectile
    (``projectile`` in ``data/events/discourse.tsv``: "fired 12 rounds" says how, not whom)."""
    if token.ent_type_ in ("DATE", "TIME", "QUANTITY", "MONEY", "PERCENT", "ORDINAL"):
        return False
    if token.pos_ == "NUM":
        return False
    return token.lemma_.lower() not in words("projectile")


def _resolve_relative(token: Token, verb: Token) -> tuple[Token, str]:
    """A relative pronoun subject stands for the noun its clause modifies."""
    if token.lower_ in RELATIVE_PRONOUNS and verb.dep_ == "relcl":
        head = verb.head
        if token.lower_ in ("who", "whom") and head.ent_type_ != "PERSON":
            # "who" names a person: "the head of the elite force, who was killed" is the
            # head, not the force; an appositive stands for the name it renames
            node = head
            while (
                node.dep_ == "pobj"
                and node.head.lower_ == "of"
                and node.head.head.pos_ in ("NOUN", "PROPN")
            ):
                node = node.head.head
            if node is not head and node.dep_ == "appos":
                node = node.head
            return node, "relcl<head"
        return head, "relcl<head"
    return token, ""


def controller(verb: Token, depth: int = 0) -> Argument | None:
    """The actor of a subjectless verb: who does what the governing word says."""
    if depth > 4:
        return None
    head = verb.head
    if head.i == verb.i:
        return None
    dep = verb.dep_
    if dep in ("acl", "relcl") and head.pos_ in ("NOUN", "PROPN", "PRON"):
        # "a demand for X to withdraw", "X's plan to leave"
        for c in head.children:
            if c.dep_ == "prep" and c.lower_ == "for":
                obj = _pobj(c)
                if obj is not None and obj.i < verb.i:
                    return Argument(obj, f"{dep}<head>prep:for>pobj")
        poss = _child(head, {"poss"})
        if poss is not None:
            return Argument(poss, f"{dep}<head>poss")
        if verb.tag_ == "VBG" or (
            dep == "acl" and not any(c.lower_ == "to" for c in verb.children)
        ):
            # "a letter briefing officials": the modified noun acts ...
            if head.lemma_.lower() in DOCUMENT_NOUNS:
                # ... unless it is a document: then its author acts
                author = _author_of(head)
                if author is not None:
                    return Argument(author.token, f"{dep}<head<{author.path}")
            return Argument(head, f"{dep}<head")
        # "no plans to withdraw": the subject of the verb governing the noun
        author = _author_of(head)
        if author is not None:
            return Argument(author.token, f"{dep}<head<{author.path}")
        return None
    if (
        dep == "pcomp"
        and head.pos_ == "ADP"
        and head.lower_ in ("of", "for", "with")
        and head.head.pos_ == "VERB"
    ):
        # "accused Russia of shelling", "blamed X for attacking": the object did it
        obj = _child(head.head, OBJECTS)
        if obj is not None:
            return Argument(obj, f"pcomp<{head.lower_}<head>dobj")
    if dep in CONTROL_DEPS or (dep == "prep" and head.pos_ == "VERB"):
        if dep == "xcomp" and head.lemma_.lower() in OBJECT_CONTROL:
            obj = _child(head, OBJECTS)
            if obj is None:
                found = _prep_object(head, ("on", "upon"))
                obj = found[0] if found else None
            if obj is not None:
                return Argument(obj, f"xcomp<{head.lemma_}>obj")
        if dep == "xcomp" and head.pos_ == "ADP":
            # "calling on X to leave" parsed with the infinitive under the preposition
            obj = _pobj(head)
            if obj is not None:
                return Argument(obj, "xcomp<prep>pobj")
        subj = _child(head, SUBJECTS)
        if subj is not None:
            tok, extra = _resolve_relative(subj, head)
            return Argument(tok, f"{dep}<nsubj" + (f"<{extra}" if extra else ""))
        if dep == "xcomp":
            # "X was forced to resign", "X was ordered to leave": the passive subject does it
            psubj = _child(head, PASSIVE_SUBJECTS)
            if psubj is not None:
                tok, extra = _resolve_relative(psubj, head)
                return Argument(tok, "xcomp<nsubjpass" + (f"<{extra}" if extra else ""))
        if head.pos_ in ("NOUN", "PROPN"):
            return None
        return _shift(controller(head, depth + 1), f"{dep}<")
    return None


def _shift(arg: Argument | None, prefix: str) -> Argument | None:
    if arg is None:
        return None
    return Argument(arg.token, prefix + arg.path)


def _author_of(noun: Token) -> Argument | None:
    """Who did the verb that governs a noun ("the parliament adopted a resolution")."""
    verb = noun.head
    hops = 0
    while verb.dep_ == "prep" or verb.pos_ == "ADP":
        verb = verb.head
        hops += 1
        if hops > 2:
            return None
    if verb.pos_ not in ("VERB", "AUX") or verb is noun:
        return None
    if noun.dep_ in ("nsubj", "nsubjpass"):
        return None
    subj = _child(verb, SUBJECTS)
    if subj is None and verb.pos_ in ("VERB", "AUX"):
        return _shift(controller(verb), "head<")
    if subj is None or subj.lower_ in ("there", "it"):
        return None
    tok, extra = _resolve_relative(subj, verb)
    return Argument(tok, "head>nsubj" + (f"<{extra}" if extra else ""))


def verbal_arguments(
    trigger: Token,
    event_type: str,
    with_words: tuple[str, ...],
    force_words: frozenset[str] = frozenset(),
    exclude: frozenset[int] = frozenset(),
) -> Arguments:
    """Actor and target of a verbal trigger.

    ``force_words``: the lexicon's FORCES class; ``exclude``: token indices that are
    part of the event itself (a merged nominal mention, the fixed object of the entry:
    "opened **fire** on X", "signed an **agreement**") and so are never its target.
    """
    args = Arguments()
    used_preps: set[int] = set()
    passive = is_passive(trigger)
    # the entry's own preposition gives the target ("call on X", "open fire on X")
    entry_preps = tuple(
        w
        for w in with_words
        if w
        in {p for ps in TARGET_PREPS.values() for p in ps}
        | {"on", "at", "with", "to", "from", "against", "for"}
    )
    target: Argument | None = None
    if entry_preps:
        found = _prep_object(trigger, entry_preps)
        if found is None:
            # "call on" is sometimes parsed with the preposition under a particle
            for c in trigger.children:
                if c.dep_ == "prt":
                    found = _prep_object(c, entry_preps)
                    if found:
                        break
        if found:
            target = Argument(found[0], found[1])
    if passive:
        agent = _prep_object(trigger, ("by",))
        if agent:
            args.actor = Argument(agent[0], "agent>pobj")
        else:
            # "being denied permission by police": the parser hangs the by-agent on the
            # passive's retained object
            obj = _child(trigger, OBJECTS)
            misplaced = _prep_object(obj, ("by",)) if obj is not None else None
            if misplaced:
                agent = misplaced
                args.actor = Argument(misplaced[0], "dobj>prep:by>pobj")
        subj = _child(trigger, PASSIVE_SUBJECTS)
        if (
            agent is None
            and subj is not None
            and event_type in MOVEMENT_TYPES
            and content_head(subj).lemma_.lower() in force_words
        ):
            # "police contingents have been deployed", "troops were withdrawn": the forces
            # moved are the actor's own; the state or service they belong to acts
            args.actor = Argument(subj, "nsubjpass(forces)")
        elif subj is not None:
            tok, extra = _resolve_relative(subj, trigger)
            target = target or Argument(tok, "nsubjpass" + (f"<{extra}" if extra else ""))
        elif trigger.dep_ in ("acl", "relcl") and trigger.head.pos_ in ("NOUN", "PROPN", "PRON"):
            target = target or Argument(trigger.head, f"{trigger.dep_}<head")
    else:
        subj = _child(trigger, SUBJECTS)
        if subj is not None and subj.lower_ not in ("there",):
            tok, extra = _resolve_relative(subj, trigger)
            args.actor = Argument(tok, "nsubj" + (f"<{extra}" if extra else ""))
        else:
            args.actor = controller(trigger)
        if target is None:
            obj = _child(trigger, OBJECTS | {"dative"})
            if obj is not None and (
                obj.i in exclude or obj.lemma_.lower() in with_words or not _can_be_party(obj)
            ):
                obj = None
            moved = (
                obj is not None
                and event_type in MOVEMENT_TYPES
                and obj.lemma_.lower() in force_words
            )
            if moved:
                # "withdraw troops from X": the forces are what moves; X is the target
                found = _prep_object(trigger, TARGET_PREPS.get(event_type, ()))
                if found:
                    target = Argument(found[0], found[1])
            elif obj is not None and obj.pos_ != "ADP":
                target = Argument(obj, obj.dep_)
    if target is None:
        found = _prep_object(trigger, TARGET_PREPS.get(event_type, ()), used_preps)
        if found:
            target = Argument(found[0], found[1])
    if target is None and event_type in SYMMETRIC_TYPES and args.actor is not None:
        # "X and Y signed an accord", "X and Y met": the second party is the target
        conj = next((c for c in args.actor.token.children if c.dep_ == "conj"), None)
        if conj is not None:
            target = Argument(conj, args.actor.path + ">conj")
    args.target = target
    # instruments and means: "by an American drone", "in an air strike", "with rockets"
    for c in trigger.children:
        if c.dep_ in ("agent", "prep") and c.lower_ in ("by", "in", "with", "during", "using"):
            obj = _pobj(c)
            if obj is not None and obj.ent_type_ not in ("GPE", "LOC", "FAC", "DATE", "TIME"):
                args.instruments.append(obj)
    return args


def nominal_arguments(
    trigger: Token,
    event_type: str,
    with_words: tuple[str, ...],
    is_support_verb: Callable[[Token], bool] = lambda _t: True,
) -> Arguments:
    """Actor and target of a nominal trigger (``is_support_verb``: whether a verb taking
    the noun as object is a support verb whose subject acts: "held talks")."""
    args = Arguments()
    poss = _child(trigger, {"poss"})
    if poss is not None and poss.ent_type_ not in ("DATE", "TIME"):  # not "Saturday's attack"
        args.actor = Argument(poss, "poss")
    else:
        agent = _prep_object(trigger, ("by",))
        if agent:
            args.actor = Argument(agent[0], "prep:by>pobj")
    if args.actor is None and event_type not in MOVEMENT_TYPES:
        # "a visit from the secretary of state", "criticism from Beijing", "aid from Japan"
        source = _prep_object(trigger, ("from",))
        if source is not None and source[0].ent_type_ not in ("LOC", "FAC"):
            args.actor = Argument(source[0], "prep:from>pobj")
    if args.actor is None:
        # "an air strike ordered by the minister", "a raid carried out by police"
        for c in trigger.children:
            if c.dep_ == "acl" and c.tag_ == "VBN":
                agent = _prep_object(c, ("by",))
                if agent:
                    args.actor = Argument(agent[0], "acl>agent>pobj")
                    break
    if args.actor is None and trigger.dep_ == "nsubjpass" and is_support_verb(trigger.head):
        # "a peace march was taken out by the Gandhians", "talks were held by the envoys"
        agent = _prep_object(trigger.head, ("by",))
        if agent:
            args.actor = Argument(agent[0], "nsubjpass<head>agent>pobj")
    if args.actor is None and trigger.dep_ == "pobj" and trigger.head.lower_ == "for":
        # "X claimed responsibility for the bombing": X is the bombing's actor
        noun = trigger.head.head
        if noun.lemma_.lower() in CLAIM_NOUNS and noun.dep_ in OBJECTS:
            subj = _child(noun.head, SUBJECTS)
            if subj is not None:
                args.actor = Argument(subj, "pobj<for<responsibility<dobj<head>nsubj")
    if trigger.dep_ in OBJECTS and trigger.head.lemma_.lower() in words("victim_verb"):
        # "the president survived an attack", "residents faced a curfew": the subject is
        # who the event befell
        subj = _child(trigger.head, SUBJECTS)
        if subj is not None and args.target is None:
            args.target = Argument(subj, "dobj<victim-verb>nsubj")
    elif args.actor is None and trigger.dep_ in OBJECTS and is_support_verb(trigger.head):
        # support verb: "X held talks", "X carried out strikes", "X staged a rally"
        verb = trigger.head
        subj = _child(verb, SUBJECTS)
        if subj is not None:
            tok, extra = _resolve_relative(subj, verb)
            args.actor = Argument(tok, "dobj<head>nsubj" + (f"<{extra}" if extra else ""))
            conj = _child(tok, {"conj"})
            if conj is not None and event_type in SYMMETRIC_TYPES:
                # "X and Y signed an agreement"
                args.target = Argument(conj, "dobj<head>nsubj>conj")
        else:
            args.actor = _shift(controller(verb), "dobj<head<")
    if (
        args.actor is None
        and trigger.dep_ == "pobj"
        and trigger.head.head.pos_ == "VERB"
        and trigger.head.head.lemma_.lower() not in words("victim_verb")
        and (
            trigger.head.lower_ == "in"
            or (
                # "heard gunshots during the raids": the subject only witnessed them
                event_type in PARTICIPATION_TYPES
                and trigger.head.lower_ in ("during", "over", "at")
            )
        )
    ):
        # "protesters took part in a rally": the clause subject takes part
        verb = trigger.head.head
        subj = _child(verb, SUBJECTS)
        if subj is not None and not is_passive(verb):
            args.actor = Argument(subj, "pobj<prep<head>nsubj")
    preps = TARGET_PREPS.get(event_type, ())
    found = _prep_object(trigger, tuple(p for p in preps if p != "by"))
    if found:
        args.target = Argument(found[0], found[1])
    elif args.target is None and trigger.dep_ in OBJECTS and is_support_verb(trigger.head):
        # "sent aid to X", "imposed sanctions on X": the target hangs off the support verb
        found = _prep_object(trigger.head, tuple(p for p in preps if p not in ("by", "of")))
        if found and found[0].ent_type_ not in ("DATE", "TIME"):
            args.target = Argument(found[0], "dobj<head>" + found[1])
    return args


def premodifier_span(trigger: Token) -> Span | None:
    """The words before a nominal trigger inside its phrase ("a US drone" in "a US drone strike")."""
    np = noun_phrase(trigger)
    if np.start >= trigger.i:
        return None
    span = trigger.doc[np.start : trigger.i]
    words = [t for t in span if t.dep_ != "det" and not t.is_punct]
    if not words:
        return None
    return trigger.doc[words[0].i : trigger.i]
