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
"""

from __future__ import annotations

from spacy.tokens import Doc

from ..record import Actor, Event


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
            if ev.date_source in (None, "article") and dated:
                ev.date, ev.date_source = dated[0].date, "coreference"
            if (ev.location is None or ev.location_source in ("dateline", "article")) and placed:
                ev.location, ev.location_source = placed[0].location, "coreference"
            if (ev.actor is None or not (ev.actor.country or ev.actor.entity)) and acted:
                src = acted[0].actor
                assert src is not None
                ev.actor = src.model_copy(update={"text": ev.actor.text if ev.actor else src.text})
