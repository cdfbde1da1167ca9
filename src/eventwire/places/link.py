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

from functools import lru_cache
from importlib import resources
from pathlib import Path

from spacy.tokens import Token

from .. import record
from ..errors import DataFileError

_CLAUSE_DEPS = frozenset({"ccomp", "xcomp", "advcl", "relcl", "acl", "csubj", "parataxis", "ROOT"})
_QUALIFIER_DEPS = frozenset({"appos", "npadvmod", "conj"})
_MAX_HOPS = 8


@lru_cache(maxsize=1)
def linking_rules() -> tuple[dict[str, int], dict[str, int]]:
    """(preposition -> rank, dependency relation -> rank) from ``linking.tsv``."""
    path = Path(str(resources.files("eventwire") / "data" / "places" / "linking.tsv"))
    preps: dict[str, int] = {}
    deps: dict[str, int] = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise DataFileError(str(path), f"cannot be read: {exc}") from exc
    for lineno, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) < 3 or cols[0] not in ("prep", "dep") or not cols[2].strip().isdigit():
            raise DataFileError(f"{path}:{lineno}", "expected 'prep|dep <TAB> word <TAB> rank'")
        (preps if cols[0] == "prep" else deps)[cols[1].strip()] = int(cols[2])
    return preps, deps


def _climb(root: Token, trigger: Token) -> tuple[int, int, bool] | None:
    """(rank, hops, via_qualifier) when ``root`` reaches ``trigger`` in its clause."""
    preps, deps = linking_rules()
    if root.head == trigger and root.dep_ in deps:
        return deps[root.dep_], 1, False
    rank: int | None = None
    qualifier = False
    tok = root
    for hops in range(1, _MAX_HOPS + 1):
        if tok.dep_ == "ROOT" and tok != trigger:
            return None
        head = tok.head
        if tok.dep_ in _QUALIFIER_DEPS and head.ent_type_ in ("GPE", "LOC", "FAC") and rank is None:
            qualifier = True
        if tok.dep_ == "prep" and rank is None:
            word = tok.lower_
            if word not in preps:
                return None
            rank = preps[word]
        if head == trigger:
            return (rank, hops, qualifier) if rank is not None else None
        if head.pos_ in ("VERB", "AUX") or tok.dep_ in _CLAUSE_DEPS:
            return None
        tok = head
    return None


def linked_place(trigger: Token, places: list[record.Place]) -> record.Place | None:
    """The place attached to ``trigger`` by a locative preposition in its clause, or None.

    ``places`` carry spans in ``trigger.doc.text`` offsets (``doc._.places``).
    Never raises: odd input gives ``None``.
    """
    if not isinstance(trigger, Token) or not places:
        return None
    doc = trigger.doc
    sent = trigger.sent
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
        if found is None:
            continue
        rank, hops, qualifier = found
        key = (rank, hops, qualifier, abs(span.root.i - trigger.i))
        if best is None or key < best[0]:
            best = (key, place)
    return best[1] if best else None
