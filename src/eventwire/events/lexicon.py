"""The event trigger lexicon: loader and validator for ``data/events/*.tsv``.

The knowledge (which words are event triggers of which PLOVER type, which object
words cancel or license a reading, which support verbs carry a nominal event,
which cue words set the mode or the factuality) lives in tab-separated files
documented in ``src/eventwire/data/events/README.md``. This module reads them,
checks every row, and offers them to the event coder as frozen dataclasses.

A malformed row is reported as ``DataFileError("file:line", problem)``: with
``strict=True`` the first one is raised, otherwise every message is collected in
:attr:`Lexicon.warnings` and the row is skipped, so the rest of a user file still
loads. The default lexicon is cached (:func:`load_lexicon` with no extra files);
treat the returned object as read-only.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import DataFileError
from ..record import EVENT_TYPES
from .factuality import FactualityCues

#: folder of the shipped data files (``eventwire/data/events``)
DATA_DIR: Path = Path(__file__).resolve().parent.parent / "data" / "events"
DEFAULT_FILES: tuple[str, ...] = (
    "classes.tsv",
    "triggers.tsv",
    "light_verbs.tsv",
    "modes.tsv",
    "factuality.tsv",
    "lemma_fixes.tsv",
)

#: CAMEO root codes allowed for each PLOVER type (EVENTS.md section 2)
CAMEO_BY_TYPE: dict[str, frozenset[str]] = {
    "AGREE": frozenset({"03"}),
    "CONSULT": frozenset({"04"}),
    "SUPPORT": frozenset({"05"}),
    "COOPERATE": frozenset({"06"}),
    "AID": frozenset({"07"}),
    "CONCEDE": frozenset({"08"}),
    "RETREAT": frozenset({"08"}),
    "REQUEST": frozenset({"10", "02"}),
    "ACCUSE": frozenset({"11"}),
    "REJECT": frozenset({"12"}),
    "THREATEN": frozenset({"13"}),
    "PROTEST": frozenset({"14"}),
    "MOBILIZE": frozenset({"15"}),
    "SANCTION": frozenset({"16"}),
    "COERCE": frozenset({"17"}),
    "ASSAULT": frozenset({"18", "19", "20"}),
}

#: modes allowed for each type (EVENTS.md section 2); other types take no mode
MODES_BY_TYPE: dict[str, frozenset[str]] = {
    "ASSAULT": frozenset({"aerial", "firearms", "explosives", "artillery", "melee", "cbrn"}),
    "PROTEST": frozenset({"demonstration", "strike", "riot", "hunger-strike", "boycott"}),
    "COERCE": frozenset({"arrest", "seizure", "ban", "curfew", "deportation", "destruction"}),
    "CONSULT": frozenset({"meeting", "visit", "phone", "negotiation"}),
}

POS_TAGS: tuple[str, ...] = ("VERB", "NOUN")

#: pseudo-words allowed in a trigger's ``with`` column (constraints on the parse)
PSEUDO_WITH: dict[str, str] = {
    "@xcomp": "the head has a clausal complement (xcomp/ccomp): 'told them to leave'",
    "@nodobj": "the head has no direct object: 'the miners struck'",
}

#: factuality cue classes and how a cue's scope is read
FACTUALITY_CLASSES: tuple[str, ...] = (
    "negation",
    "future",
    "hypothetical",
    "demand",
    "implicative",
    "speech",
    "deontic",
)
FACTUALITY_SCOPES: tuple[str, ...] = ("aux", "governor", "determiner", "clause")

#: pseudo-lemma of the construction entry used for "X told Y that they must ..."
REPORTED_DEMAND = "@reported-demand"

_WORD = re.compile(r"^[a-z0-9$€£'][a-z0-9$€£'.\-éèêàçôöüäñ]*$")
_MARKER = re.compile(r"^@[A-Z_]+$")
_CLASS_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")
_CAMEO = re.compile(r"^\d\d$")

_HEADERS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # kind: (required columns, optional columns)
    "triggers": (
        (
            "type",
            "lemma",
            "pos",
            "with",
            "mode",
            "cameo",
            "intensity",
            "obj_class",
            "not_obj_class",
            "weight",
        ),
        ("note",),
    ),
    "classes": (("class", "lemma"), ("note",)),
    "light_verbs": (("lemma", "with"), ("types", "note")),
    "modes": (("type", "lemma", "mode"), ("note",)),
    "factuality": (("class", "lemma", "scope"), ("note",)),
    "lemma_fixes": (("form", "lemma", "pos"), ("note",)),
}


# --------------------------------------------------------------------------- rows
@dataclass(frozen=True)
class TriggerEntry:
    """One row of ``triggers.tsv``: a head lemma read as an event of one type."""

    type: str
    lemma: str
    pos: str
    with_words: tuple[str, ...] = ()
    mode: str | None = None
    cameo: str = ""
    intensity: float = 0.0
    obj_class: tuple[str, ...] = ()
    not_obj_class: tuple[str, ...] = ()
    weight: float = 0.5
    note: str = ""
    origin: str = ""  # "file:line"

    @property
    def required_words(self) -> tuple[str, ...]:
        """The ``with`` lemmas that must be attached to the head (pseudo-words left out)."""
        return tuple(w for w in self.with_words if not w.startswith("@"))

    @property
    def needs_clausal_complement(self) -> bool:
        return "@xcomp" in self.with_words

    @property
    def needs_no_object(self) -> bool:
        return "@nodobj" in self.with_words

    @property
    def specificity(self) -> int:
        """How much context the entry requires: required words, then an object class."""
        return 2 * len(self.with_words) + (1 if self.obj_class else 0)

    @property
    def key(self) -> tuple[str, str, str, tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
        return (
            self.type,
            self.lemma,
            self.pos,
            self.with_words,
            self.obj_class,
            self.not_obj_class,
        )


@dataclass(frozen=True)
class LightVerb:
    """A support verb: its object noun is the event, its subject the event's actor."""

    lemma: str
    with_words: tuple[str, ...] = ()
    types: tuple[str, ...] = ()  # empty: any type; else the nominal event must be one of these
    note: str = ""
    origin: str = ""

    def allows(self, event_type: str) -> bool:
        return not self.types or event_type in self.types


@dataclass(frozen=True)
class ModeCue:
    """A word (or consecutive words) that sets an event's mode."""

    type: str
    words: tuple[str, ...]
    mode: str
    origin: str = ""

    @property
    def lemma(self) -> str:
        return " ".join(self.words)


@dataclass(frozen=True)
class FactualityCue:
    """A word (or words) that makes an event negated, future, hypothetical or demanded."""

    cls: str
    words: tuple[str, ...]
    scope: str
    note: str = ""
    origin: str = ""

    @property
    def lemma(self) -> str:
        return " ".join(self.words)


# --------------------------------------------------------------------------- lexicon
@dataclass(frozen=True)
class Lexicon:
    """Everything in ``data/events``; see the README there for the meaning of each field."""

    triggers: dict[tuple[str, str], list[TriggerEntry]] = field(default_factory=dict)
    light_verbs: dict[str, list[LightVerb]] = field(default_factory=dict)
    classes: dict[str, frozenset[str]] = field(default_factory=dict)
    modes: dict[str, list[ModeCue]] = field(default_factory=dict)  # by event type, file order
    factuality: dict[str, list[FactualityCue]] = field(default_factory=dict)  # by class
    lemma_fixes: dict[str, tuple[str, str]] = field(default_factory=dict)  # form -> (lemma, pos)
    warnings: list[str] = field(default_factory=list)
    files: tuple[str, ...] = ()

    # ---- triggers
    def fixed_lemma(self, form: str, lemma: str, pos: str) -> tuple[str, str]:
        """(lemma, pos) to look a token up with, after ``lemma_fixes.tsv`` ("staged" -> "stage")."""
        return self.lemma_fixes.get(form.lower(), (lemma.lower(), pos))

    @functools.cached_property
    def head_words(self) -> frozenset[str]:
        """Every word a token must show (as lemma or form) to be a trigger candidate."""
        return frozenset(lemma for lemma, _ in self.triggers) | frozenset(self.lemma_fixes)

    def lookup(self, lemma: str, pos: str) -> list[TriggerEntry]:
        """The entries for a head lemma and coarse POS (``VERB`` or ``NOUN``)."""
        return self.triggers.get((lemma.lower(), pos), [])

    def entries(self) -> Iterable[TriggerEntry]:
        for group in self.triggers.values():
            yield from group

    def count_by_type(self) -> dict[str, int]:
        counts = dict.fromkeys(EVENT_TYPES, 0)
        for e in self.entries():
            counts[e.type] += 1
        return counts

    def reported_demand_entry(self) -> TriggerEntry | None:
        """The construction entry for a speech verb whose complement carries a deontic modal."""
        found = self.lookup(REPORTED_DEMAND, "VERB")
        return found[0] if found else None

    # ---- classes
    def in_class(self, cls: str, lemma: str, ent_label: str = "") -> bool:
        """Whether a word (its lemma, or its spaCy entity label as ``@LABEL``) is in a class."""
        members = self.classes.get(cls, frozenset())
        return lemma.lower() in members or (bool(ent_label) and f"@{ent_label}" in members)

    def in_any(self, classes: Iterable[str], lemma: str, ent_label: str = "") -> bool:
        return any(self.in_class(c, lemma, ent_label) for c in classes)

    def arguments_fit(self, entry: TriggerEntry, args: Iterable[tuple[str, str]]) -> bool:
        """Whether the arguments ``(lemma, entity label)`` satisfy the entry's class constraints.

        ``obj_class``: at least one argument must be in one of the classes;
        ``not_obj_class``: no argument may be in any of them.
        """
        pairs = list(args)
        if entry.obj_class and not any(
            self.in_any(entry.obj_class, lem, lab) for lem, lab in pairs
        ):
            return False
        return not (
            entry.not_obj_class
            and any(self.in_any(entry.not_obj_class, lem, lab) for lem, lab in pairs)
        )

    # ---- light verbs
    def light_verb(self, lemma: str) -> list[LightVerb]:
        return self.light_verbs.get(lemma.lower(), [])

    # ---- modes
    def mode_for(self, event_type: str, words: Collection[str] | Sequence[str]) -> str | None:
        """The mode set by cue words found around a trigger, or ``None``.

        ``words`` are lemmas (and/or lower-case forms). With a sequence, a
        multi-word cue must appear as consecutive items; with a set, all of its
        words must be present. Multi-word cues are tried first, then single
        words in file order.
        """
        cues = self.modes.get(event_type, [])
        if not cues:
            return None
        lowered = [w.lower() for w in words]
        present = set(lowered)
        ordered = isinstance(words, Sequence) and not isinstance(words, str)
        for cue in cues:
            if len(cue.words) < 2:
                continue
            if ordered:
                n = len(cue.words)
                if any(tuple(lowered[i : i + n]) == cue.words for i in range(len(lowered) - n + 1)):
                    return cue.mode
            elif all(w in present for w in cue.words):
                return cue.mode
        for cue in cues:
            if len(cue.words) == 1 and cue.words[0] in present:
                return cue.mode
        return None

    # ---- factuality
    def factuality_words(
        self, cls: str, scope: str | None = None, *, single: bool = False
    ) -> frozenset[str]:
        """The cue lemmas of a class (optionally of one scope; ``single``: one-word cues only)."""
        out = {
            c.lemma
            for c in self.factuality.get(cls, [])
            if (scope is None or c.scope == scope) and (not single or len(c.words) == 1)
        }
        return frozenset(out)

    def factuality_cues(self) -> FactualityCues:
        """The cue sets used by ``events.factuality`` (a demanded action is at most future)."""
        fw = self.factuality_words
        return FactualityCues(
            negation=fw("negation"),
            hypothetical=fw("hypothetical", "governor") | fw("hypothetical", "determiner"),
            future=fw("future", "governor") | fw("future", "determiner") | fw("demand"),
            implicative=fw("implicative"),
            speech=fw("speech"),
            conditional_marks=fw("hypothetical", "clause", single=True),
            future_aux=fw("future", "aux", single=True),
            hypothetical_aux=fw("hypothetical", "aux", single=True),
        )

    @property
    def deontic_modals(self) -> frozenset[str]:
        """Modals of obligation ("must", "should"): a reported obligation is a demand."""
        return self.factuality_words("deontic")


# --------------------------------------------------------------------------- reading
class _Reader:
    """Parses files into a Lexicon, collecting (or raising) DataFileErrors."""

    def __init__(self, strict: bool) -> None:
        self.strict = strict
        self.warnings: list[str] = []
        self.triggers: dict[tuple[str, str], list[TriggerEntry]] = {}
        self._trigger_keys: dict[
            tuple[str, str, str, tuple[str, ...], tuple[str, ...], tuple[str, ...]], TriggerEntry
        ] = {}
        self.light_verbs: dict[str, list[LightVerb]] = {}
        self.classes: dict[str, set[str]] = {}
        self.modes: dict[str, list[ModeCue]] = {}
        self.factuality: dict[str, list[FactualityCue]] = {}
        self.lemma_fixes: dict[str, tuple[str, str]] = {}
        self.files: list[str] = []

    def problem(self, where: str, message: str) -> None:
        err = DataFileError(where, message)
        if self.strict:
            raise err
        self.warnings.append(str(err))

    # ---- file level
    def read_table(self, path: Path) -> tuple[str, list[tuple[str, dict[str, str]]]] | None:
        """(kind, [(where, row)]) of a TSV file, or None when it cannot be read."""
        name = path.name
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            self.problem(name, f"cannot read the file ({exc.strerror or exc})")
            return None
        except UnicodeDecodeError as exc:
            self.problem(name, f"not UTF-8 text ({exc.reason} at byte {exc.start})")
            return None
        header: list[str] | None = None
        kind = ""
        rows: list[tuple[str, dict[str, str]]] = []
        for n, raw in enumerate(text.splitlines(), 1):
            line = raw.rstrip("\r")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            cells = [c.strip() for c in line.split("\t")]
            where = f"{name}:{n}"
            if header is None:
                header = [c.lower() for c in cells]
                kind = _kind_of(header)
                if not kind:
                    self.problem(
                        where,
                        "unknown header "
                        + "/".join(header)
                        + "; expected the columns of one of "
                        + ", ".join(f"{k} ({'/'.join(v[0])})" for k, v in _HEADERS.items()),
                    )
                    return None
                continue
            if len(cells) > len(header):
                if any(cells[len(header) :]):
                    self.problem(
                        where, f"{len(cells)} columns, the header has {len(header)} (a stray tab?)"
                    )
                    continue
                cells = cells[: len(header)]
            cells += [""] * (len(header) - len(cells))
            rows.append((where, dict(zip(header, cells, strict=True))))
        if header is None:
            self.problem(name, "empty file (no header row)")
            return None
        return kind, rows

    # ---- row level
    def add_class(self, where: str, row: dict[str, str]) -> None:
        cls, lemma = row["class"], row["lemma"]
        if not _CLASS_NAME.match(cls):
            self.problem(where, f"class name {cls!r} must be upper case (A-Z, 0-9, _)")
            return
        if not (_MARKER.match(lemma) or _is_phrase(lemma.lower())):
            self.problem(
                where, f"lemma {lemma!r} is neither a lower-case word nor an @ENTITY_LABEL marker"
            )
            return
        members = self.classes.setdefault(cls, set())
        if lemma in members:
            self.problem(where, f"{lemma!r} is already in class {cls}")
            return
        members.add(lemma if lemma.startswith("@") else lemma.lower())

    def add_trigger(self, where: str, row: dict[str, str]) -> None:
        typ = row["type"].upper()
        if typ not in EVENT_TYPES:
            self.problem(
                where, f"unknown event type {row['type']!r} (one of {', '.join(EVENT_TYPES)})"
            )
            return
        lemma = row["lemma"]
        if lemma != lemma.lower() or not (_WORD.match(lemma) or lemma.startswith("@")):
            self.problem(
                where, f"lemma {lemma!r} must be one lower-case word (hyphens allowed, no spaces)"
            )
            return
        pos = row["pos"].upper()
        if pos not in POS_TAGS:
            self.problem(where, f"pos {row['pos']!r} must be VERB or NOUN")
            return
        with_words = tuple(row["with"].lower().split())
        for w in with_words:
            if w.startswith("@"):
                if w not in PSEUDO_WITH:
                    self.problem(
                        where,
                        f"unknown pseudo-word {w!r} in with (known: {', '.join(PSEUDO_WITH)})",
                    )
                    return
            elif not _WORD.match(w):
                self.problem(where, f"with word {w!r} is not a lower-case lemma")
                return
        mode = row["mode"].strip() or None
        if mode is not None and mode not in MODES_BY_TYPE.get(typ, frozenset()):
            allowed = sorted(MODES_BY_TYPE.get(typ, frozenset()))
            self.problem(
                where,
                f"mode {mode!r} is not allowed for {typ}"
                + (f" (one of {', '.join(allowed)})" if allowed else " (it takes no mode)"),
            )
            return
        cameo = row["cameo"]
        if not _CAMEO.match(cameo) or not 1 <= int(cameo) <= 20:
            self.problem(where, f"cameo {cameo!r} must be a two-digit CAMEO root code 01-20")
            return
        if cameo not in CAMEO_BY_TYPE[typ]:
            self.problem(
                where,
                f"cameo {cameo} does not fit {typ} (expected {'/'.join(sorted(CAMEO_BY_TYPE[typ]))})",
            )
            return
        intensity = _number(row["intensity"])
        if intensity is None or not -10.0 <= intensity <= 10.0:
            self.problem(where, f"intensity {row['intensity']!r} must be a number from -10 to 10")
            return
        weight = _number(row["weight"])
        if weight is None or not 0.0 <= weight <= 1.0:
            self.problem(where, f"weight {row['weight']!r} must be a number from 0 to 1")
            return
        obj = tuple(row["obj_class"].split())
        not_obj = tuple(row["not_obj_class"].split())
        unknown = [c for c in (*obj, *not_obj) if c not in self.classes]
        if unknown:
            self.problem(where, f"unknown object class {', '.join(unknown)} (not in classes.tsv)")
            return
        both = set(obj) & set(not_obj)
        if both:
            self.problem(where, f"class {', '.join(sorted(both))} is both required and excluded")
            return
        entry = TriggerEntry(
            type=typ,
            lemma=lemma,
            pos=pos,
            with_words=with_words,
            mode=mode,
            cameo=cameo,
            intensity=intensity,
            obj_class=obj,
            not_obj_class=not_obj,
            weight=weight,
            note=row.get("note", ""),
            origin=where,
        )
        previous = self._trigger_keys.get(entry.key)
        group = self.triggers.setdefault((lemma, pos), [])
        if previous is not None:
            if previous.origin.split(":")[0] == where.split(":")[0]:
                self.problem(
                    where,
                    f"duplicate of {previous.origin} (same type, lemma, pos, with and classes)",
                )
                return
            # a row in a later file replaces the same construction from an earlier one
            group[group.index(previous)] = entry
        else:
            group.append(entry)
        self._trigger_keys[entry.key] = entry

    def add_light_verb(self, where: str, row: dict[str, str]) -> None:
        lemma = row["lemma"]
        if lemma != lemma.lower() or not _WORD.match(lemma):
            self.problem(where, f"lemma {lemma!r} must be one lower-case word")
            return
        with_words = tuple(row["with"].lower().split())
        bad = [w for w in with_words if not _WORD.match(w)]
        if bad:
            self.problem(where, f"with word {bad[0]!r} is not a lower-case lemma")
            return
        types = tuple(t.upper() for t in row.get("types", "").split())
        unknown = [t for t in types if t not in EVENT_TYPES]
        if unknown:
            self.problem(where, f"unknown event type {', '.join(unknown)} in types")
            return
        group = self.light_verbs.setdefault(lemma, [])
        if any(lv.with_words == with_words for lv in group):
            self.problem(
                where, f"duplicate light verb {lemma!r} with {' '.join(with_words) or '(nothing)'}"
            )
            return
        group.append(LightVerb(lemma, with_words, types, row.get("note", ""), where))

    def add_mode(self, where: str, row: dict[str, str]) -> None:
        typ = row["type"].upper()
        if typ not in MODES_BY_TYPE:
            self.problem(
                where,
                f"type {row['type']!r} takes no mode (modes exist for {', '.join(MODES_BY_TYPE)})",
            )
            return
        mode = row["mode"]
        if mode not in MODES_BY_TYPE[typ]:
            self.problem(
                where,
                f"mode {mode!r} is not allowed for {typ} (one of {', '.join(sorted(MODES_BY_TYPE[typ]))})",
            )
            return
        lemma = row["lemma"].lower()
        if not _is_phrase(lemma):
            self.problem(where, f"cue {row['lemma']!r} must be lower-case words")
            return
        words = tuple(lemma.split())
        cues = self.modes.setdefault(typ, [])
        if any(c.words == words for c in cues):
            self.problem(where, f"duplicate {typ} mode cue {lemma!r}")
            return
        cues.append(ModeCue(typ, words, mode, where))

    def add_factuality(self, where: str, row: dict[str, str]) -> None:
        cls = row["class"].lower()
        if cls not in FACTUALITY_CLASSES:
            self.problem(
                where,
                f"unknown factuality class {row['class']!r} (one of {', '.join(FACTUALITY_CLASSES)})",
            )
            return
        scope = row["scope"].lower()
        if scope not in FACTUALITY_SCOPES:
            self.problem(
                where, f"unknown scope {row['scope']!r} (one of {', '.join(FACTUALITY_SCOPES)})"
            )
            return
        lemma = row["lemma"].lower()
        if not _is_phrase(lemma):
            self.problem(where, f"cue {row['lemma']!r} must be lower-case words")
            return
        words = tuple(lemma.split())
        cues = self.factuality.setdefault(cls, [])
        if any(c.words == words and c.scope == scope for c in cues):
            self.problem(where, f"duplicate {cls} cue {lemma!r} ({scope})")
            return
        cues.append(FactualityCue(cls, words, scope, row.get("note", ""), where))

    def add_lemma_fix(self, where: str, row: dict[str, str]) -> None:
        form, lemma, pos = row["form"].lower(), row["lemma"].lower(), row["pos"].upper()
        if not (_WORD.match(form) and _WORD.match(lemma)):
            self.problem(
                where, f"form {row['form']!r} and lemma {row['lemma']!r} must be single words"
            )
            return
        if pos not in POS_TAGS:
            self.problem(where, f"pos {row['pos']!r} must be VERB or NOUN")
            return
        if form in self.lemma_fixes and self.lemma_fixes[form] != (lemma, pos):
            self.problem(where, f"form {form!r} is already fixed to {self.lemma_fixes[form][0]!r}")
            return
        self.lemma_fixes[form] = (lemma, pos)

    # ---- all together
    def load(self, paths: Sequence[Path]) -> Lexicon:
        tables: list[tuple[str, list[tuple[str, dict[str, str]]]]] = []
        for path in paths:
            table = self.read_table(path)
            self.files.append(str(path))
            if table is not None:
                tables.append(table)
        # classes first: trigger rows refer to them
        order = ("classes", "triggers", "light_verbs", "modes", "factuality", "lemma_fixes")
        handlers = {
            "classes": self.add_class,
            "triggers": self.add_trigger,
            "light_verbs": self.add_light_verb,
            "modes": self.add_mode,
            "factuality": self.add_factuality,
            "lemma_fixes": self.add_lemma_fix,
        }
        for kind in order:
            for table_kind, rows in tables:
                if table_kind != kind:
                    continue
                for where, row in rows:
                    handlers[kind](where, row)
        return Lexicon(
            triggers=self.triggers,
            light_verbs=self.light_verbs,
            classes={k: frozenset(v) for k, v in self.classes.items()},
            modes=self.modes,
            factuality=self.factuality,
            lemma_fixes=self.lemma_fixes,
            warnings=self.warnings,
            files=tuple(self.files),
        )


def _kind_of(header: list[str]) -> str:
    cols = set(header)
    for kind, (required, optional) in _HEADERS.items():
        if set(required) <= cols and cols <= set(required) | set(optional):
            return kind
    return ""


def _is_phrase(text: str) -> bool:
    words = text.split()
    return bool(words) and all(_WORD.match(w) for w in words)


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value == value else None  # NaN is not a number here


def default_paths() -> list[Path]:
    return [DATA_DIR / name for name in DEFAULT_FILES]


@functools.cache
def _default_lexicon() -> Lexicon:
    return _Reader(strict=False).load(default_paths())


def load_lexicon(
    extra_files: Sequence[Path | str] | None = None, *, strict: bool = False
) -> Lexicon:
    """The shipped lexicon, plus rows from ``extra_files`` (any of the five formats).

    A user file's kind is told by its header row. Rows of later files add to
    earlier ones; a trigger row with the same type, lemma, pos, ``with`` and
    classes as an earlier file's row replaces it (to retune a weight). Problems
    are collected in ``Lexicon.warnings`` as ``file:line: problem`` (or raised
    as :class:`DataFileError` with ``strict=True``). Without extra files the
    result is cached.
    """
    if not extra_files and not strict:
        return _default_lexicon()
    paths = default_paths() + [Path(p) for p in extra_files or ()]
    return _Reader(strict=strict).load(paths)
