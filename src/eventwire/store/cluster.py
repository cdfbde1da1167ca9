"""Cross-article event clustering ("stories"), full or incremental.

Two asserted event mentions (of canonical articles: events of near-duplicate
copies, ``articles.duplicate_of``, are left out so a copied wire story does not
count twice) are linked when

* they have the same PLOVER type,
* their days (``events.day``: the event's date, else the article's) are at most
  ``days`` apart,
* they share a blocking key (:meth:`pairs.Mention.block_keys`: the trigger
  stem, an identifying word of the actor's or target's name, or the place),
* and the mention-pair model (:mod:`.pairs`, weights learned on ECB+) gives the
  pair a probability of reporting the same event at or above its threshold.

Stories are the connected components of the links (union-find). A component
does not depend on the order the links are found in, so adding mentions
incrementally (:func:`update_clusters`: new mentions are compared with each
other and with the stored mentions of their type within ``days``; stories they
link are merged) gives the same stories as a full recompute
(:func:`cluster_store`) on the same data; only the cluster ids differ.

Each story has a representative (the mention with the highest confidence, then
earliest), its number of mentions, distinct articles and distinct sources
(``articles.source``, else the URL host, else the article).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from typing import Any

import pyarrow as pa

from .db import Store, rollback
from .pairs import (
    MENTION_COLUMNS,
    Mention,
    PairModel,
    compatible,
    default_model,
    features,
    mention_from_tuple,
)

DEFAULT_DAYS = 1
DEFAULT_KM = 100.0
#: Mentions read from the store at a time in a full recompute.
FETCH_ROWS = 20_000
#: Sweep stale entries out of the blocking index every so many mentions.
SWEEP_EVERY = 50_000

#: Mentions that go into stories: asserted, of canonical articles (an anti-join on the
#: few near-duplicate copies: no join of every event with its article).
ELIGIBLE = (
    "e.factuality = 'asserted' AND e.article_id NOT IN "
    "(SELECT id FROM articles WHERE duplicate_of IS NOT NULL)"
)


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, x: int) -> int:
        p = self.parent
        root = x
        while p.get(root, root) != root:
            root = p[root]
        while x != root:  # path compression
            nxt = p[x]
            p[x] = root
            x = nxt
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def candidate_pairs(
    mentions: Iterable[Mention], *, days: int = DEFAULT_DAYS, new: set[int] | None = None
) -> Iterator[tuple[Mention, Mention]]:
    """Pairs ``(earlier, later)`` of mentions within ``days`` sharing a blocking key;
    ``mentions`` of one type, sorted by day. With ``new``, only pairs with at least one
    mention whose idx is in ``new``."""
    index: dict[str, deque[Mention]] = {}
    seen = 0
    for m in mentions:
        if m.day is None:
            continue
        day = m.day
        seen += 1
        if seen % SWEEP_EVERY == 0:
            for k in [k for k, dq in index.items() if day - (dq[-1].day or 0) > days]:
                del index[k]
        keys = m.block_keys()
        m_new = new is None or m.idx in new
        cands: dict[int, Mention] = {}
        for k in keys:
            dq = index.get(k)
            if dq is None:
                continue
            while dq and day - (dq[0].day or 0) > days:
                dq.popleft()
            for o in dq:
                if m_new or o.idx in new:  # type: ignore[operator]
                    cands[o.idx] = o
        for o in cands.values():
            yield o, m
        for k in keys:
            dq = index.get(k)
            if dq is None:
                index[k] = dq = deque()
            dq.append(m)


def links(
    mentions: Iterable[Mention],
    *,
    days: int = DEFAULT_DAYS,
    km: float = DEFAULT_KM,
    model: PairModel | None = None,
    new: set[int] | None = None,
) -> Iterator[tuple[int, int]]:
    """Pairs ``(earlier idx, later idx)`` of candidate mentions the model links."""
    model = model or default_model()
    thr = model.threshold
    for o, m in candidate_pairs(mentions, days=days, new=new):
        if not compatible(o, m, km):
            continue
        if model.score(features(o, m, km)) >= thr:
            yield o.idx, m.idx


def cluster_mentions(
    mentions: list[Mention],
    days: int = DEFAULT_DAYS,
    km: float = DEFAULT_KM,
    model: PairModel | None = None,
) -> list[int]:
    """Component label (smallest member idx) per mention; ``mentions`` of one type sorted
    by day, ``idx`` = position."""
    uf = _UnionFind()
    for a, b in links(mentions, days=days, km=km, model=model):
        uf.union(a, b)
    return [uf.find(m.idx) for m in mentions]


def _rows(cur: Any) -> Iterator[tuple[Any, ...]]:
    while True:
        chunk = cur.fetchmany(FETCH_ROWS)
        if not chunk:
            return
        yield from chunk


def _order() -> str:
    return "ORDER BY dayn NULLS LAST, e.article_id, e.event_id"


def cluster_store(
    store: Store,
    *,
    days: int = DEFAULT_DAYS,
    km: float = DEFAULT_KM,
    model: PairModel | None = None,
) -> int:
    """Recompute every cluster of the store; returns the number of clusters.

    Mentions stream from the store one type at a time in day order; only the
    ``days`` window of the blocking index is kept in memory (plus one label per
    mention)."""
    con = store.con
    types = [r[0] for r in con.execute("SELECT DISTINCT type FROM events ORDER BY 1").fetchall()]
    # one type's labels at a time go to a temporary table (DuckDB may spill it to disk)
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _labels "
        "(article_id VARCHAR, event_id VARCHAR, cluster_id BIGINT)"
    )
    next_id = 1
    for typ in types:
        keys_a: list[str] = []
        keys_e: list[str] = []
        cur = con.cursor()
        cur.execute(
            f"SELECT {MENTION_COLUMNS} FROM events e WHERE e.type = ? AND {ELIGIBLE} {_order()}",
            [typ],
        )

        def stream() -> Iterator[Mention]:
            for i, row in enumerate(_rows(cur)):  # noqa: B023
                keys_a.append(row[0])  # noqa: B023
                keys_e.append(row[1])  # noqa: B023
                yield mention_from_tuple(i, row)

        uf = _UnionFind()
        for a, b in links(stream(), days=days, km=km, model=model):
            uf.union(a, b)
        cur.close()
        ids: dict[int, int] = {}
        cids: list[int] = []
        for i in range(len(keys_a)):
            root = uf.find(i)
            if root not in ids:
                ids[root] = next_id
                next_id += 1
            cids.append(ids[root])
        part = _labels_table(keys_a, keys_e, cids)
        con.register("_labels_part", part)
        con.execute("INSERT INTO _labels SELECT * FROM _labels_part")
        con.unregister("_labels_part")
    _write(store, "_labels", full=True)
    con.execute("DROP TABLE _labels")
    return next_id - 1


def update_clusters(
    store: Store,
    *,
    days: int = DEFAULT_DAYS,
    km: float = DEFAULT_KM,
    model: PairModel | None = None,
) -> int:
    """Cluster the mentions that have no cluster yet (``cluster_id IS NULL``) into the
    stored stories: each is compared with the other new mentions and with the
    stored mentions of its type within ``days``; a new mention joins the story
    it links to, and stories it links together are merged (under the smallest id).
    Returns the number of mentions given a cluster.

    Equal to :func:`cluster_store` on the same data (same stories, other ids),
    provided the stored clusters were made with the same ``days``, ``km`` and model."""
    con = store.con
    new_rows = con.execute(
        f"SELECT {MENTION_COLUMNS}, e.cluster_id FROM events e "
        f"WHERE e.cluster_id IS NULL AND {ELIGIBLE}"
    ).fetchall()
    if not new_rows:
        return 0
    # per type, the days of the new mentions; the stored mentions within ``days`` of them
    span: dict[str, list[int]] = {}
    for r in new_rows:
        if r[3] is not None:
            lo_hi = span.setdefault(r[2], [r[3], r[3]])
            lo_hi[0], lo_hi[1] = min(lo_hi[0], r[3]), max(lo_hi[1], r[3])
    by_type: dict[str, list[tuple[Any, ...]]] = {}
    for r in new_rows:
        by_type.setdefault(r[2], []).append(r)
    if span:
        lo = min(v[0] for v in span.values()) - days
        hi = max(v[1] for v in span.values()) + days
        epoch = "DATE '1970-01-01'"
        for r in con.execute(
            f"SELECT {MENTION_COLUMNS}, e.cluster_id FROM events e "
            f"WHERE e.day BETWEEN {epoch} + ?::INTEGER AND {epoch} + ?::INTEGER "
            f"AND e.cluster_id IS NOT NULL AND e.type IN (SELECT unnest(?::VARCHAR[])) "
            f"AND {ELIGIBLE}",
            [lo, hi, list(span)],
        ).fetchall():
            w = span[r[2]]
            if w[0] - days <= r[3] <= w[1] + days:
                by_type[r[2]].append(r)
    next_id = 1 + int(
        con.execute(
            "SELECT greatest((SELECT coalesce(max(cluster_id), 0) FROM events), "
            "(SELECT coalesce(max(cluster_id), 0) FROM clusters))"
        ).fetchall()[0][0]
    )
    keys_a: list[str] = []
    keys_e: list[str] = []
    cids: list[int] = []
    for typ in sorted(by_type):
        rows = sorted(by_type[typ], key=lambda r: (r[3] is None, r[3] or 0, r[0], r[1]))
        mentions: list[Mention] = []
        old_cid: list[int | None] = []
        for i, r in enumerate(rows):
            mentions.append(mention_from_tuple(i, r))
            old_cid.append(r[-1])
        new = {i for i, c in enumerate(old_cid) if c is None}
        uf = _UnionFind()
        by_cid: dict[int, int] = {}
        for i, c in enumerate(old_cid):  # stored stories stay together
            if c is not None:
                if c in by_cid:
                    uf.union(by_cid[c], i)
                else:
                    by_cid[c] = i
        for a, b in links(mentions, days=days, km=km, model=model, new=new):
            uf.union(a, b)
        # each component keeps the smallest stored id among its members, else a new one
        comp_id: dict[int, int] = {}
        for i, c in enumerate(old_cid):
            if c is not None:
                root = uf.find(i)
                comp_id[root] = min(comp_id.get(root, c), c)
        merged: dict[int, int] = {}  # stored id → id of the story it merges into
        for i, c in enumerate(old_cid):
            root = uf.find(i)
            if root not in comp_id:
                comp_id[root] = next_id
                next_id += 1
            cid = comp_id[root]
            if c is None:
                keys_a.append(mentions[i].article_id)
                keys_e.append(mentions[i].event_id)
                cids.append(cid)
            elif c != cid:
                merged[c] = cid
        if merged:  # every stored member of a merged story, also outside the window
            for a_id, e_id, c in con.execute(
                "SELECT article_id, event_id, cluster_id FROM events "
                "WHERE cluster_id IN (SELECT unnest(?::BIGINT[]))",
                [list(merged)],
            ).fetchall():
                keys_a.append(a_id)
                keys_e.append(e_id)
                cids.append(merged[c])
    con.register("_clusters_new", _labels_table(keys_a, keys_e, cids))
    try:
        _write(store, "_clusters_new", full=False)
    finally:
        con.unregister("_clusters_new")
    return len(new_rows)


_CLUSTER_ROWS = """
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
      WHERE e.cluster_id IS NOT NULL {cond}
      GROUP BY e.cluster_id
    )
"""


def _labels_table(keys_a: list[str], keys_e: list[str], cids: list[int]) -> pa.Table:
    return pa.table(
        {
            "article_id": pa.array(keys_a, pa.string()),
            "event_id": pa.array(keys_e, pa.string()),
            "cluster_id": pa.array(cids, pa.int64()),
        }
    )


def _write(store: Store, labels: str, *, full: bool) -> None:
    """Set ``events.cluster_id`` from the relation ``labels`` (article_id, event_id,
    cluster_id) and rebuild the clusters rows (all, or those of the stories touched)."""
    con = store.con
    con.execute("BEGIN TRANSACTION")
    try:
        if full:
            con.execute("UPDATE events SET cluster_id = NULL WHERE cluster_id IS NOT NULL")
        else:  # the stories whose rows change: the merged ones and those new mentions join
            con.execute(
                "CREATE OR REPLACE TEMP TABLE _touched AS "
                f"SELECT DISTINCT cluster_id FROM {labels} UNION "
                f"SELECT DISTINCT e.cluster_id FROM events e JOIN {labels} n "
                "ON e.article_id = n.article_id AND e.event_id = n.event_id "
                "WHERE e.cluster_id IS NOT NULL"
            )
        con.execute(
            f"UPDATE events SET cluster_id = n.cluster_id FROM {labels} n "
            "WHERE events.article_id = n.article_id AND events.event_id = n.event_id"
        )
        if full:
            con.execute("DELETE FROM clusters")
            con.execute("INSERT INTO clusters " + _CLUSTER_ROWS.replace("{cond}", ""))
        else:
            con.execute(
                "DELETE FROM clusters WHERE cluster_id IN (SELECT cluster_id FROM _touched)"
            )
            con.execute(
                "INSERT INTO clusters "
                + _CLUSTER_ROWS.replace(
                    "{cond}", "AND e.cluster_id IN (SELECT cluster_id FROM _touched)"
                )
            )
            con.execute("DROP TABLE _touched")
        con.execute("COMMIT")
    except BaseException:
        rollback(con)
        raise
