"""The actor knowledge base: countries, named actors, sector lexicon (data files).

Everything the resolver knows about names lives in ``eventwire/data/actors/``
(format: ``data/actors/README.md``); this module only reads and indexes it.
``ActorKB.load()`` is cached; user files are added with ``extra_files``. A
malformed line in any file becomes a warning (``kb.warnings``, each naming file
and line) and the rest still loads.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from spacy.strings import get_string_id

from ..errors import DataFileError
from ..record import INTERNATIONAL_CODES, SECTORS

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "actors"

#: Entity types a data file may give a named actor.
TYPES: frozenset[str] = frozenset({"PERSON", "ORG", "NORP", "GPE", "FAC", "LOC", "GROUP"})
#: Kinds of sector-lexicon entries (see README.md).
SECTOR_KINDS: frozenset[str] = frozenset(
    {"person", "role", "group", "org", "thing", "honorific", "modifier", "nonhome"}
)
#: Kinds of curated country rows.
COUNTRY_KINDS: frozenset[str] = frozenset({"canonical", "name", "demonym", "seat", "institution"})
#: File formats (first line ``# format: NAME`` in a user file; default ``actors``).
FORMATS: frozenset[str] = frozenset({"actors", "sectors", "countries"})

_QUOTES = str.maketrans({"’": "'", "‘": "'", "–": "-", "—": "-", "‐": "-", "\u00a0": " "})
_SPACE = re.compile(r"\s+")
_THE = re.compile(r"^the\s+", re.IGNORECASE)
_POSS = re.compile(r"\s*'s?$")


def normalize(text: str) -> str:
    """Canonical key of a name: unified quotes/dashes, single spaces, no leading "the",
    no trailing possessive. Case is kept (see ``ActorKB.lookup``)."""
    text = unicodedata.normalize("NFC", text).translate(_QUOTES)
    text = _SPACE.sub(" ", text).strip(" ,.;:")
    text = _THE.sub("", text)
    text = _POSS.sub("", text) if text.endswith(("'s", "s'")) and len(text) > 3 else text
    return text.strip()


@dataclass(frozen=True)
class KBEntry:
    """What the knowledge base knows about one surface form."""

    name: str  # canonical name
    type: str  # NER-style type: GPE, NORP, ORG, PERSON ...
    country: str | None
    sector: str | None
    kind: str  # country | demonym | seat | institution | actor


@dataclass(frozen=True)
class SectorEntry:
    phrase: tuple[str, ...]
    sector: str | None
    kind: str


@dataclass
class ActorKB:
    """Indexed actor knowledge. Build with :meth:`load` (cached)."""

    countries: dict[str, str] = field(default_factory=dict)  # code -> canonical name
    exact: dict[str, KBEntry] = field(default_factory=dict)  # normalized form -> entry
    folded: dict[str, KBEntry] = field(default_factory=dict)  # casefolded form (len > 4)
    sectors: dict[tuple[str, ...], SectorEntry] = field(default_factory=dict)
    max_phrase: int = 1
    ruler_patterns: list[tuple[str, str]] = field(default_factory=list)  # (label, form)
    #: one-token forms matched only in mixed-case text (alias written with a trailing ``*``:
    #: "IS*", an all-caps short form that is also an English word) → NER label
    cased_forms: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    files: tuple[str, ...] = ()

    # ------------------------------------------------------------------ loading
    @classmethod
    def load(cls, extra_files: Sequence[str | Path] = ()) -> ActorKB:
        """The bundled knowledge plus ``extra_files`` (cached per list of files)."""
        return _load(tuple(str(Path(p)) for p in extra_files))

    def codes(self) -> set[str]:
        return set(self.countries) | set(INTERNATIONAL_CODES)

    def _warn(self, where: str, problem: str) -> None:
        self.warnings.append(str(DataFileError(where, problem)))

    def _add(self, form: str, entry: KBEntry, *, override: bool = False) -> None:
        key = normalize(form)
        if not key:
            return
        if override or key not in self.exact:
            self.exact[key] = entry
        if len(key) > 4 and (override or key.casefold() not in self.folded):
            self.folded[key.casefold()] = entry

    def _read_lines(self, path: Path) -> Iterable[tuple[int, list[str]]]:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            self._warn(str(path), f"cannot be read ({exc})")
            return
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            yield number, [cell.strip() for cell in line.rstrip("\n").split("\t")]

    def _read_countries(self, path: Path) -> None:
        """The generated table: code, name, forms, iso."""
        for number, cells in self._read_lines(path):
            if len(cells) < 2 or not re.fullmatch(r"[A-Z]{3}", cells[0]):
                self._warn(f"{path}:{number}", "expected code<TAB>name<TAB>forms<TAB>iso")
                continue
            code, name = cells[0], cells[1]
            iso = cells[3] if len(cells) > 3 and cells[3] else code
            if iso == code:
                self.countries.setdefault(code, name)
            forms = [name, *(f for f in (cells[2].split("|") if len(cells) > 2 else []) if f)]
            for form in forms:
                self._add(form, KBEntry(name, "GPE", code, None, "country"))

    def _read_curated(self, path: Path, *, override: bool) -> None:
        pending: list[tuple[str, str, list[str], str | None, str]] = []
        for number, cells in self._read_lines(path):
            where = f"{path}:{number}"
            if len(cells) < 3:
                self._warn(where, "expected code<TAB>kind<TAB>forms[<TAB>sector]")
                continue
            code, kind, forms = cells[0], cells[1], [f for f in cells[2].split("|") if f.strip()]
            sector = cells[3] if len(cells) > 3 and cells[3] not in ("", "-") else None
            if kind not in COUNTRY_KINDS:
                self._warn(
                    where, f"unknown kind {kind!r} (one of {', '.join(sorted(COUNTRY_KINDS))})"
                )
                continue
            if not re.fullmatch(r"[A-Z]{3}", code):
                self._warn(where, f"country code {code!r} is not three capital letters")
                continue
            if sector is not None and sector not in SECTORS:
                self._warn(where, f"unknown sector {sector!r}")
                continue
            if kind == "institution" and sector is None:
                self._warn(where, "an institution needs a sector")
                continue
            if kind == "canonical":
                self.countries[code] = forms[0] if forms else code
                continue
            pending.append((code, kind, forms, sector, where))
        for code, kind, forms, sector, where in pending:
            if code not in self.countries:
                self._warn(where, f"unknown country code {code!r}")
                continue
            name = self.countries[code]
            for form in forms:
                if kind == "name":
                    self._add(form, KBEntry(name, "GPE", code, None, "country"), override=True)
                elif kind == "demonym":
                    entry = KBEntry(name, "NORP", code, None, "demonym")
                    self._add(form, entry, override=override)
                    if form.endswith(("an", "i")) and " " not in form[-3:]:
                        self._add(form + "s", entry, override=override)
                elif kind == "seat":
                    self._add(
                        form, KBEntry(form, "GPE", code, sector or "GOV", "seat"), override=override
                    )
                else:  # institution
                    self._add(
                        form, KBEntry(form, "ORG", code, sector, "institution"), override=True
                    )
                    self.ruler_patterns.append(("ORG", form))

    def _read_actors(self, path: Path, *, override: bool) -> None:
        codes = self.codes()
        for number, cells in self._read_lines(path):
            where = f"{path}:{number}"
            if len(cells) < 4 or not cells[0]:
                self._warn(where, "expected name<TAB>type<TAB>country<TAB>sector[<TAB>aliases]")
                continue
            name, typ, country, sector = cells[0], cells[1], cells[2], cells[3]
            if typ not in TYPES:
                self._warn(where, f"unknown type {typ!r} (one of {', '.join(sorted(TYPES))})")
                continue
            if country not in ("", "-") and country not in codes:
                self._warn(where, f"unknown country code {country!r}")
                continue
            if sector not in ("", "-") and sector not in SECTORS:
                self._warn(where, f"unknown sector {sector!r}")
                continue
            entry = KBEntry(
                name,
                typ,
                None if country in ("", "-") else country,
                None if sector in ("", "-") else sector,
                "actor",
            )
            aliases = [a for a in (cells[4].split("|") if len(cells) > 4 else []) if a.strip()]
            for form in [name, *aliases]:
                label = "PERSON" if typ == "PERSON" else ("NORP" if typ == "NORP" else "ORG")
                if form.endswith("*") and form[:-1].strip():
                    form = form[:-1].strip()
                    self._add(form, entry, override=override)
                    self.cased_forms[form] = label
                    continue
                self._add(form, entry, override=override)
                self.ruler_patterns.append((label, form.translate(_QUOTES).strip()))

    def _read_sectors(self, path: Path) -> None:
        for number, cells in self._read_lines(path):
            where = f"{path}:{number}"
            if len(cells) < 3 or not cells[0]:
                self._warn(where, "expected phrase<TAB>sector<TAB>kind")
                continue
            phrase, sector, kind = cells[0].lower(), cells[1], cells[2]
            if kind not in SECTOR_KINDS:
                self._warn(
                    where, f"unknown kind {kind!r} (one of {', '.join(sorted(SECTOR_KINDS))})"
                )
                continue
            if sector not in ("", "-") and sector not in SECTORS:
                self._warn(where, f"unknown sector {sector!r}")
                continue
            words = tuple(
                phrase.translate(_QUOTES).replace("-", " - ").replace("'s", " 's").split()
            )
            self.sectors[words] = SectorEntry(words, None if sector in ("", "-") else sector, kind)
            self.max_phrase = max(self.max_phrase, len(words))

    def _read_user(self, path: Path) -> None:
        fmt = "actors"
        try:
            with path.open(encoding="utf-8") as handle:
                first = handle.readline()
        except (OSError, UnicodeDecodeError) as exc:
            self._warn(str(path), f"cannot be read ({exc})")
            return
        match = re.match(r"#\s*format:\s*(\w+)", first)
        if match:
            fmt = match.group(1).lower()
            if fmt not in FORMATS:
                self._warn(
                    f"{path}:1", f"unknown format {fmt!r} (one of {', '.join(sorted(FORMATS))})"
                )
                return
        if fmt == "sectors":
            self._read_sectors(path)
        elif fmt == "countries":
            self._read_curated(path, override=True)
        else:
            self._read_actors(path, override=True)

    # ------------------------------------------------------------------ lookups
    def lookup(self, text: str) -> KBEntry | None:
        """The entry for a surface form ("the Islamic State", "U.S.", "Iranians"), or None.

        Exact (case-sensitive) first; forms longer than four characters also match
        case-insensitively when the text is not all lower case ("Quds force")."""
        key = normalize(text)
        if not key:
            return None
        hit = self.exact.get(key)
        if hit is None and len(key) > 4 and not key.islower():
            hit = self.folded.get(key.casefold())
        return hit

    def country_name(self, code: str | None) -> str | None:
        return self.countries.get(code) if code else None

    @functools.cached_property
    def cased_form_ids(self) -> frozenset[int]:
        """The string hashes of ``cased_forms`` (token ORTH values), for a scan by array."""
        return frozenset(get_string_id(form) for form in self.cased_forms)

    @functools.cached_property
    def sector_heads(self) -> frozenset[str]:
        """The last words of all sector phrases: a token that is none of them heads none."""
        return frozenset(phrase[-1] for phrase in self.sectors)

    def sector_phrase(self, words: Sequence[str]) -> SectorEntry | None:
        """Entry for exactly these lower-case words (lemmas or forms)."""
        return self.sectors.get(tuple(words))


@lru_cache(maxsize=8)
def _load(extra_files: tuple[str, ...]) -> ActorKB:
    kb = ActorKB(files=extra_files)
    kb._read_countries(DATA_DIR / "countries.tsv")
    kb._read_curated(DATA_DIR / "countries_curated.tsv", override=False)
    kb._read_curated(DATA_DIR / "seats.tsv", override=False)
    kb._read_actors(DATA_DIR / "organizations.tsv", override=False)
    kb._read_actors(DATA_DIR / "people.tsv", override=False)
    kb._read_sectors(DATA_DIR / "sectors.tsv")
    for extra in extra_files:
        path = Path(extra)
        if not path.is_file():
            kb._warn(str(path), "no such file")
            continue
        kb._read_user(path)
    return kb
