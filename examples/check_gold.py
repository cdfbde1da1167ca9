"""Validate gold annotation files against the coding rules (shared/spec/EVENTS.md).

Usage:
    python examples/check_gold.py                 # every file in examples/gold/
    python examples/check_gold.py --strict        # warnings count as errors
    python examples/check_gold.py path/to/gold/*.json

For a gold file ``gold/<name>.json`` whose article ``articles/<name>.txt`` lies in the
parent folder, the gold ``text`` must equal that file's content exactly (read as
UTF-8, no newline translation). Every ``evidence`` must be a substring of
``text``; types, modes, sectors, factuality, country codes and dates must be
values that EVENTS.md allows. Exit status 1 if any error (or, with
``--strict``, any warning) was found.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

EVENT_TYPES = frozenset(
    {
        "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
        "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
    }
)  # fmt: skip

MODES: dict[str, frozenset[str]] = {
    "ASSAULT": frozenset({"aerial", "firearms", "explosives", "artillery", "melee", "cbrn"}),
    "PROTEST": frozenset({"demonstration", "strike", "riot", "hunger-strike", "boycott"}),
    "COERCE": frozenset({"arrest", "seizure", "ban", "curfew", "deportation", "destruction"}),
    "CONSULT": frozenset({"meeting", "visit", "phone", "negotiation"}),
}

SECTORS = frozenset(
    {
        "COP", "GOV", "JUD", "LEG", "MIL", "PRM", "PTY", "REB", "SPY", "UAF", "UNK",
        "AGR", "BUS", "CRM", "CVL", "EDU", "ELI", "JRN", "LAB", "MED", "REF", "OPP",
        "PRE", "REL", "SOC",
    }
)  # fmt: skip

FACTUALITY = frozenset({"asserted", "negated", "future", "hypothetical"})
QUOTE_KINDS = frozenset({"direct", "indirect"})

# PLOVER codes for non-state and special actors, allowed next to ISO 3166-1 alpha-3.
SPECIAL_COUNTRIES = frozenset(
    {"UNO", "EUR", "IGO", "NGO", "ISM", "IMG", "MNC", "KOS", "PSE", "HKG"}
)

DATE_RE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")


def _iso_alpha3() -> frozenset[str] | None:
    """ISO 3166-1 alpha-3 codes from pycountry, or None when it is not installed."""
    try:
        import pycountry
    except ImportError:
        return None
    return frozenset(str(c.alpha_3) for c in pycountry.countries)


ISO3 = _iso_alpha3()


@dataclass
class Report:
    """Errors and warnings found in one gold file."""

    path: Path
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def error(self, msg: str) -> None:
        self.errors.append(msg)

    def warn(self, msg: str) -> None:
        self.warnings.append(msg)


def valid_country(code: object) -> bool:
    if code is None:
        return True
    if not isinstance(code, str) or not re.fullmatch(r"[A-Z]{3}", code):
        return False
    if code in SPECIAL_COUNTRIES:
        return True
    return ISO3 is None or code in ISO3


def check_actor(rep: Report, where: str, actor: Any, *, required: bool) -> None:
    if actor is None:
        if required:
            rep.error(f"{where}: missing")
        return
    if not isinstance(actor, dict):
        rep.error(f"{where}: must be an object or null")
        return
    name = actor.get("name")
    if not isinstance(name, str) or not name.strip():
        rep.error(f"{where}.name: must be a non-empty string")
    if "country" not in actor:
        rep.error(f"{where}.country: missing (use null when unknowable)")
    elif not valid_country(actor["country"]):
        rep.error(f"{where}.country: invalid code {actor['country']!r}")
    if "sector" not in actor:
        rep.error(f"{where}.sector: missing (use null when unclear)")
    elif actor["sector"] is not None and actor["sector"] not in SECTORS:
        rep.error(f"{where}.sector: invalid sector {actor['sector']!r}")


def check_location(rep: Report, where: str, loc: Any) -> None:
    if loc is None:
        return
    if not isinstance(loc, dict):
        rep.error(f"{where}: must be an object or null")
        return
    name = loc.get("name")
    if not isinstance(name, str) or not name.strip():
        rep.error(f"{where}.name: must be a non-empty string")
    if not valid_country(loc.get("country")) or loc.get("country") is None:
        rep.error(f"{where}.country: invalid code {loc.get('country')!r}")


def date_key(value: str) -> tuple[int, int, int]:
    parts = [int(p) for p in value.split("-")]
    return (parts[0], parts[1] if len(parts) > 1 else 0, parts[2] if len(parts) > 2 else 0)


def not_after(event_date: str, pub_date: str) -> bool:
    """True when event_date (at its own precision) is not later than pub_date."""
    n = len(event_date.split("-"))
    return date_key(event_date)[:n] <= date_key(pub_date)[:n]


def check_event(rep: Report, i: int, ev: Any, text: str, pub_date: str | None) -> None:
    where = f"events[{i}]"
    if not isinstance(ev, dict):
        rep.error(f"{where}: must be an object")
        return
    etype = ev.get("type")
    if etype not in EVENT_TYPES:
        rep.error(f"{where}.type: invalid type {etype!r}")
    mode = ev.get("mode")
    if mode is not None:
        if not isinstance(mode, str) or mode != mode.lower():
            rep.error(f"{where}.mode: must be a lower-case string, got {mode!r}")
        elif mode not in MODES.get(str(etype), frozenset()):
            rep.warn(f"{where}.mode: {mode!r} is not one of EVENTS.md's modes for {etype}")
    evidence = ev.get("evidence")
    if not isinstance(evidence, str) or not evidence:
        rep.error(f"{where}.evidence: must be a non-empty string")
        evidence = None
    else:
        count = text.count(evidence)
        if count == 0:
            rep.error(f"{where}.evidence: not a substring of text: {evidence!r}")
        elif count > 1:
            rep.warn(
                f"{where}.evidence: occurs {count} times in text (span ambiguous): {evidence!r}"
            )
    trigger = ev.get("trigger")
    if not isinstance(trigger, str) or not trigger:
        rep.error(f"{where}.trigger: must be a non-empty string")
    elif evidence is not None and trigger not in evidence:
        rep.warn(f"{where}.trigger: {trigger!r} is not inside the evidence")
    check_actor(rep, f"{where}.actor", ev.get("actor"), required=True)
    check_actor(rep, f"{where}.target", ev.get("target"), required=False)
    fact = ev.get("factuality")
    if fact not in FACTUALITY:
        rep.error(f"{where}.factuality: invalid value {fact!r}")
    if not isinstance(ev.get("optional"), bool):
        rep.error(f"{where}.optional: must be true or false")
    date = ev.get("date")
    if date is not None:
        if not isinstance(date, str) or not DATE_RE.match(date):
            rep.error(f"{where}.date: not YYYY, YYYY-MM or YYYY-MM-DD: {date!r}")
        elif fact == "asserted" and pub_date and not not_after(date, pub_date):
            rep.error(f"{where}.date: asserted event dated {date}, after publication {pub_date}")
    check_location(rep, f"{where}.location", ev.get("location"))
    allowed = {
        "type",
        "mode",
        "evidence",
        "trigger",
        "actor",
        "target",
        "date",
        "location",
        "factuality",
        "optional",
    }
    extra = set(ev) - allowed
    if extra:
        rep.warn(f"{where}: unknown keys {sorted(extra)}")


def check_quote(rep: Report, i: int, qt: Any, text: str) -> None:
    where = f"quotes[{i}]"
    if not isinstance(qt, dict):
        rep.error(f"{where}: must be an object")
        return
    qtext = qt.get("text")
    if not isinstance(qtext, str) or not qtext.strip():
        rep.error(f"{where}.text: must be a non-empty string")
    elif qtext not in text:
        rep.warn(f"{where}.text: not a substring of text: {qtext!r}")
    speaker = qt.get("speaker")
    if not isinstance(speaker, str) or not speaker.strip():
        rep.error(f"{where}.speaker: must be a non-empty string (the speaker's canonical name)")
    if qt.get("kind") not in QUOTE_KINDS:
        rep.error(f"{where}.kind: must be 'direct' or 'indirect', got {qt.get('kind')!r}")
    marks = '"“”'
    if (
        qt.get("kind") == "direct"
        and isinstance(qtext, str)
        and qtext
        and (qtext[0] in marks or qtext[-1] in marks)
    ):
        rep.warn(f"{where}.text: should not include the quotation marks")


def check_file(path: Path) -> Report:
    rep = Report(path)
    try:
        gold = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        rep.error(f"cannot read JSON: {exc}")
        return rep
    if not isinstance(gold, dict):
        rep.error("top level must be an object")
        return rep
    for key in ("id", "date", "text", "events", "quotes"):
        if key not in gold:
            rep.error(f"missing key {key!r}")
    text = gold.get("text")
    if not isinstance(text, str):
        rep.error("text: must be a string")
        return rep
    pub_date = gold.get("date")
    if pub_date is not None and (
        not isinstance(pub_date, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", pub_date)
    ):
        rep.error(f"date: publication date must be YYYY-MM-DD, got {pub_date!r}")
        pub_date = None

    article = path.parent.parent / "articles" / f"{path.stem}.txt"
    if article.exists():
        content = article.read_bytes().decode("utf-8")
        if content != text:
            prefix = next(
                (k for k, (a, b) in enumerate(zip(content, text, strict=False)) if a != b),
                min(len(content), len(text)),
            )
            rep.error(f"text differs from {article.name} (first difference at offset {prefix})")
    if gold.get("id") != path.stem:
        rep.warn(f"id {gold.get('id')!r} differs from file name {path.stem!r}")

    events = gold.get("events")
    if not isinstance(events, list):
        rep.error("events: must be a list")
    else:
        for i, ev in enumerate(events):
            check_event(rep, i, ev, text, pub_date)
    quotes = gold.get("quotes")
    if not isinstance(quotes, list):
        rep.error("quotes: must be a list")
    else:
        for i, qt in enumerate(quotes):
            check_quote(rep, i, qt, text)
    return rep


def summary(path: Path) -> str:
    gold = json.loads(path.read_text(encoding="utf-8"))
    events = gold.get("events", [])
    required = sum(1 for e in events if e.get("factuality") == "asserted" and not e.get("optional"))
    non_asserted = sum(1 for e in events if e.get("factuality") != "asserted")
    direct = sum(1 for q in gold.get("quotes", []) if q.get("kind") == "direct")
    return (
        f"{len(events)} events ({required} required asserted, {non_asserted} non-asserted), "
        f"{len(gold.get('quotes', []))} quotes ({direct} direct)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "files", nargs="*", type=Path, help="gold JSON files (default: examples/gold/*.json)"
    )
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors")
    args = parser.parse_args(argv)
    here = Path(__file__).parent
    files: list[Path] = args.files or sorted((here / "gold").glob("*.json"))
    if not files:
        print("no gold files found", file=sys.stderr)
        return 1
    failed = False
    if not args.files:
        for article in sorted((here / "articles").glob("*.txt")):
            if not (here / "gold" / f"{article.stem}.json").exists():
                print(f"FAIL {article.name}: no gold file gold/{article.stem}.json")
                failed = True
    for path in files:
        rep = check_file(path)
        bad = bool(rep.errors) or (args.strict and bool(rep.warnings))
        failed = failed or bad
        status = "FAIL" if bad else "ok"
        detail = summary(path) if not rep.errors else f"{len(rep.errors)} errors"
        print(f"{status:4} {path.name}: {detail}")
        for msg in rep.errors:
            print(f"     error: {msg}")
        for msg in rep.warnings:
            print(f"     warning: {msg}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
