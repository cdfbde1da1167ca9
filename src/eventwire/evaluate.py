"""Scoring output records against gold annotations (shared/gold/README.md).

Usable on any annotated data in the gold format of EVENTS.md section 9: one
JSON file per article with ``text``, ``date``, ``events`` and ``quotes``.

Events (only ``asserted`` ones are scored): a system event matches a gold event
when the types are equal and the system trigger span (else its sentence span)
overlaps the gold ``evidence`` span; each gold event matches at most once.
Optional gold events, and system events matching them, are not counted. On
matched pairs: actor/target country (exact) and name (a content word of the gold
name in the system name or text), date (at the gold's precision), location
(country equal and a content word of the gold place in name or text). Leak rate:
the share of gold non-asserted events output as asserted.
Quotes (direct only): word-set Jaccard ≥ 0.6 or containment; speaker accuracy.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import InputError
from .record import ArticleRecord, Event

STOPWORDS = frozenset(
    {"a", "an", "the", "of", "and", "or", "in", "on", "at", "to", "for", "by", "with", "from",
     "as", "'s", "’s", "s", "mr", "mrs", "ms", "dr"}
)  # fmt: skip
_WORD = re.compile(r"[\w\-]+", re.UNICODE)


def content_words(text: str | None) -> set[str]:
    if not text:
        return set()
    return {w for w in (m.group(0).lower() for m in _WORD.finditer(text)) if w not in STOPWORDS}


def _word_set(text: str) -> set[str]:
    return {m.group(0).lower() for m in _WORD.finditer(text)}


def quote_match(a: str, b: str) -> bool:
    """Jaccard similarity of word sets ≥ 0.6, or one contains the other."""
    na, nb = " ".join(a.split()).strip(), " ".join(b.split()).strip()
    if na and nb and (na in nb or nb in na):
        return True
    wa, wb = _word_set(a), _word_set(b)
    if not wa or not wb:
        return False
    return len(wa & wb) / len(wa | wb) >= 0.6


def name_match(gold_name: str | None, system: dict[str, Any] | None) -> bool:
    gold = content_words(gold_name)
    if not gold:
        return True
    if not system:
        return False
    found = content_words(system.get("name")) | content_words(system.get("text"))
    return bool(gold & found)


def date_match(gold: str, system: str | None) -> bool:
    return bool(system) and str(system)[: len(gold)] == gold


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


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
        for i, ev in enumerate(events):
            if not isinstance(ev, dict) or "type" not in ev or "evidence" not in ev:
                raise InputError(str(path), f"event {i} needs 'type' and 'evidence'")
        return cls(
            id=str(data.get("id") or path.stem),
            text=data["text"],
            date=data.get("date"),
            events=events,
            quotes=data.get("quotes") or [],
            path=str(path),
        )

    def evidence_spans(self, evidence: str) -> list[tuple[int, int]]:
        spans = []
        start = self.text.find(evidence)
        while start != -1:
            spans.append((start, start + len(evidence)))
            start = self.text.find(evidence, start + 1)
        return spans


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
    #: per article: misses, false positives, leaks, quote misses (for --detail)
    details: list[dict[str, Any]] = field(default_factory=list)

    def figures(self) -> dict[str, Any]:
        def r(x: float | None) -> float | None:
            return None if x is None else round(x, 4)

        return {
            "articles": len(self.details),
            "event_precision": r(self.events.precision),
            "event_recall": r(self.events.recall),
            "event_f1": r(self.events.f1),
            "event_tp": self.events.tp,
            "event_fp": self.events.fp,
            "event_fn": self.events.fn,
            "actor_country_accuracy": r(self.actor_country.value),
            "actor_name_accuracy": r(self.actor_name.value),
            "target_country_accuracy": r(self.target_country.value),
            "target_name_accuracy": r(self.target_name.value),
            "date_accuracy": r(self.date.value),
            "location_accuracy": r(self.location.value),
            "nonasserted_leak_rate": r(self.leak.value),
            "quote_precision": r(self.quotes.precision),
            "quote_recall": r(self.quotes.recall),
            "quote_f1": r(self.quotes.f1),
            "speaker_accuracy": r(self.speaker.value),
        }


def _event_spans(ev: Event) -> tuple[int, int]:
    return ev.trigger.span if ev.trigger and ev.trigger.span else ev.sentence_span


def _brief(ev: Event) -> dict[str, Any]:
    return {
        "type": ev.type,
        "trigger": ev.trigger.text,
        "actor": ev.actor.name if ev.actor else None,
        "target": ev.target.name if ev.target else None,
        "factuality": ev.factuality,
    }


def score_article(gold: GoldArticle, record: ArticleRecord, scores: Scores) -> None:
    """Add one article's counts to ``scores``."""
    detail: dict[str, Any] = {"id": gold.id, "missed": [], "false_positives": [], "leaks": [],
                              "wrong_arguments": [], "quote_missed": [], "quote_false": []}  # fmt: skip
    system = [e for e in record.events if e.factuality == "asserted"]
    gold_spans = [gold.evidence_spans(g["evidence"]) for g in gold.events]
    for g, spans in zip(gold.events, gold_spans, strict=True):
        if not spans:
            detail.setdefault("bad_evidence", []).append(g["evidence"][:80])

    def matches(ev: Event, gi: int) -> bool:
        g = gold.events[gi]
        if ev.type != g["type"]:
            return False
        span = _event_spans(ev)
        return any(_overlap(span, gs) for gs in gold_spans[gi])

    required = [i for i, g in enumerate(gold.events)
                if g.get("factuality", "asserted") == "asserted" and not g.get("optional")]  # fmt: skip
    optional = [i for i, g in enumerate(gold.events)
                if g.get("factuality", "asserted") == "asserted" and g.get("optional")]  # fmt: skip
    nonasserted = [
        i for i, g in enumerate(gold.events) if g.get("factuality", "asserted") != "asserted"
    ]

    used: set[int] = set()
    pairs: list[tuple[int, Event]] = []
    for gi in required:
        cands = [(k, ev) for k, ev in enumerate(system) if k not in used and matches(ev, gi)]
        if not cands:
            scores.events.fn += 1
            g = gold.events[gi]
            detail["missed"].append({"type": g["type"], "trigger": g.get("trigger"),
                                     "evidence": g["evidence"][:120]})  # fmt: skip
            continue
        # prefer the candidate whose trigger word equals the gold trigger
        trig = (gold.events[gi].get("trigger") or "").lower()
        cands.sort(key=lambda c: (c[1].trigger.text.lower() != trig, -c[1].confidence))
        k, ev = cands[0]
        used.add(k)
        pairs.append((gi, ev))
        scores.events.tp += 1
    for k, ev in enumerate(system):
        if k in used:
            continue
        if any(matches(ev, gi) for gi in optional):
            continue
        scores.events.fp += 1
        leak = [gi for gi in nonasserted if matches(ev, gi)]
        item = _brief(ev) | {
            "sentence": record.text[ev.sentence_span[0] : ev.sentence_span[1]][:120]
        }
        (detail["leaks"] if leak else detail["false_positives"]).append(item)
    for gi in nonasserted:
        scores.leak.add(any(matches(ev, gi) for ev in system))

    for gi, ev in pairs:
        g = gold.events[gi]
        wrong: dict[str, Any] = {}
        for role, c_ratio, n_ratio in (("actor", scores.actor_country, scores.actor_name),
                                       ("target", scores.target_country, scores.target_name)):  # fmt: skip
            gref = g.get(role)
            if not gref:
                continue
            sref = getattr(ev, role)
            sdict = sref.model_dump() if sref is not None else None
            ok_c = (sdict or {}).get("country") == gref.get("country")
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
            gl = g["location"]
            sl = ev.location.model_dump() if ev.location else None
            ok = (
                sl is not None
                and sl.get("country") == gl.get("country")
                and name_match(gl.get("name"), sl)
            )
            scores.location.add(ok)
            if not ok:
                wrong["location"] = {
                    "gold": gl,
                    "system": sl and {k: sl.get(k) for k in ("text", "name", "country")},
                }
        if wrong:
            detail["wrong_arguments"].append(
                {"type": g["type"], "evidence": g["evidence"][:100], **wrong}
            )

    # quotes: direct only
    gq = [q for q in gold.quotes if q.get("kind", "direct") == "direct"]
    sq = [q for q in record.quotes if q.kind == "direct"]
    used_q: set[int] = set()
    for q in gq:
        hit = next(
            (k for k, s in enumerate(sq) if k not in used_q and quote_match(q["text"], s.text)),
            None,
        )
        if hit is None:
            scores.quotes.fn += 1
            detail["quote_missed"].append(q["text"][:100])
            continue
        used_q.add(hit)
        scores.quotes.tp += 1
        sp = sq[hit].speaker
        ok = (
            name_match(q.get("speaker"), sp.model_dump() if sp else None)
            if q.get("speaker")
            else True
        )
        scores.speaker.add(ok)
        if not ok:
            detail.setdefault("wrong_speakers", []).append(
                {
                    "quote": q["text"][:60],
                    "gold": q.get("speaker"),
                    "system": sp.name if sp else None,
                }
            )
    for k, s in enumerate(sq):
        if k not in used_q:
            scores.quotes.fp += 1
            detail["quote_false"].append(s.text[:100])
    scores.details.append(detail)


def evaluate(gold: Sequence[GoldArticle], records: Iterable[ArticleRecord]) -> Scores:
    """Score records (in the same order as ``gold``)."""
    scores = Scores()
    for g, rec in zip(gold, records, strict=True):
        score_article(g, rec, scores)
    return scores
