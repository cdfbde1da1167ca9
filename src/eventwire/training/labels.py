"""Gold events as labels of the event model's candidates.

A gold event names its trigger words and the evidence (sentence or clause) they
stand in. The candidate that carries the label is the first verb among the
candidates inside the trigger (else its first candidate): "took to the streets"
→ "took", "a hunger strike" → "strike". Other candidates inside a trigger are
left out of training (neither event nor non-event). Required, optional and
non-asserted gold events all label their trigger (optional events are real
events: repeats, or a second acceptable type); when two gold events share a
word, a required asserted one wins. Every other candidate is "no event".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..clean import TextMap
from ..events.model.features import FACTUALITIES, TYPES, Candidate

NONE = 0
IGNORE = -1


@dataclass
class Labels:
    type: np.ndarray  # class per candidate: 0 none, 1..16 TYPES, -1 ignore
    fact: np.ndarray  # index into FACTUALITIES, -1 where not an event
    #: gold events whose trigger holds no candidate (the model cannot find them)
    unreachable: list[dict[str, Any]]


def _priority(ev: dict[str, Any]) -> int:
    asserted = ev.get("factuality", "asserted") == "asserted"
    return (0 if asserted else 2) + (1 if ev.get("optional") else 0)


def label(gold: dict[str, Any], cands: list[Candidate], tmap: TextMap) -> Labels:
    text: str = gold["text"]
    lower = text.lower()
    spans = [tmap.to_original(c.token.idx, c.token.idx + len(c.token.text)) for c in cands]
    y = np.zeros(len(cands), dtype=np.int64)
    f = np.full(len(cands), -1, dtype=np.int64)
    taken = np.zeros(len(cands), dtype=bool)
    unreachable: list[dict[str, Any]] = []
    for ev in sorted(gold.get("events", []), key=_priority):
        ev_s = text.find(ev["evidence"])
        if ev_s < 0:
            continue
        ev_e = ev_s + len(ev["evidence"])
        trig = (ev.get("trigger") or "").lower()
        t_s = lower.find(trig, ev_s, ev_e) if trig else -1
        if t_s < 0:
            for k, (s, e) in enumerate(spans):
                if s < ev_e and ev_s < e and not taken[k]:
                    y[k] = IGNORE
            continue
        t_e = t_s + len(trig)
        inside = [k for k, (s, e) in enumerate(spans) if s < t_e and t_s < e]
        if not inside:
            unreachable.append(ev)
            continue
        verbs = [k for k in inside if cands[k].token.pos_ == "VERB"]
        head = (verbs or inside)[0]
        for k in inside:
            if not taken[k] and k != head:
                y[k] = IGNORE
        if taken[head]:
            continue
        taken[head] = True
        y[head] = TYPES.index(ev["type"]) + 1
        f[head] = FACTUALITIES.index(ev.get("factuality", "asserted"))
    return Labels(type=y, fact=f, unreachable=unreachable)
