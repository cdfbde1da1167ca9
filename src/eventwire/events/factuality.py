"""Factuality of an event mention: asserted, negated, future or hypothetical.

The method follows the scope of cues in the dependency tree (in the spirit of
FactBank / the De Facto system): starting at the trigger, we look at the
trigger's own modifiers, then climb the chain of governing words through
complement links (``xcomp``, ``ccomp``, ``acl``, ``advcl``, ``conj``, ``prep`` /
``pobj``, and the object of a support verb) and collect every cue met on the
way:

* **negation** — a ``neg`` dependent ("did not attack"), the determiner "no" on
  the trigger or on a governing noun ("no plans to withdraw", "no decision to
  leave", "no planned withdrawal"), "without", and governing verbs of denial or
  refusal ("denied attacking", "refused to leave");
* **hypothetical** — modal auxiliaries "could / might / may / should", an
  ``if`` / ``unless`` / ``whether`` clause, and governors of possibility or
  interpretation ("possible", "consider", "it means withdrawal");
* **future** — "will / shall / would / going to", a ``to``-infinitive under a
  non-implicative governor ("plans to", "vowed to", "agreed to", "a demand
  for X to withdraw": a demanded action is not performed), future nouns and
  adjectives ("plan", "decision", "planned", "proposed").

The climb stops at a speech or report verb (reported content keeps its own
factuality: "officials said troops withdrew" is asserted), at the sentence
root, or after a few links. The strongest cue wins: negated > hypothetical >
future > asserted. Implicative governors ("managed to", "began to") let an
infinitive stay asserted. The cue words are data (``data/events/factuality.tsv``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Token

ASSERTED, NEGATED, FUTURE, HYPOTHETICAL = "asserted", "negated", "future", "hypothetical"
_RANK = {ASSERTED: 0, FUTURE: 1, HYPOTHETICAL: 2, NEGATED: 3}
#: links through which a governor's cues reach its dependent
_CLIMB_DEPS = frozenset(
    {
        "xcomp",
        "ccomp",
        "acl",
        "advcl",
        "conj",
        "pcomp",
        "pobj",
        "prep",
        "dobj",
        "attr",
        "relcl",
        "oprd",
        "acomp",
    }
)


@dataclass(frozen=True)
class FactualityCues:
    """Cue words by class; built from the lexicon's ``factuality.tsv``."""

    negation: frozenset[str] = (
        frozenset()
    )  # governors and particles: deny, refuse, without, no, not
    hypothetical: frozenset[str] = frozenset()  # could, might, if, possible, consider, mean
    future: frozenset[str] = frozenset()  # will, plan, intend, vow, decision, planned
    implicative: frozenset[str] = frozenset()  # manage, begin, continue: the complement happened
    speech: frozenset[str] = (
        frozenset()
    )  # say, tell, add: reported content keeps its own factuality
    conditional_marks: frozenset[str] = frozenset({"if", "unless", "whether"})
    future_aux: frozenset[str] = frozenset({"will", "shall", "'ll", "wo"})
    hypothetical_aux: frozenset[str] = frozenset({"could", "might", "may", "should", "ca"})
    negative_subjects: frozenset[str] = frozenset()  # nobody, no one, none: "no one was injured"
    future_preps: frozenset[str] = frozenset()  # "ahead of": the nominal event is still to come


@dataclass
class Factuality:
    label: str = ASSERTED
    cues: list[str] = field(default_factory=list)

    def add(self, label: str, cue: str) -> None:
        self.cues.append(f"{label}:{cue}")
        if _RANK[label] > _RANK[self.label]:
            self.label = label


def _local(token: Token, cues: FactualityCues, result: Factuality) -> None:
    """Cues among a token's own dependents."""
    has_if_clause = False
    for c in token.children:
        low = c.lower_
        if c.dep_ == "neg":
            result.add(NEGATED, f"{low}@{token.text}")
        elif c.dep_ == "det" and low == "no":
            result.add(NEGATED, f"no@{token.text}")
        elif c.dep_ in ("aux", "auxpass"):
            if low in cues.future_aux:
                result.add(FUTURE, f"{low}@{token.text}")
            elif low in cues.hypothetical_aux:
                result.add(HYPOTHETICAL, f"{low}@{token.text}")
            elif low == "would":
                result.add(FUTURE, f"would@{token.text}")
        elif c.dep_ == "amod" and token.pos_ in ("NOUN", "PROPN"):
            lemma = c.lemma_.lower()
            if low in cues.future or lemma in cues.future:
                result.add(FUTURE, f"{low}@{token.text}")
            elif low in cues.hypothetical or lemma in cues.hypothetical:
                result.add(HYPOTHETICAL, f"{low}@{token.text}")
        elif c.dep_ == "advcl":
            if any(m.dep_ == "mark" and m.lower_ in cues.conditional_marks for m in c.children):
                has_if_clause = True
        elif c.dep_ == "advmod" and low in ("never",):
            result.add(NEGATED, f"never@{token.text}")
        elif c.dep_ == "advmod" and low in cues.hypothetical_aux:
            # an epistemic adverb: "probably killed", "possibly attacked"
            result.add(HYPOTHETICAL, f"{low}@{token.text}")
    if token.pos_ in ("VERB", "AUX"):
        # a negative subject negates its predicate: "no one was injured", "not everyone welcomed"
        for subj in token.children:
            if subj.dep_ not in ("nsubj", "nsubjpass"):
                continue
            phrase = " ".join(t.lower_ for t in subj.subtree if t.i <= subj.i)
            if (
                subj.lower_ in cues.negative_subjects
                or phrase in cues.negative_subjects
                or any(
                    c.dep_ in ("neg",) or (c.dep_ == "det" and c.lower_ == "no")
                    for c in subj.children
                )
            ):
                result.add(NEGATED, f"{phrase}@{token.text}")
    if has_if_clause and any(c.lower_ == "would" for c in token.children if c.dep_ == "aux"):
        result.add(HYPOTHETICAL, f"if+would@{token.text}")
    # the token itself sits in a conditional clause
    if token.dep_ == "advcl" and any(
        m.dep_ == "mark" and m.lower_ in cues.conditional_marks for m in token.children
    ):
        result.add(HYPOTHETICAL, f"if@{token.text}")
    # an infinitive with nothing above it (a headline "To leave Iraq", a fragment) is
    # a plan, not a report
    if token.pos_ in ("VERB", "AUX") and token.dep_ == "ROOT" and _infinitival(token):
        result.add(FUTURE, f"to-infinitive@{token.text}")
    # an infinitive is an unrealised action unless its governor is implicative
    if token.pos_ in ("VERB", "AUX") and _infinitival(token):
        gov = token.head
        glemma = gov.lemma_.lower()
        # "had to fire": a past obligation that was met
        past_obligation = glemma == "have" and gov.tag_ == "VBD"
        if (
            gov.i != token.i
            and glemma not in cues.implicative
            and glemma not in cues.speech
            and not past_obligation
        ):
            result.add(FUTURE, f"to-infinitive@{token.text}")


#: conjunctions that present their clause as true whatever the main clause's modality
_FACTIVE_MARKS = frozenset({"while", "as", "because", "although", "though", "whereas"})


#: light predicates whose other argument can frame an action as an option or a plan:
#: "Congress has three ways: by filing a lawsuit", "Among the measures recommended is a ban"
_FRAME_VERBS = frozenset({"be", "have"})


def _framing_noun(pred: Token, node: Token, cues: FactualityCues, result: Factuality) -> None:
    """An action that is one of the options / plans a light predicate lists."""
    if pred.lemma_.lower() not in _FRAME_VERBS:
        return
    args: list[Token] = []
    for c in pred.children:
        if c.i == node.i:
            continue
        if c.dep_ in ("nsubj", "dobj", "attr"):
            args.append(c)
        elif c.dep_ == "prep" and c.lower_ == "among":
            args.extend(x for x in c.children if x.dep_ == "pobj")
    for a in args:
        if a.pos_ not in ("NOUN", "PROPN"):
            continue
        lemma = a.lemma_.lower()
        if lemma in cues.hypothetical:
            result.add(HYPOTHETICAL, f"{a.text}@{pred.text}")
        elif lemma in cues.future:
            result.add(FUTURE, f"{a.text}@{pred.text}")


def _bare_conjunct(node: Token, head: Token) -> bool:
    """A verb conjoined to another that has no subject, auxiliary or tense of its own."""
    return (
        node.pos_ == "VERB"
        and head.pos_ in ("VERB", "AUX")
        and node.tag_ == "VB"
        and not any(
            c.dep_ in ("aux", "auxpass", "nsubj", "nsubjpass", "neg") for c in node.children
        )
    )


def _auxiliaries(verb: Token, cues: FactualityCues, result: Factuality) -> None:
    """The modal, future and negative auxiliaries of ``verb``."""
    for c in verb.children:
        low = c.lower_
        if c.dep_ == "neg":
            result.add(NEGATED, f"{low}@{verb.text}")
        elif c.dep_ in ("aux", "auxpass"):
            if low in cues.future_aux or low == "would":
                result.add(FUTURE, f"{low}@{verb.text}")
            elif low in cues.hypothetical_aux:
                result.add(HYPOTHETICAL, f"{low}@{verb.text}")


def _phrase_cue(phrase: str, cues: FactualityCues, result: Factuality) -> None:
    """A multi-word cue ("call for", "rule out")."""
    if phrase in cues.negation:
        result.add(NEGATED, phrase)
    elif phrase in cues.hypothetical:
        result.add(HYPOTHETICAL, phrase)
    elif phrase in cues.future:
        result.add(FUTURE, phrase)


def _infinitival(token: Token) -> bool:
    return any(c.dep_ == "aux" and c.lower_ == "to" for c in token.children)


def factuality(trigger: Token, cues: FactualityCues, max_hops: int = 6) -> Factuality:
    """The factuality of the event whose trigger is ``trigger``."""
    result = Factuality()
    _local(trigger, cues, result)
    node = trigger
    if trigger.pos_ in ("NOUN", "PROPN") and trigger.dep_ == "pobj":
        prep = trigger.head
        phrase = f"{prep.head.lower_} {prep.lower_}" if prep.head.i != prep.i else prep.lower_
        if phrase in cues.future_preps or prep.lower_ in cues.future_preps:
            result.add(FUTURE, phrase)
    if (
        trigger.pos_ in ("NOUN", "PROPN")
        and trigger.head.pos_ in ("VERB", "AUX")
        and (
            trigger.dep_ in ("nsubj", "nsubjpass")
            or (trigger.dep_ == "attr" and trigger.head.lemma_.lower() == "be")
        )
    ):
        # a nominal event that is the subject of its predicate (or what a copula equates)
        # takes the predicate's modality: "if air strikes continue", "protests could
        # erupt", "the next step could be a ban"
        _local(trigger.head, cues, result)
        _framing_noun(trigger.head, trigger, cues, result)
        node = trigger.head
    for _ in range(max_hops):
        head = node.head
        if head.i == node.i or node.dep_ not in _CLIMB_DEPS:
            break
        # relative clauses and participle modifiers are islands: "vowed revenge for
        # the commander, who was killed" does not make the killing future
        if node.dep_ == "relcl" or (node.dep_ == "acl" and not _infinitival(node)):
            break
        # so are clauses whose truth their conjunction presupposes: "..., as locals have
        # blamed IS", "while Kerry negotiates with Russia", "because police raided it"
        if node.dep_ == "advcl" and any(
            c.dep_ == "mark" and c.lower_ in _FACTIVE_MARKS for c in node.children
        ):
            break
        hlemma = head.lemma_.lower()
        if (
            head.pos_ in ("VERB", "AUX")
            and hlemma in cues.speech
            and node.dep_ in ("ccomp", "advcl", "conj", "dobj")
        ):
            break  # reported content keeps its own factuality ("told them to leave" does not stop)
        if node.dep_ == "conj":
            # a conjunct shares its first conjunct's governors, not its modifiers ...
            if _bare_conjunct(node, head):
                # ... except the auxiliaries of a verb it shares them with: "may lift or
                # relax the curfew", "will not attack or invade"
                _auxiliaries(head, cues, result)
            elif node.pos_ == "ADP":
                # a second preposition of a multi-word cue: "calls for X, and for Y"
                _phrase_cue(f"{head.lemma_.lower()} {node.lower_}", cues, result)
            node = head
            continue
        if head.pos_ in ("VERB", "AUX", "NOUN", "PROPN", "ADJ"):
            # multi-word cues: "rule out", "call for", "set to"
            particles = [
                c.lower_
                for c in head.children
                if c.dep_ in ("prt", "prep", "aux") and (c.i != node.i or node.dep_ == "prep")
            ]  # the preposition climbed through is part of the cue: "calls for X's withdrawal"
            phrases = {f"{hlemma} {p}" for p in particles}
            if phrases & cues.negation:
                result.add(NEGATED, next(iter(phrases & cues.negation)))
            elif phrases & cues.hypothetical:
                result.add(HYPOTHETICAL, next(iter(phrases & cues.hypothetical)))
            elif phrases & cues.future:
                result.add(FUTURE, next(iter(phrases & cues.future)))
            if hlemma in cues.negation or head.lower_ in cues.negation:
                result.add(NEGATED, f"{head.text}")
            elif hlemma in cues.hypothetical:
                result.add(HYPOTHETICAL, f"{head.text}")
            elif hlemma in cues.future and (node.dep_ != "dobj" or head.pos_ == "VERB"):
                result.add(FUTURE, f"{head.text}")
            _local(head, cues, result)
            if head.pos_ in ("VERB", "AUX") and node.dep_ == "prep":
                _framing_noun(head, node, cues, result)
        elif head.pos_ == "ADP" and head.lower_ in cues.negation:
            result.add(NEGATED, head.lower_)
        node = head
    return result
