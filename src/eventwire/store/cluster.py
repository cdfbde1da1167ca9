"""Cross-article event clustering ("stories").

Two asserted event mentions go in the same cluster when they have

* the same PLOVER type,
* dates (``events.day``: the event's date, else the article's) at most
  ``days`` apart,
* compatible participants: on each side (actor, target) the countries, where
  both are known, are equal, and the names, where both are known and the
  countries do not already agree, are equal (case-insensitive),
* compatible places: where both have coordinates, at most ``km`` apart;
  where both have a location country, the same one,
* and positive evidence: the same actor name or target name, or places
  within ``km`` together with a shared actor or target country.

Clusters are the connected components of that relation (union-find), built
per type over a sliding date window. Events of near-duplicate copies
(``articles.duplicate_of``) are left out so a copied wire story does not
count twice. Each cluster gets a representative (the mention with the highest
confidence, then earliest), its number of mentions, distinct articles and
distinct sources (``articles.source``, else the URL host, else the article).
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from .db import Store, rollback

DEFAULT_DAYS = 1
DEFAULT_KM = 100.0
#: Most recent mentions a new one is compared with (bounds time on dense days).
MAX_WINDOW = 5000


@dataclass
class Mention:
    idx: int
    day: int | None
    actor_country: str | None
    actor_name: str | None
    target_country: str | None
    target_name: str | None
    loc_country: str | None
    lat: float | None
    lon: float | None


def _norm(s: Any) -> str | None:
    if s is None:
        return None
    t = " ".join(str(s).lower().split())
    return t or None


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))


def _side(c1: str | None, n1: str | None, c2: str | None, n2: str | None) -> tuple[bool, bool]:
    """(compatible, shares something) for one side (actor or target)."""
    if c1 and c2 and c1 != c2:
        return False, False
    same_country = bool(c1 and c2 and c1 == c2)
    if n1 and n2 and n1 != n2 and not same_country:
        return False, False
    return True, same_country or bool(n1 and n2 and n1 == n2)


def compatible(a: Mention, b: Mention, km: float = DEFAULT_KM) -> bool:
    """Whether two mentions of one type, close in time, report the same event."""
    ok1, share1 = _side(a.actor_country, a.actor_name, b.actor_country, b.actor_name)
    if not ok1:
        return False
    ok2, share2 = _side(a.target_country, a.target_name, b.target_country, b.target_name)
    if not ok2:
        return False
    if a.loc_country and b.loc_country and a.loc_country != b.loc_country:
        return False
    near = False
    if a.lat is not None and a.lon is not None and b.lat is not None and b.lon is not None:
        if haversine_km(a.lat, a.lon, b.lat, b.lon) > km:
            return False
        near = True
    same_name = bool(a.actor_name and a.actor_name == b.actor_name) or bool(
        a.target_name and a.target_name == b.target_name
    )
    # a shared country alone is weak evidence (on ECB+ it merges unrelated events):
    # it counts only together with places within ``km``
    return same_name or (near and (share1 or share2))


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, x: int) -> int:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def cluster_mentions(
    mentions: list[Mention], days: int = DEFAULT_DAYS, km: float = DEFAULT_KM
) -> list[int]:
    """Component label (index of its first member) per mention, ``mentions`` sorted by day."""
    uf = _UnionFind(len(mentions))
    window: deque[Mention] = deque()
    for m in mentions:
        if m.day is None:
            continue
        while window and (m.day - window[0].day > days or len(window) > MAX_WINDOW):  # type: ignore[operator]
            window.popleft()
        for other in window:
            if compatible(m, other, km) and uf.find(m.idx) != uf.find(other.idx):
                uf.union(m.idx, other.idx)
        window.append(m)
    return [uf.find(i) for i in range(len(mentions))]


def cluster_store(store: Store, *, days: int = DEFAULT_DAYS, km: float = DEFAULT_KM) -> int:
    """Recompute every cluster of the store; returns the number of clusters."""
    con = store.con
    types = [r[0] for r in con.execute("SELECT DISTINCT type FROM events ORDER BY 1").fetchall()]
    keys_a: list[str] = []
    keys_e: list[str] = []
    cids: list[int] = []
    next_id = 1
    for typ in types:
        rows = con.execute(
            "SELECT e.article_id, e.event_id, "
            "CASE WHEN e.day IS NULL THEN NULL ELSE date_diff('day', DATE '1970-01-01', e.day) END, "
            "e.actor_country, e.actor_name, e.target_country, e.target_name, "
            "e.location_country, e.location_lat, e.location_lon "
            "FROM events e JOIN articles a ON a.id = e.article_id "
            "WHERE e.type = ? AND e.factuality = 'asserted' AND a.duplicate_of IS NULL "
            "ORDER BY 3 NULLS LAST, 1, 2",
            [typ],
        ).fetchall()
        mentions = [
            Mention(i, r[2], r[3], _norm(r[4]), r[5], _norm(r[6]), r[7], r[8], r[9])
            for i, r in enumerate(rows)
        ]
        labels = cluster_mentions(mentions, days, km)
        ids: dict[int, int] = {}
        for r, lab in zip(rows, labels, strict=True):
            if lab not in ids:
                ids[lab] = next_id
                next_id += 1
            keys_a.append(r[0])
            keys_e.append(r[1])
            cids.append(ids[lab])
    table = pa.table(
        {
            "article_id": pa.array(keys_a, pa.string()),
            "event_id": pa.array(keys_e, pa.string()),
            "cluster_id": pa.array(cids, pa.int64()),
        }
    )
    con.execute("BEGIN TRANSACTION")
    try:
        con.register("_clusters_new", table)
        con.execute("UPDATE events SET cluster_id = NULL WHERE cluster_id IS NOT NULL")
        con.execute(
            "UPDATE events SET cluster_id = n.cluster_id FROM _clusters_new n "
            "WHERE events.article_id = n.article_id AND events.event_id = n.event_id"
        )
        con.unregister("_clusters_new")
        con.execute("DELETE FROM clusters")
        con.execute(
            """
            INSERT INTO clusters
            SELECT cluster_id, type, first_day, last_day, rep.a, rep.e,
                   n_mentions, n_articles, n_sources
            FROM (
              SELECT e.cluster_id, any_value(e.type) AS type, min(e.day) AS first_day,
                     max(e.day) AS last_day,
                     arg_max({'a': e.article_id, 'e': e.event_id},
                             (e.confidence, -date_diff('day', DATE '1970-01-01',
                                                       coalesce(e.day, DATE '1970-01-01')),
                              e.article_id, e.event_id)) AS rep,
                     count(*)::INTEGER AS n_mentions,
                     count(DISTINCT e.article_id)::INTEGER AS n_articles,
                     count(DISTINCT coalesce(a.source,
                           nullif(regexp_extract(a.url, '^[a-zA-Z]+://([^/]+)', 1), ''),
                           a.id))::INTEGER AS n_sources
              FROM events e JOIN articles a ON a.id = e.article_id
              WHERE e.cluster_id IS NOT NULL
              GROUP BY e.cluster_id
            )
            """
        )
        con.execute("COMMIT")
    except BaseException:
        rollback(con)
        raise
    return next_id - 1
