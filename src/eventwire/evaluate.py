"""Scoring output records against gold annotations (shared/gold/README.md).

Usable on any annotated data in the gold format of EVENTS.md section 9: one
JSON file per article with ``text``, ``date``, ``events`` and ``quotes``.

The figures follow the reference scorer ``shared/eval/scoring/score.py`` (and
``calibration.py`` for ``ece``) exactly; each rule below is the reference's:

* Gold events: one whose ``factuality`` is not ``asserted`` is *non-asserted*;
  else one marked ``optional`` is optional; else it is *required*. An event's
  span is the **first** occurrence of its ``evidence`` in the text.
* System events (only ``asserted`` ones), **in output order**: each takes the
  first still unmatched required gold event of the same type whose span its
  trigger span (else its sentence span) overlaps: a true positive. One that
  takes none but overlaps an optional gold event of its type is ignored. Any
  other is a false positive, and it *leaks* the first non-asserted gold event
  it overlaps, **whatever its type**. ``nonasserted_leak_rate`` is the share
  of non-asserted gold events leaked.
* On true positives, for each gold role (actor, target) present: country right
  when the gold country is null or equal to the system's; name right when a
  content word of the gold name (a word ``[a-z0-9]+`` of the lower-cased name,
  longer than two characters and not in :data:`NAME_STOPWORDS`; all its words
  when none is) is a word of the system's ``name`` or ``text``. Date right when
  the system date starts with the gold date (a gold ``2020-01`` matches any day
  of January 2020). Location right when the system has one, its country equals
  the gold country (when the gold gives one) and the name test passes.
* Quotes (direct only), system quotes in output order: each takes the first
  unmatched gold quote whose word set has Jaccard similarity >= 0.6 with its
  own, or (the system quote longer than ten characters as joined words) one of
  whose joined words contains the other's. Speaker right when the gold speaker
  passes the name test against the system speaker.
* ``ece``: the expected calibration error of ``confidence`` over the scored
  system events (true and false positives; ignored ones left out) in ten bins.

Where a figure has no denominator the reference prints ``0.0`` and eventwire
``None`` (n/a). Evidence not found in the text stops the reference; eventwire
lists it (``bad_evidence``) and the event matches nothing. The reference prints
three places; ``figures()`` rounds to four (``digits=None``: unrounded, which
``eventwire eval`` prints to three places). eventwire adds per-article detail
lists (``Scores.details``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

from .errors import InputError
from .record import ArticleRecord, Event

#: words that do not count as content words of a name (the reference's list)
NAME_STOPWORDS = frozenset(
    {"the", "of", "and", "a", "an", "al", "el", "de", "mr", "ms", "president", "minister",
     "prime", "general", "gen", "leader", "supreme", "ayatollah", "secretary", "us", "u.s."}
)  # fmt: skip
_TOKEN = re.compile(r"[a-z0-9]+")


def tokens(text: str | None) -> list[str]:
    """The reference's words: runs of ASCII letters and digits of the lower-cased text."""
    return _TOKEN.findall((text or "").lower())


def content_words(name: str | None) -> list[str]:
    """The words of a gold name that the name test looks for."""
    words = tokens(name)
    content = [w for w in words if w not in NAME_STOPWORDS and len(w) > 2]
    return content or words


def name_match(gold_name: str | None, system: dict[str, Any] | None) -> bool:
    """A content word of the gold name is a word of the system's ``name`` or ``text``."""
    if not gold_name:
        return True
    system = system or {}
    found = set(tokens(system.get("name")) + tokens(system.get("text")))
    return any(w in found for w in content_words(gold_name))


def quote_match(gold: str, system: str) -> bool:
    """Word-set Jaccard >= 0.6, or containment of the joined words (system > 10 chars)."""
    a, b = set(tokens(gold)), set(tokens(system))
    if not a or not b:
        return False
    ga, sb = " ".join(tokens(gold)), " ".join(tokens(system))
    return len(a & b) / len(a | b) >= 0.6 or (len(sb) > 10 and (sb in ga or ga in sb))


def date_match(gold: str, system: str | None) -> bool:
    """The system date at the gold's precision equals the gold date."""
    return str(system or "")[: len(gold)] == gold


def country_match(gold: dict[str, Any], system: dict[str, Any] | None) -> bool:
    """A gold role whose country is null (or absent) is right whatever the system says."""
    return gold.get("country") is None or gold.get("country") == (system or {}).get("country")


def location_match(gold: dict[str, Any], system: dict[str, Any] | None) -> bool:
    if not system:
        return False
    if gold.get("country") and gold["country"] != system.get("country"):
        return False
    return name_match(gold.get("name"), system)


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def expected_calibration_error(pairs: Sequence[tuple[float, int]]) -> float | None:
    """ECE over (confidence, correct) pairs in ten bins [0, .1) ... [.9, 1], as calibration.py."""
    if not pairs:
        return None
    n = len(pairs)
    edges = [i / 10 for i in range(11)]
    ece = 0.0
    for lo, hi in pairwise(edges):
        b = [p for p in pairs if lo <= p[0] < hi or (hi == 1.0 and p[0] == 1.0)]
        if not b:
            continue
        conf = sum(p[0] for p in b) / len(b)
        acc = sum(p[1] for p in b) / len(b)
        ece += len(b) / n * abs(conf - acc)
    return ece


@dataclass
class GoldArticle:
    id: str
    text: str
    date: str | None
    events: list[dict[str, Any]]
    quotes: list[dict[str, Any]]
    path: str = ""

    @classmethod
    def load(cls, path: Path) -> GoldArticle:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(str(path), f"cannot read gold file ({exc})") from None
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}:{exc.lineno}", f"malformed JSON ({exc.msg})") from None
        if not isinstance(data, dict) or not isinstance(data.get("text"), str):
            raise InputError(str(path), "gold file must be an object with a 'text' string")
        events = data.get("events") or []
        quotes = data.get("quotes") or []
        if not isinstance(events, list) or not isinstance(quotes, list):
            raise InputError(str(path), "'events' and 'quotes' must be lists")
        for i, ev in enumerate(events):
            if not isinstance(ev, dict) or "type" not in ev or "evidence" not in ev:
                raise InputError(str(path), f"event {i} needs 'type' and 'evidence'")
            if not isinstance(ev["evidence"], str):
                raise InputError(str(path), f"event {i}: 'evidence' must be a string")
        for i, q in enumerate(quotes):
            if not isinstance(q, dict) or not isinstance(q.get("text"), str):
                raise InputError(str(path), f"quote {i} needs a 'text' string")
        return cls(
            id=str(data.get("id") or path.stem),
            text=data["text"],
            date=data.get("date"),
            events=events,
            quotes=quotes,
            path=str(path),
        )

    def evidence_span(self, evidence: str) -> tuple[int, int] | None:
        """The first occurrence of ``evidence`` in the text (the reference's span), if any."""
        start = self.text.find(evidence)
        return None if start < 0 else (start, start + len(evidence))


def load_gold_dir(path: str | Path) -> tuple[list[GoldArticle], list[InputError]]:
    root = Path(path)
    if not root.exists():
        raise InputError(str(root), "no such file or directory")
    files = [root] if root.is_file() else sorted(root.glob("*.json"))
    articles, errors = [], []
    for f in files:
        try:
            articles.append(GoldArticle.load(f))
        except InputError as err:
            errors.append(err)
    return articles, errors


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Ratio:
    hit: int = 0
    total: int = 0

    def add(self, ok: bool) -> None:
        self.total += 1
        self.hit += int(ok)

    @property
    def value(self) -> float | None:
        return self.hit / self.total if self.total else None


@dataclass
class Scores:
    events: Counts = field(default_factory=Counts)
    quotes: Counts = field(default_factory=Counts)
    actor_country: Ratio = field(default_factory=Ratio)
    actor_name: Ratio = field(default_factory=Ratio)
    target_country: Ratio = field(default_factory=Ratio)
    target_name: Ratio = field(default_factory=Ratio)
    date: Ratio = field(default_factory=Ratio)
    location: Ratio = field(default_factory=Ratio)
    leak: Ratio = field(default_factory=Ratio)
    speaker: Ratio = field(default_factory=Ratio)
    #: (confidence, 1 if a true positive else 0) of every scored system event, for ``ece``
    calibration: list[tuple[float, int]] = field(default_factory=list)
    #: per article: misses, false positives, leaks, quote misses (for --detail)
    details: list[dict[str, Any]] = field(default_factory=list)

    def figures(self, digits: int | None = 4) -> dict[str, Any]:
        """The figures, rounded to ``digits`` places (``None``: unrounded)."""

        def r(x: float | None) -> float | None:
            return None if x is None or digits is None else round(x, digits)

        def keep(x: float | None) -> float | None:
            return x if digits is None else r(x)

        return {
            "articles": len(self.details),
            "event_precision": keep(self.events.precision),
            "event_recall": keep(self.events.recall),
            "event_f1": keep(self.events.f1),
            "event_tp": self.events.tp,
            "event_fp": self.events.fp,
            "event_fn": self.events.fn,
            "actor_country_accuracy": keep(self.actor_country.value),
            "actor_name_accuracy": keep(self.actor_name.value),
            "target_country_accuracy": keep(self.target_country.value),
            "target_name_accuracy": keep(self.target_name.value),
            "date_accuracy": keep(self.date.value),
            "location_accuracy": keep(self.location.value),
            "nonasserted_leak_rate": keep(self.leak.value),
            "quote_precision": keep(self.quotes.precision),
            "quote_recall": keep(self.quotes.recall),
            "quote_f1": keep(self.quotes.f1),
            "speaker_accuracy": keep(self.speaker.value),
            "ece": keep(expected_calibration_error(self.calibration)),
        }


def system_span(ev: Event) -> tuple[int, int]:
    """The span a system event is matched by: its trigger's, else its sentence's."""
    return ev.trigger.span if ev.trigger and ev.trigger.span else ev.sentence_span


def _dump(obj: Any) -> dict[str, Any] | None:
    return obj.model_dump() if obj is not None else None


def _brief(ev: Event) -> dict[str, Any]:
    return {
        "type": ev.type,
        "trigger": ev.trigger.text,
        "actor": ev.actor.name if ev.actor else None,
        "target": ev.target.name if ev.target else None,
        "factuality": ev.factuality,
    }


def score_article(gold: GoldArticle, record: ArticleRecord, scores: Scores) -> None:
    """Add one article's counts to ``scores`` (the reference's rules, module doc)."""
    detail: dict[str, Any] = {"id": gold.id, "missed": [], "false_positives": [], "leaks": [],
                              "wrong_arguments": [], "quote_missed": [], "quote_false": []}  # fmt: skip
    required: list[tuple[dict[str, Any], tuple[int, int] | None]] = []
    optional: list[tuple[dict[str, Any], tuple[int, int]]] = []
    nonasserted: list[tuple[dict[str, Any], tuple[int, int] | None]] = []
    for g in gold.events:
        span = gold.evidence_span(g["evidence"])
        if span is None:  # the reference stops here; eventwire reports it and goes on
            detail.setdefault("bad_evidence", []).append(g["evidence"][:80])
        if g.get("factuality", "asserted") != "asserted":
            nonasserted.append((g, span))
        elif g.get("optional"):
            if span is not None:
                optional.append((g, span))
        else:
            required.append((g, span))

    used: set[int] = set()
    leaked: set[int] = set()
    pairs: list[tuple[dict[str, Any], Event]] = []
    for ev in record.events:
        if ev.factuality != "asserted":
            continue
        sp = system_span(ev)
        hit = next(
            (i for i, (g, gs) in enumerate(required)
             if i not in used and gs is not None and g["type"] == ev.type and _overlap(sp, gs)),
            None,
        )  # fmt: skip
        if hit is not None:
            used.add(hit)
            scores.events.tp += 1
            scores.calibration.append((float(ev.confidence or 0), 1))
            pairs.append((required[hit][0], ev))
            continue
        if any(g["type"] == ev.type and _overlap(sp, gs) for g, gs in optional):
            continue
        scores.events.fp += 1
        scores.calibration.append((float(ev.confidence or 0), 0))
        item = _brief(ev) | {
            "sentence": record.text[ev.sentence_span[0] : ev.sentence_span[1]][:120]
        }
        leak = next(
            (j for j, (_, gs) in enumerate(nonasserted) if gs is not None and _overlap(sp, gs)),
            None,
        )
        if leak is None:
            detail["false_positives"].append(item)
            continue
        leaked.add(leak)
        g = nonasserted[leak][0]
        item["gold"] = {"type": g["type"], "factuality": g.get("factuality"),
                        "evidence": g["evidence"][:120]}  # fmt: skip
        detail["leaks"].append(item)
    for j in range(len(nonasserted)):
        scores.leak.add(j in leaked)
    for i, (g, _) in enumerate(required):
        if i not in used:
            scores.events.fn += 1
            detail["missed"].append({"type": g["type"], "trigger": g.get("trigger"),
                                     "evidence": g["evidence"][:120]})  # fmt: skip

    for g, ev in pairs:
        wrong: dict[str, Any] = {}
        for role, c_ratio, n_ratio in (("actor", scores.actor_country, scores.actor_name),
                                       ("target", scores.target_country, scores.target_name)):  # fmt: skip
            gref = g.get(role)
            if not gref:
                continue
            sdict = _dump(getattr(ev, role))
            ok_c = country_match(gref, sdict)
            c_ratio.add(ok_c)
            ok_n = name_match(gref.get("name"), sdict)
            n_ratio.add(ok_n)
            if not (ok_c and ok_n):
                wrong[role] = {
                    "gold": gref,
                    "system": sdict
                    and {k: sdict.get(k) for k in ("text", "name", "country", "sector")},
                }
        if g.get("date"):
            ok = date_match(str(g["date"]), ev.date)
            scores.date.add(ok)
            if not ok:
                wrong["date"] = {"gold": g["date"], "system": ev.date}
        if g.get("location"):
            sl = _dump(ev.location)
            ok = location_match(g["location"], sl)
            scores.location.add(ok)
            if not ok:
                wrong["location"] = {
                    "gold": g["location"],
                    "system": sl and {k: sl.get(k) for k in ("text", "name", "country")},
                }
        if wrong:
            detail["wrong_arguments"].append(
                {"type": g["type"], "evidence": g["evidence"][:100], **wrong}
            )

    # quotes: direct only; system quotes in output order take the first matching gold quote
    gq = [q for q in gold.quotes if q.get("kind", "direct") == "direct"]
    used_q: set[int] = set()
    for s in record.quotes:
        if s.kind != "direct":
            continue
        hit = next(
            (i for i, q in enumerate(gq) if i not in used_q and quote_match(q["text"], s.text)),
            None,
        )
        if hit is None:
            scores.quotes.fp += 1
            detail["quote_false"].append(s.text[:100])
            continue
        used_q.add(hit)
        scores.quotes.tp += 1
        q = gq[hit]
        ok = name_match(q.get("speaker"), _dump(s.speaker))
        scores.speaker.add(ok)
        if not ok:
            detail.setdefault("wrong_speakers", []).append(
                {
                    "quote": q["text"][:60],
                    "gold": q.get("speaker"),
                    "system": s.speaker.name if s.speaker else None,
                }
            )
    for i, q in enumerate(gq):
        if i not in used_q:
            scores.quotes.fn += 1
            detail["quote_missed"].append(q["text"][:100])
    scores.details.append(detail)


def evaluate(gold: Sequence[GoldArticle], records: Iterable[ArticleRecord]) -> Scores:
    """Score records (in the same order as ``gold``)."""
    scores = Scores()
    for g, rec in zip(gold, records, strict=True):
        score_article(g, rec, scores)
    return scores
