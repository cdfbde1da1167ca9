"""``linked_place``: the place syntactically attached to an event trigger.

The rule (also in ``docs/places.md``): from the root token of each place in
the trigger's sentence, climb the dependency tree towards the trigger. The
climb passes through noun phrases (compound, appos, conj, pobj, dobj, nsubj,
agent, ... of nouns and prepositions) but stops at any other verb or clause
head, so only places in the trigger's own clause are reached. The place
links when the climb reaches the trigger and either

* went through a locative preposition listed in ``data/places/linking.tsv``
  ("killed ... **at** Baghdad airport", "told the embassy **in** Baghdad"), or
* the place is itself the trigger's dependent with a listed relation
  ("visited Kyiv": ``dobj``).

Among linked places the one with the best (lowest) rank in that file wins,
then the one whose climb was shortest, then a place that is not a qualifier
of another ("rallied in Saada, Yemen" -> Saada), then the nearest one.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from spacy.tokens import Token

from .. import record
from ..errors import DataFileError
from ..nlp import sentence_of

_CLAUSE_DEPS = frozenset({"ccomp", "xcomp", "advcl", "relcl", "acl", "csubj", "parataxis", "ROOT"})
_QUALIFIER_DEPS = frozenset({"appos", "npadvmod", "conj"})
_MAX_HOPS = 8


@dataclass(frozen=True)
class _Rule:
    rank: int
    countries: bool


@lru_cache(maxsize=1)
def linking_rules() -> tuple[dict[str, _Rule], dict[str, _Rule], frozenset[str]]:
    """(preposition -> rule, dependency relation -> rule, pass-through prepositions)."""
    path = Path(str(resources.files("eventwire") / "data" / "places" / "linking.tsv"))
    preps: dict[str, _Rule] = {}
    deps: dict[str, _Rule] = {}
    passing: set[str] = set()
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise DataFileError(str(path), f"cannot be read: {exc}") from exc
    for lineno, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cols = [c.strip() for c in line.split("\t")]
        if (
            len(cols) < 4
            or cols[0] not in ("prep", "dep", "pass")
            or not cols[2].isdigit()
            or cols[3] not in ("yes", "no")
        ):
            raise DataFileError(
                f"{path}:{lineno}", "expected 'prep|dep|pass <TAB> word <TAB> rank <TAB> yes|no'"
            )
        if cols[0] == "pass":
            passing.add(cols[1])
        else:
            (preps if cols[0] == "prep" else deps)[cols[1]] = _Rule(int(cols[2]), cols[3] == "yes")
    return preps, deps, frozenset(passing)


_NOMINAL_DEPS = frozenset({"acl", "pobj", "dobj", "nsubj", "nsubjpass", "compound", "conj"})


def _nominal(tok: Token) -> bool:
    """A gerund used as a noun ("killed in police **firing** in limkheda"): tagged VBG,
    attached as a noun is, and without a subject or object of its own."""
    if tok.tag_ != "VBG" or tok.dep_ not in _NOMINAL_DEPS:
        return False
    if tok.dep_ == "acl" and tok.head.pos_ not in ("NOUN", "PROPN"):
        return False
    return not any(c.dep_ in ("nsubj", "nsubjpass", "dobj", "ccomp", "xcomp") for c in tok.children)


def _climb(root: Token, target: Token) -> tuple[_Rule, int, bool] | None:
    """(rule, hops, via_qualifier) when ``root`` reaches ``target`` within its clause.

    A place that modifies the target directly, or through a chain of compounds
    ("the Manchester suicide bombing"), links by its relation; otherwise the
    climb must cross a listed preposition; pass-through prepositions ("the
    heart **of** London") are crossed, any other preposition stops the climb.
    """
    preps, deps, passing = linking_rules()
    # the target's own dependent, or a compound chain ending at the target
    tok, hops = root, 1
    first = root.dep_
    while tok.dep_ == "compound" and tok.head != target and hops < _MAX_HOPS:
        tok, hops = tok.head, hops + 1
    if tok.head == target and first in deps and (tok == root or first == "compound"):
        return deps[first], hops, False
    rule: _Rule | None = None
    qualifier = False
    tok = root
    for hops in range(1, _MAX_HOPS + 1):
        if tok.dep_ == "ROOT" and tok != target:
            return None
        head = tok.head
        if tok.dep_ in _QUALIFIER_DEPS and head.ent_type_ in ("GPE", "LOC", "FAC") and rule is None:
            qualifier = True
        if tok.dep_ == "prep":
            if tok.lower_ not in preps and tok.lower_ not in passing:
                return None  # "unlike in Cuba", "relations with Cuba"
            if rule is None and tok.lower_ in preps:
                rule = preps[tok.lower_]
        if head == target:
            return (rule, hops, qualifier) if rule is not None else None
        if (head.pos_ in ("VERB", "AUX") and not _nominal(head)) or (
            tok.dep_ in _CLAUSE_DEPS and not _nominal(tok)
        ):
            return None
        tok = head
    return None


def _governor(trigger: Token) -> Token | None:
    """The verb a noun trigger is the subject or object of ("launched **raids**" -> launched)."""
    if trigger.pos_ not in ("NOUN", "PROPN"):
        return None
    tok = trigger
    while tok.dep_ == "conj" and tok.head != tok:  # "car and foot patrols were seen"
        tok = tok.head
    if tok.dep_ in ("dobj", "nsubj", "nsubjpass", "attr") and tok.head.pos_ in ("VERB", "AUX"):
        return tok.head
    return None


def linked_place(trigger: Token, places: list[record.Place]) -> record.Place | None:
    """The place attached to ``trigger`` by a locative preposition in its clause, or None.

    ``places`` carry spans in ``text_of(trigger.doc)`` offsets (``doc._.places``).
    Never raises: odd input gives ``None``.
    """
    if not isinstance(trigger, Token) or not places:
        return None
    doc = trigger.doc
    try:
        sent = sentence_of(trigger)
    except ValueError:  # no sentence boundaries (no parser): the whole doc
        sent = doc[:]
    governor = _governor(trigger)
    best: tuple[tuple[int, int, bool, int], record.Place] | None = None
    for place in places:
        try:
            start, end = int(place.span[0]), int(place.span[1])
        except (AttributeError, TypeError, ValueError, IndexError):
            continue
        if start < sent.start_char or end > sent.end_char:
            continue
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None or len(span) == 0:
            continue
        if trigger in span:
            continue
        found = _climb(span.root, trigger)
        penalty = 0
        if found is None and governor is not None and governor not in span:
            found = _climb(span.root, governor)
            penalty = 1
        if found is None:
            continue
        rule, hops, qualifier = found
        if not rule.countries and place.feature in ("country", "continent"):
            continue
        key = (rule.rank + penalty, hops, qualifier, abs(span.root.i - trigger.i))
        if best is None or key < best[0]:
            best = (key, place)
    return best[1] if best else None
