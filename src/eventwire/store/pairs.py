"""Mention-pair evidence for cross-article event coreference ("stories").

Two event mentions of one PLOVER type are described by a vector of features
(:data:`FEATURES`): the same trigger stem and CAMEO code, participants that
agree or clash (names compared through their identifying words, so "the
Taliban" and "Taliban fighters", or "President Jane Doe" and "Doe", agree;
countries), places (same name, within ``km``, or a clash of countries or
distance), dates at their precision (only dates written in the text count as
evidence; the publication date does not), numbers that agree ("killed 12" /
"at least 12") or clash, and the cosine of the two sentences' bags of stems.
A logistic model turns them into a probability that the two mentions report
the same real event; its weights and decision threshold live in
``data/stories/pair_weights.json`` and are learned from ECB+ training topics
(``bench/store_ecbplus.py --fit``), never set by hand.

Word lists (stop words, generic title/group words in names, number words) are
in ``data/stories/words.json``.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any

FEATURES: tuple[str, ...] = (
    "same_trigger",
    "same_cameo",
    "cameo_clash",
    "actor_agree",
    "actor_clash",
    "target_agree",
    "target_clash",
    "country_agree",
    "country_clash",
    "place_agree",
    "place_clash",
    "date_agree",
    "date_clash",
    "numbers_agree",
    "numbers_clash",
    "sentence_cosine",
    "same_article",
    "trigger_x_cosine",
)

#: Sentence words (the longest ones) that make blocking keys with the trigger.
KEY_WORDS = 6

_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
_NUM = re.compile(r"\d[\d,]*(?:\.\d+)?")


@dataclass(frozen=True)
class Words:
    stop: frozenset[str]
    generic: frozenset[str]
    numbers: dict[str, int]


@cache
def words() -> Words:
    raw = json.loads(
        resources.files("eventwire.data").joinpath("stories/words.json").read_text("utf-8")
    )
    return Words(
        frozenset(raw["stopwords"]),
        frozenset(raw["generic_name_words"]),
        {str(k): int(v) for k, v in raw["number_words"].items()},
    )


@dataclass(frozen=True)
class PairModel:
    """Logistic model over :data:`FEATURES`; ``threshold`` is on the probability."""

    weights: tuple[float, ...]
    bias: float
    threshold: float
    meta: dict[str, Any]

    def score(self, x: list[float]) -> float:
        z = self.bias + sum(w * v for w, v in zip(self.weights, x, strict=True))
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))

    def to_json(self) -> dict[str, Any]:
        return {
            **self.meta,
            "features": list(FEATURES),
            "weights": dict(zip(FEATURES, self.weights, strict=True)),
            "bias": self.bias,
            "threshold": self.threshold,
        }

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> PairModel:
        w = raw["weights"]
        missing = [f for f in FEATURES if f not in w]
        if missing:
            raise ValueError(f"pair weights lack feature(s) {', '.join(missing)}")
        meta = {
            k: v for k, v in raw.items() if k not in ("features", "weights", "bias", "threshold")
        }
        return cls(
            tuple(float(w[f]) for f in FEATURES), float(raw["bias"]), float(raw["threshold"]), meta
        )


@cache
def default_model() -> PairModel:
    raw = json.loads(
        resources.files("eventwire.data").joinpath("stories/pair_weights.json").read_text("utf-8")
    )
    return PairModel.from_json(raw)


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """A light suffix-stripping stem: killed/killing/kills → kill, dies/died/die → di."""
    w = word.lower()
    for suf in ("ings", "ing", "ied", "ies", "ed", "es", "s", "ly"):
        if w.endswith(suf) and len(w) - len(suf) >= 3:
            w = w[: -len(suf)]
            break
    if len(w) > 3 and w.endswith("e"):
        w = w[:-1]
    if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "aeiouls":
        w = w[:-1]  # stopped/stopping → stop
    return w


@lru_cache(maxsize=100_000)
def name_key(name: str | None) -> frozenset[str]:
    """The identifying words of an actor name (stems, without stop and generic words)."""
    if not name:
        return frozenset()
    ws = words()
    return frozenset(
        stem(t) for t in _WORD.findall(name.lower()) if t not in ws.stop and t not in ws.generic
    )


def sentence_bag(text: str | None, tokens: list[str] | None = None) -> frozenset[str]:
    """The stems of the sentence's words (stop words and words under 3 letters left out)."""
    if tokens is None:
        tokens = _WORD.findall(text.lower()) if text else []
    stop = words().stop
    return frozenset([stem(t) for t in tokens if len(t) > 2 and t not in stop])


def numbers(text: str | None, tokens: list[str] | None = None) -> frozenset[int]:
    """Counts written in the sentence, in digits or words (years 1900-2100 left out)."""
    if not text:
        return frozenset()
    out: set[int] = set()
    for m in _NUM.findall(text):
        try:
            v = float(m.replace(",", ""))
        except ValueError:
            continue
        if v.is_integer() and not (1900 <= v <= 2100 and "," not in m):
            out.add(int(v))
    nw = words().numbers
    if tokens is None:
        tokens = _WORD.findall(text.lower())
    for t in nw.keys() & set(tokens):
        out.add(nw[t])
    return frozenset(out)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))


@dataclass(slots=True)
class Mention:
    """One stored event mention, prepared for pair scoring."""

    idx: int
    article_id: str
    event_id: str
    type: str
    day: int | None
    #: the date as written when the text gave one (``YYYY-MM-DD`` or ``YYYY-MM``), else None
    text_date: str | None
    trigger: str
    cameo: str | None
    actor: frozenset[str]
    actor_country: str | None
    target: frozenset[str]
    target_country: str | None
    place: str | None
    loc_country: str | None
    lat: float | None
    lon: float | None
    nums: frozenset[int]
    bag: frozenset[str]

    def block_keys(self) -> set[str]:
        """Candidate blocking keys, each a pair of evidence so that a common trigger or
        name alone never makes a candidate: the trigger stem with each of the sentence's
        :data:`KEY_WORDS` longest other words (longer words are rarer), with each
        actor/target word and with the place; an actor/target word with the place."""
        trig = self.trigger
        parts = set(trig.split())
        # longest first, ties in alphabetical order (two C sorts: no key function calls)
        ws = sorted(sorted(self.bag - parts), key=len, reverse=True)
        keys = {"tw:" + trig + "|" + w for w in ws[:KEY_WORDS]}
        names = self.actor | self.target
        keys.update(f"tn:{trig}|{n}" for n in names)
        if self.place:
            keys.add(f"tp:{trig}|{self.place}")
            keys.update(f"np:{n}|{self.place}" for n in names)
        return keys


def make_mention(idx: int, row: dict[str, Any]) -> Mention:
    """A :class:`Mention` from an ``events`` row given as a dict (keys: the names of
    :data:`MENTION_COLUMNS`)."""
    return mention_from_tuple(idx, tuple(row.get(n) for n in MENTION_NAMES))


def mention_from_tuple(idx: int, r: tuple[Any, ...]) -> Mention:
    """A :class:`Mention` from the first columns of a row selected with
    :data:`MENTION_COLUMNS`."""
    (article_id, event_id, typ, dayn, date, date_source, trigger_text, cameo, actor_name,
     actor_text, actor_country, target_name, target_text, target_country, location_name,
     location_country, lat, lon, sentence) = r[:19]  # fmt: skip
    trig = " ".join(stem(t) for t in _WORD.findall((trigger_text or "").lower()))
    text_date = None
    if date and date_source not in (None, "article", "publication"):
        text_date = str(date)
    tokens = _WORD.findall(sentence.lower()) if sentence else []
    return Mention(
        idx=idx,
        article_id=article_id,
        event_id=event_id,
        type=typ,
        day=dayn,
        text_date=text_date,
        trigger=trig,
        cameo=cameo,
        actor=name_key(actor_name or actor_text),
        actor_country=actor_country,
        target=name_key(target_name or target_text),
        target_country=target_country,
        place=(location_name or "").strip().lower() or None,
        loc_country=location_country,
        lat=lat,
        lon=lon,
        nums=numbers(sentence, tokens),
        bag=sentence_bag(sentence, tokens),
    )


#: ``events`` columns a :class:`Mention` is built from (``dayn``: days since 1970).
MENTION_COLUMNS = (
    "e.article_id, e.event_id, e.type, "
    "CASE WHEN e.day IS NULL THEN NULL ELSE date_diff('day', DATE '1970-01-01', e.day) END "
    "AS dayn, e.date, e.date_source, e.trigger_text, e.cameo, e.actor_name, e.actor_text, "
    "e.actor_country, e.target_name, e.target_text, e.target_country, e.location_name, "
    "e.location_country, e.location_lat, e.location_lon, e.sentence"
)


#: The names of :data:`MENTION_COLUMNS`, in order.
MENTION_NAMES: tuple[str, ...] = (
    "article_id", "event_id", "type", "dayn", "date", "date_source", "trigger_text", "cameo",
    "actor_name", "actor_text", "actor_country", "target_name", "target_text",
    "target_country", "location_name", "location_country", "location_lat", "location_lon",
    "sentence",
)  # fmt: skip


def compatible(a: Mention, b: Mention, km: float) -> bool:
    """Hard constraint before any scoring: places with coordinates at most ``km`` apart."""
    if a.lat is not None and a.lon is not None and b.lat is not None and b.lon is not None:
        if abs(a.lat - b.lat) * 111.19 > km:  # a degree of latitude is 111.19 km
            return False
        return (a.lat == b.lat and a.lon == b.lon) or haversine_km(a.lat, a.lon, b.lat, b.lon) <= km
    return True


def _dates(a: str | None, b: str | None) -> tuple[float, float]:
    if not a or not b:
        return 0.0, 0.0
    n = min(len(a), len(b))  # compare at the coarser precision
    return (1.0, 0.0) if a[:n] == b[:n] else (0.0, 1.0)


def features(a: Mention, b: Mention, km: float) -> list[float]:
    """The feature vector (:data:`FEATURES`) of a pair of mentions."""
    same_trigger = 1.0 if a.trigger and a.trigger == b.trigger else 0.0
    same_cameo = 1.0 if a.cameo and a.cameo == b.cameo else 0.0
    cameo_clash = 1.0 if a.cameo and b.cameo and a.cameo != b.cameo else 0.0
    actor_agree = 1.0 if a.actor & b.actor else 0.0
    actor_clash = 1.0 if a.actor and b.actor and not actor_agree else 0.0
    target_agree = 1.0 if a.target & b.target else 0.0
    target_clash = 1.0 if a.target and b.target and not target_agree else 0.0
    c_agree = c_clash = 0.0
    for x, y in ((a.actor_country, b.actor_country), (a.target_country, b.target_country)):
        if x and y:
            if x == y:
                c_agree = 1.0
            else:
                c_clash = 1.0
    p_agree = p_clash = 0.0
    if a.place and a.place == b.place:
        p_agree = 1.0
    if a.lat is not None and a.lon is not None and b.lat is not None and b.lon is not None:
        if haversine_km(a.lat, a.lon, b.lat, b.lon) <= km:
            p_agree = 1.0
        else:
            p_clash = 1.0
    if a.loc_country and b.loc_country and a.loc_country != b.loc_country:
        p_clash = 1.0
    d_agree, d_clash = _dates(a.text_date, b.text_date)
    n_agree = 1.0 if a.nums & b.nums else 0.0
    n_clash = 1.0 if a.nums and b.nums and not n_agree else 0.0
    cos = 0.0
    if a.bag and b.bag:
        cos = len(a.bag & b.bag) / math.sqrt(len(a.bag) * len(b.bag))
    same_article = 1.0 if a.article_id == b.article_id else 0.0
    return [
        same_trigger, same_cameo, cameo_clash, actor_agree, actor_clash, target_agree,
        target_clash, c_agree, c_clash, p_agree, p_clash, d_agree, d_clash, n_agree, n_clash,
        cos, same_article, same_trigger * cos,
    ]  # fmt: skip
