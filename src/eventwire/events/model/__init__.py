"""The trained event model: rules propose, a trained model decides.

For every candidate word of an article (the lexicon's matches and every other
verb and common noun, ``features``), the model predicts whether it reports an
event and of which PLOVER type, and the event's factuality; the probability,
calibrated on out-of-fold predictions, becomes the event's ``confidence``. The
rules keep what they do well: arguments, dates, places, sources and the merging
of mentions of one action are still found by the coder for each accepted word.

The encoder (``encoder``) is a small transformer run by onnxruntime; the heads
(``head``) are numpy. Training, validation and the model card: ``docs/model.md``
and ``eventwire.training``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from spacy.tokens import Doc

from ..factuality import ASSERTED
from ..lexicon import CAMEO_BY_TYPE, TriggerEntry
from .encoder import load_encoder
from .features import (
    FACTUALITIES,
    RULE_FEATURES,
    TYPES,
    Candidate,
    candidate_features,
)
from .head import WEIGHTS_PATH, Heads

if TYPE_CHECKING:
    from ..coder import EventCoder

#: the CAMEO root of a type when no lexicon entry gives one (EVENTS.md section 2)
_DEFAULT_CAMEO = {t: ("10" if t == "REQUEST" else min(c)) for t, c in CAMEO_BY_TYPE.items()}


@dataclass
class Decision:
    """What the model said about one accepted word."""

    type: str
    #: P(this word reports an event of this type)
    probability: float
    factuality: str
    p_asserted: float
    #: calibrated probability that the event is right (asserted events), else ``probability``
    confidence: float
    #: the rule features that pushed hardest towards this type, with their weight
    reasons: list[tuple[str, float]] = field(default_factory=list)


class EventModel:
    """Scores candidates with the shipped (or given) weights."""

    def __init__(self, weights: str | Path | None = None, model_dir: str | None = None) -> None:
        self.heads = Heads.load(Path(weights) if weights else WEIGHTS_PATH)
        self.encoder = load_encoder(model_dir)

    def features(self, doc: Doc, coder: EventCoder) -> tuple[list[Candidate], np.ndarray]:
        """The candidates and their raw feature rows (encoder vectors, then rule features)."""
        return candidate_features(doc, coder, self.encoder)

    def probabilities(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        Z = self.heads.standardise(X)
        return self.heads.type_probs(Z), self.heads.fact_probs(Z)

    def decide(self, doc: Doc, coder: EventCoder) -> list[tuple[Candidate, TriggerEntry, Decision]]:
        """The candidates the model accepts, each with its lexicon entry (or one made for
        the predicted type) and the decision."""
        cands, X = self.features(doc, coder)
        if not cands:
            return []
        P, F = self.probabilities(X)
        heads = self.heads
        p_event = 1.0 - P[:, 0]
        out: list[tuple[Candidate, TriggerEntry, Decision]] = []
        for r in np.flatnonzero(p_event >= heads.threshold):
            c = cands[int(r)]
            k = int(np.argmax(P[r, 1:])) + 1
            typ = TYPES[k - 1]
            p_type = float(P[r, k])
            p_assert = float(F[r, 0])
            if p_assert >= heads.fact_threshold:
                fact = ASSERTED
                conf = float(heads.calibrate(p_type * p_assert))
            else:
                fact = FACTUALITIES[int(np.argmax(F[r, 1:])) + 1]
                conf = p_type
            entry = next((e for e in c.entries if e.type == typ), None)
            if entry is None:
                tok = c.token
                pos = "VERB" if tok.pos_ == "VERB" else "NOUN"
                entry = TriggerEntry(
                    type=typ,
                    lemma=tok.lemma_.lower(),
                    pos=pos,
                    cameo=_DEFAULT_CAMEO[typ],
                    weight=round(p_type, 3),
                    origin="event model",
                )
            decision = Decision(
                type=typ,
                probability=round(p_type, 3),
                factuality=fact,
                p_asserted=round(p_assert, 3),
                confidence=round(conf, 3),
                reasons=self._reasons(X[r], k) if doc._.explain else [],
            )
            out.append((c, entry, decision))
        return out

    def _reasons(self, x: np.ndarray, k: int, top: int = 3) -> list[tuple[str, float]]:
        """The rule features with the largest contribution to class ``k`` (and the
        encoder's contribution as a whole, as ``"encoder"``)."""
        heads = self.heads
        z = heads.standardise(x[None, :])[0]
        contrib = heads.type_coef[k] * z - heads.type_coef[0] * z
        n_rule = len(RULE_FEATURES)
        # only the features present on this word (an absent one also "contributes", by
        # its absence, which reads badly as a reason)
        rule = np.where(x[-n_rule:] != 0, contrib[-n_rule:], -np.inf)
        order = np.argsort(-rule)[:top]
        reasons = [(RULE_FEATURES[i], round(float(rule[i]), 2)) for i in order if rule[i] > 0]
        reasons.append(("encoder", round(float(contrib[:-n_rule].sum()), 2)))
        return reasons
