"""The event model's trained weights and their numpy inference.

Two multinomial logistic heads over the same standardised features:

* ``type``: 17 classes, "no event" and the 16 PLOVER types;
* ``fact``: the factuality of an event (asserted, negated, future, hypothetical).

``calibration`` maps the product P(type) x P(asserted) of an asserted event to
the probability that it is a correct event, by isotonic regression fitted on
out-of-fold predictions (``eventwire.training``). ``threshold`` is the P(event)
above which a candidate becomes an event. Everything is stored in one ``.npz``
file, with the feature names it was fitted with and a JSON ``meta`` record.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ...errors import EventwireError
from .features import FACTUALITIES, RULE_FEATURES, TYPES

WEIGHTS_PATH = Path(__file__).resolve().parents[2] / "data" / "models" / "event_model.npz"


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    out: np.ndarray = e / e.sum(axis=1, keepdims=True)
    return out


@dataclass
class Heads:
    """Weights of the two heads and the decision settings."""

    mean: np.ndarray
    scale: np.ndarray
    type_coef: np.ndarray  # (17, d)
    type_bias: np.ndarray  # (17,)
    fact_coef: np.ndarray  # (4, d)
    fact_bias: np.ndarray  # (4,)
    threshold: float = 0.5
    fact_threshold: float = 0.5
    #: isotonic calibration of asserted events' confidence: x knots and y values
    calib_x: np.ndarray = field(default_factory=lambda: np.array([0.0, 1.0]))
    calib_y: np.ndarray = field(default_factory=lambda: np.array([0.0, 1.0]))
    rule_features: tuple[str, ...] = RULE_FEATURES
    meta: dict[str, Any] = field(default_factory=dict)

    def standardise(self, X: np.ndarray) -> np.ndarray:
        out: np.ndarray = (X - self.mean) / self.scale
        return out

    def type_probs(self, Z: np.ndarray) -> np.ndarray:
        return _softmax(Z @ self.type_coef.T + self.type_bias)

    def fact_probs(self, Z: np.ndarray) -> np.ndarray:
        return _softmax(Z @ self.fact_coef.T + self.fact_bias)

    def calibrate(self, p: np.ndarray | float) -> np.ndarray:
        return np.interp(p, self.calib_x, self.calib_y)

    # ------------------------------------------------------------------ files
    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        meta = dict(self.meta)
        meta.update(
            threshold=self.threshold,
            fact_threshold=self.fact_threshold,
            rule_features=list(self.rule_features),
            types=list(TYPES),
            factualities=list(FACTUALITIES),
        )
        with path.open("wb") as fh:
            np.savez_compressed(
                fh,
                mean=self.mean.astype(np.float32),
                scale=self.scale.astype(np.float32),
                type_coef=self.type_coef.astype(np.float32),
                type_bias=self.type_bias.astype(np.float32),
                fact_coef=self.fact_coef.astype(np.float32),
                fact_bias=self.fact_bias.astype(np.float32),
                calib_x=self.calib_x.astype(np.float64),
                calib_y=self.calib_y.astype(np.float64),
                meta=np.array(json.dumps(meta, sort_keys=True)),
            )

    @classmethod
    def load(cls, path: Path = WEIGHTS_PATH) -> Heads:
        if not path.is_file():
            raise EventwireError(
                f"the event model's weights {path} are missing; run 'make train', reinstall "
                "eventwire, or run with the rules alone (--no-model)"
            )
        try:
            with np.load(path, allow_pickle=False) as z:
                meta = json.loads(str(z["meta"]))
                heads = cls(
                    mean=z["mean"],
                    scale=z["scale"],
                    type_coef=z["type_coef"],
                    type_bias=z["type_bias"],
                    fact_coef=z["fact_coef"],
                    fact_bias=z["fact_bias"],
                    calib_x=z["calib_x"],
                    calib_y=z["calib_y"],
                    threshold=float(meta["threshold"]),
                    fact_threshold=float(meta.get("fact_threshold", 0.5)),
                    rule_features=tuple(meta["rule_features"]),
                    meta=meta,
                )
        except (OSError, KeyError, ValueError) as exc:
            raise EventwireError(f"the event model's weights {path} are unreadable: {exc}") from exc
        if heads.rule_features != RULE_FEATURES or tuple(meta.get("types", ())) != TYPES:
            raise EventwireError(
                f"the event model's weights {path} were fitted with other features than this "
                "version of eventwire computes; run 'make train' again"
            )
        return heads
