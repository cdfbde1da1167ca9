"""The HTTP API (eventwire.web) through FastAPI's TestClient, on a small store built by
ingesting examples/articles with the real pipeline (once per session)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import duckdb
import pytest

pytest.importorskip("fastapi", reason="the web extra (fastapi, uvicorn) is not installed")

from fastapi.testclient import TestClient

from eventwire.web import create_app
from test_web_support import LiveServer, build_store

INJECTIONS = [
    "' OR '1'='1",
    "x'); DROP TABLE events; --",
    '" OR 1=1 --',
    "%",
    "_",
    "USA' UNION SELECT text FROM articles --",
    "\\'; SELECT * FROM information_schema.tables; --",
]
LEAK_WORDS = ("duckdb", "traceback", "binder error", "parser error", "catalog error", "sqlstate")


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory, pipeline: Any) -> Path:
    return build_store(tmp_path_factory.mktemp("web"), pipeline)


@pytest.fixture(scope="module")
def client(db: Path, pipeline: Any) -> Iterator[TestClient]:
    with TestClient(create_app(db, pipeline=pipeline)) as c:
        yield c


def sql(db: Path, query: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(query, params or []).fetchall()
    finally:
        con.close()


def fields(resp: Any) -> set[str]:
    assert resp.status_code == 422, resp.text
    body = resp.json()
    assert body["message"].startswith("invalid request: ")
    return {e["field"] for e in body["detail"]}


# ----------------------------------------------------------------------------- meta


def test_health(client: TestClient, db: Path) -> None:
    h = client.get("/health").json()
    assert h["status"] == "ok"
    assert h["store"]["available"] is True
    assert h["store"]["articles"] == sql(db, "SELECT count(*) FROM articles")[0][0]


def test_health_and_503_without_store(tmp_path: Path, pipeline: Any) -> None:
    c = TestClient(create_app(None, pipeline=pipeline))
    assert c.get("/health").json()["store"] is None
    r = c.get("/events")
    assert r.status_code == 503 and "--db" in r.json()["detail"]
    missing = TestClient(create_app(tmp_path / "nope.duckdb", pipeline=pipeline))
    assert missing.get("/health").json()["store"]["available"] is False
    r = missing.get("/stats")
    assert r.status_code == 503 and "no such store" in r.json()["detail"]


def test_stats_matches_the_store(client: TestClient, db: Path) -> None:
    s = client.get("/stats").json()
    assert s["articles"] == sql(db, "SELECT count(*) FROM articles")[0][0] >= 8
    assert s["events"] == sql(db, "SELECT count(*) FROM events")[0][0] > 0
    assert sum(s["by_type"].values()) == s["events"]


def test_openapi_and_offline_docs(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    for path in ("/extract", "/events", "/events/summary", "/articles/{article_id}",
                 "/entities", "/stories", "/stats", "/health"):  # fmt: skip
        assert path in spec["paths"], path
    docs = client.get("/docs")
    assert docs.status_code == 200
    assert "/docs-assets/swagger-ui-bundle.js" in docs.text
    assert "cdn" not in docs.text.lower() and "https://" not in docs.text
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css"):
        r = client.get(f"/docs-assets/{asset}")
        assert r.status_code == 200 and len(r.content) > 10_000


def test_dashboard_assets_and_headers(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200 and "text/html" in r.headers["content-type"]
    csp = r.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "connect-src 'self'" in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    for url in ("/static/app.js", "/static/style.css", "/static/favicon.svg"):
        assert client.get(url).status_code == 200, url
    # only the fixed asset routes exist: nothing maps a request path onto files
    for url in ("/static/../app.py", "/static/%2e%2e/app.py", "/static/records.py",
                "/docs-assets/../core.py", "/static/app.js/../../app.py"):  # fmt: skip
        assert client.get(url).status_code == 404, url


def test_cors_is_off(client: TestClient) -> None:
    r = client.get("/health", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in r.headers
    r = client.options(
        "/events",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"},
    )
    assert "access-control-allow-origin" not in r.headers


# ----------------------------------------------------------------------------- events


def test_events_default_is_asserted_and_counts(client: TestClient, db: Path) -> None:
    r = client.get("/events", params={"limit": 1000}).json()
    n_asserted = sql(db, "SELECT count(*) FROM events WHERE factuality = 'asserted'")[0][0]
    assert r["total"] == n_asserted == len(r["items"])
    assert {e["factuality"] for e in r["items"]} == {"asserted"}
    r = client.get("/events", params={"factuality": "any", "limit": 1}).json()
    assert r["total"] == sql(db, "SELECT count(*) FROM events")[0][0]
    r = client.get("/events", params=[("factuality", "negated"), ("factuality", "future")])
    facts = {e["factuality"] for e in r.json()["items"]}
    assert facts and facts <= {"negated", "future"}


def test_events_filters(client: TestClient, db: Path) -> None:
    r = client.get("/events", params={"type": "assault", "limit": 1000}).json()
    want = sql(db, "SELECT count(*) FROM events WHERE type='ASSAULT' AND factuality='asserted'")
    assert r["total"] == want[0][0] > 0 and {e["type"] for e in r["items"]} == {"ASSAULT"}
    both = client.get("/events", params={"type": "ASSAULT,REQUEST"}).json()["total"]
    req = client.get("/events", params={"type": "REQUEST"}).json()["total"]
    assert both == r["total"] + req
    (country,) = sql(db, "SELECT location_country FROM events WHERE location_country IS NOT NULL "
                         "AND factuality='asserted' GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")[0]  # fmt: skip
    r = client.get("/events", params={"country": country.lower(), "limit": 1000}).json()
    assert r["total"] > 0 and {e["location_country"] for e in r["items"]} == {country}
    r = client.get("/events", params={"min_confidence": 0.6, "limit": 1000}).json()
    assert all(e["confidence"] >= 0.6 for e in r["items"])
    (day,) = sql(db, "SELECT min(day) FROM events WHERE factuality='asserted'")[0]
    r = client.get("/events", params={"since": str(day), "until": str(day)}).json()
    assert r["total"] > 0 and {e["day"] for e in r["items"]} == {str(day)}
    (actor,) = sql(db, "SELECT actor_name FROM events WHERE actor_name IS NOT NULL "
                       "AND factuality='asserted' LIMIT 1")[0]  # fmt: skip
    r = client.get("/events", params={"name": actor.upper(), "limit": 1000}).json()
    assert r["total"] > 0
    for e in r["items"]:
        hay = " ".join(str(e[k] or "") for k in ("actor_name", "actor_text", "target_name",
                                                 "target_text")).lower()  # fmt: skip
        assert actor.lower() in hay
    e0 = r["items"][0]
    assert e0["article_title"] and e0["trigger_text"]


def test_events_pagination(client: TestClient) -> None:
    whole = client.get("/events", params={"limit": 20, "factuality": "any"}).json()["items"]
    a = client.get("/events", params={"limit": 10, "factuality": "any"}).json()["items"]
    b = client.get("/events", params={"limit": 10, "offset": 10, "factuality": "any"}).json()
    assert [(e["article_id"], e["event_id"]) for e in a + b["items"]] == [
        (e["article_id"], e["event_id"]) for e in whole
    ]
    far = client.get("/events", params={"offset": 100000}).json()
    assert far["items"] == [] and far["total"] > 0


def test_events_summary(client: TestClient) -> None:
    s = client.get("/events/summary").json()
    total = client.get("/events").json()["total"]
    assert s["total"] == total
    assert 0 < sum(t["n"] for t in s["timeline"]) <= total
    assert s["places"] and all(-90 <= p["lat"] <= 90 and -180 <= p["lon"] <= 180
                               for p in s["places"])  # fmt: skip
    assert s["network"]
    for e in s["network"]:
        assert e["source"] and e["target"] and e["cooperation"] + e["conflict"] <= e["n"]
    assert any(e["conflict"] for e in s["network"])
    only = client.get("/events/summary", params={"type": "ASSAULT"}).json()
    assert {t["type"] for t in only["timeline"]} == {"ASSAULT"}
    assert all(e["cooperation"] == 0 for e in only["network"])


# ----------------------------------------------------------------------------- articles


def test_article_record_with_spans(client: TestClient, db: Path) -> None:
    (aid, rid) = sql(db, "SELECT id, record_id FROM articles ORDER BY n_events DESC LIMIT 1")[0]
    rec = client.get(f"/articles/{aid}").json()
    assert rec["store"]["article_id"] == aid and rec["id"] == rid
    assert client.get(f"/articles/{rid}").json()["store"]["article_id"] == aid
    text = rec["text"]
    assert len(rec["events"]) == sql(db, "SELECT count(*) FROM events WHERE article_id=?",
                                     [aid])[0][0] > 0  # fmt: skip
    found = 0
    for ev in rec["events"]:
        s, e = ev["trigger"]["span"]
        assert text[s:e] == ev["trigger"]["text"]
        ss, se = ev["sentence_span"]
        assert ss <= s < e <= se
        for role in ("actor", "target"):
            arg = ev[role]
            if arg and arg["span"]:
                found += 1
                a, b = arg["span"]
                # an argument found by coreference may lie outside the sentence; the span
                # always covers the text it claims
                assert 0 <= a < b <= len(text) and text[a:b] == arg["text"]
    assert found > 0
    for p in rec["places"]:
        assert text[p["span"][0] : p["span"][1]] == p["text"]
    for t in rec["times"]:
        assert text[t["span"][0] : t["span"][1]] == t["text"]
    for ent in rec["entities"]:
        assert ent["mentions"]
    for q in rec["quotes"]:
        assert q["span"][0] < q["span"][1]


def test_article_404_and_no_filesystem(client: TestClient) -> None:
    r = client.get("/articles/0123456789abcdef0123456789abcdef")
    assert r.status_code == 404 and r.json()["detail"] == "no such article"
    for bad in ("..%2F..%2Fetc%2Fpasswd", "%2Fetc%2Fpasswd", "' OR 1=1 --", "a" * 150):
        r = client.get(f"/articles/{bad}")
        assert r.status_code == 404, bad
    assert client.get("/articles/" + "a" * 300).status_code == 422


def test_articles_list(client: TestClient, db: Path) -> None:
    r = client.get("/articles", params={"limit": 3}).json()
    assert r["total"] == sql(db, "SELECT count(*) FROM articles WHERE duplicate_of IS NULL")[0][0]
    assert len(r["items"]) == 3 and "text" not in r["items"][0]


def test_entities(client: TestClient) -> None:
    r = client.get("/entities", params={"limit": 5}).json()
    assert r["total"] > 5 and len(r["items"]) == 5
    mentions = [e["mentions"] for e in r["items"]]
    assert mentions == sorted(mentions, reverse=True)
    name = r["items"][0]["name"]
    hits = client.get("/entities", params={"q": name[:5].lower()}).json()["items"]
    assert any(e["name"] == name for e in hits)
    orgs = client.get("/entities", params={"type": "org"}).json()["items"]
    assert orgs and {e["type"] for e in orgs} == {"ORG"}


def test_stories(client: TestClient, db: Path) -> None:
    r = client.get("/stories", params={"limit": 5}).json()
    assert r["total"] == sql(db, "SELECT count(*) FROM clusters")[0][0] > 0
    top = r["items"][0]
    assert top["type"] and top["rep_article_id"] and top["trigger_text"]
    ass = client.get("/stories", params={"type": "ASSAULT"}).json()["items"]
    assert ass and {s["type"] for s in ass} == {"ASSAULT"}
    assert client.get("/stories", params={"min_articles": 1000}).json()["items"] == []
    assert fields(client.get("/stories", params={"type": "BOMB"})) == {"type"}


# ----------------------------------------------------------------------------- extract


def test_extract(client: TestClient) -> None:
    text = (
        "Israeli jets struck a camp in Gaza on Monday, officials said. "
        "The army said it had no plans to withdraw."
    )
    r = client.post("/extract", json={"text": text, "date": "2024-03-06", "title": "Strike"})
    assert r.status_code == 200, r.text
    rec = r.json()
    assert rec["text"] == text and rec["title"] == "Strike" and rec["date"] == "2024-03-06"
    assault = [e for e in rec["events"] if e["type"] == "ASSAULT"]
    assert assault and assault[0]["date"] == "2024-03-04"  # "Monday" before 6 March
    for ev in rec["events"]:
        s, e = ev["trigger"]["span"]
        assert text[s:e] == ev["trigger"]["text"]
    assert any(e["factuality"] == "negated" for e in rec["events"])


def test_extract_validation(client: TestClient) -> None:
    assert fields(client.post("/extract", json={})) == {"text"}
    assert fields(client.post("/extract", json={"text": "   "})) == {"text"}
    assert fields(client.post("/extract", json={"text": 5})) == {"text"}
    assert fields(client.post("/extract", json={"text": "x", "date": "the 45th"})) == {"date"}
    assert fields(client.post("/extract", json={"text": "x", "colour": "red"})) == {"colour"}
    assert fields(client.post("/extract", json={"text": "x" * 200_001})) == {"text"}
    r = client.post("/extract", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 422


def test_body_limit_413(pipeline: Any, db: Path) -> None:
    c = TestClient(create_app(db, pipeline=pipeline, max_body=2000))
    r = c.post("/extract", json={"text": "x" * 5000})
    assert r.status_code == 413 and "too large" in r.json()["detail"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted while read
        yield b'{"text": "'
        for _ in range(10):
            yield b"y" * 500
        yield b'"}'

    r = c.post("/extract", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413
    assert c.post("/extract", json={"text": "Protesters marched in Nairobi."}).status_code == 200


# ----------------------------------------------------------------------------- bad input


def test_query_validation_names_fields(client: TestClient) -> None:
    assert fields(client.get("/events", params={"limit": 0})) == {"limit"}
    assert fields(client.get("/events", params={"limit": "ten"})) == {"limit"}
    assert fields(client.get("/events", params={"limit": 5000})) == {"limit"}
    assert fields(client.get("/events", params={"offset": -1})) == {"offset"}
    assert fields(client.get("/events", params={"since": "yesterday"})) == {"since"}
    assert fields(client.get("/events", params={"until": "2024-02-30"})) == {"until"}
    assert fields(client.get("/events", params={"min_confidence": 2})) == {"min_confidence"}
    assert "factuality" in next(iter(fields(client.get("/events",
                                                       params={"factuality": "maybe"}))))  # fmt: skip
    assert fields(client.get("/events", params={"type": "BOMBING"})) == {"type"}
    assert fields(client.get("/events", params={"since": "2024-03-02", "until": "2024-03-01"})) == {
        "until"
    }
    assert fields(client.get("/events", params={"cluster": "x"})) == {"cluster"}
    assert fields(client.get("/events/summary", params={"top_edges": 0})) == {"top_edges"}
    assert fields(client.get("/entities", params={"limit": -3})) == {"limit"}
    assert fields(client.get("/stories", params={"since": "x"})) == {"since"}
    assert fields(client.get("/events", params={"name": "n" * 501})) == {"name"}


def test_sql_injection_strings_are_plain_text(client: TestClient, db: Path) -> None:
    before = client.get("/stats").json()
    for s in INJECTIONS:
        for param in ("name", "text", "location", "actor_country", "target_country",
                      "actor_sector", "country"):  # fmt: skip
            for path in ("/events", "/events/summary"):
                r = client.get(path, params={param: s, "factuality": "any"})
                assert r.status_code == 200, (path, param, s, r.text)
                assert r.json()["total"] == 0, (path, param, s)
                assert not any(w in r.text.lower() for w in LEAK_WORDS)
        for path, param in (("/entities", "q"), ("/entities", "country"), ("/articles", "q")):
            r = client.get(path, params={param: s})
            if r.status_code == 422:  # longer than a code may be
                assert fields(r) == {param}
            else:
                assert r.status_code == 200 and r.json()["total"] == 0, (path, param, s)
        r = client.get(f"/articles/{s}")
        assert r.status_code == 404 and r.json() == {"detail": "no such article"}
        r = client.get("/events", params={"type": s})
        assert r.status_code == 422 and fields(r) == {"type"}
        assert (len(s) < 3 or s not in r.text) and not any(w in r.text.lower() for w in LEAK_WORDS)
    assert client.get("/stats").json() == before
    assert sql(db, "SELECT count(*) FROM events")[0][0] == before["events"]


# ----------------------------------------------------------------------------- serve, load


def test_serve_command_binds_loopback(monkeypatch: pytest.MonkeyPatch, db: Path) -> None:
    import typer
    import uvicorn
    from typer.testing import CliRunner

    from eventwire.web.commands import register

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append(kw))
    app = typer.Typer()
    register(app)
    app.command("noop")(lambda: None)  # a group, so that `serve` is a subcommand
    r = CliRunner().invoke(app, ["serve", "--db", str(db)])
    assert r.exit_code == 0, r.output
    assert calls[0]["host"] == "127.0.0.1" and calls[0]["port"] == 8000
    r = CliRunner().invoke(app, ["serve", "--db", str(db), "--host", "0.0.0.0", "--port", "9"])
    assert r.exit_code == 0 and calls[1]["host"] == "0.0.0.0"
    assert "no authentication" in " ".join(r.output.split())
    assert CliRunner().invoke(app, ["serve", "--port", "0"]).exit_code != 0


def test_bounded_load_over_loopback(db: Path, pipeline: Any) -> None:
    """300 requests from 6 threads against a real uvicorn on 127.0.0.1: all answered."""
    import httpx

    urls = ["/events?limit=50", "/events/summary", "/stats", "/entities", "/stories",
            "/events?type=ASSAULT&since=2024-01-01", "/health"]  # fmt: skip
    with LiveServer(create_app(db, pipeline=pipeline)) as srv:
        local = threading.local()

        def one(i: int) -> tuple[int, float]:
            if not hasattr(local, "c"):
                local.c = httpx.Client(base_url=srv.url, timeout=30)
            t = time.perf_counter()
            r = local.c.get(urls[i % len(urls)])
            return r.status_code, time.perf_counter() - t

        with ThreadPoolExecutor(6) as pool:
            results = list(pool.map(one, range(300)))
    codes = [c for c, _ in results]
    assert codes.count(200) == 300, {c: codes.count(c) for c in set(codes)}
    lat = sorted(t for _, t in results)
    print(json.dumps({"requests": 300, "p50_ms": round(lat[150] * 1000, 1),
                      "p95_ms": round(lat[285] * 1000, 1)}))  # fmt: skip


def test_store_in_use_by_a_writer_is_503(db: Path, tmp_path: Path, pipeline: Any) -> None:
    import shutil
    import subprocess
    import sys

    copy = tmp_path / "busy.duckdb"
    shutil.copy(db, copy)
    holder = subprocess.Popen(
        [sys.executable, "-c",
         f"import duckdb, sys; c = duckdb.connect({str(copy)!r}); print('locked', flush=True); "
         "sys.stdin.read()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        c = TestClient(create_app(copy, pipeline=pipeline))
        r = c.get("/events")
        assert r.status_code == 503 and "in use by process" in r.json()["detail"]
        assert c.get("/health").json()["store"]["available"] is False
    finally:
        holder.kill()
        holder.wait(timeout=10)
    assert TestClient(create_app(copy, pipeline=pipeline)).get("/events").status_code == 200


def test_database_errors_do_not_leak(
    client: TestClient, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import eventwire.web.app as web_app

    def boom(con: Any, aid: str) -> None:
        raise duckdb.CatalogException("Catalog Error: Table with name secret_table does not exist")

    monkeypatch.setattr(web_app, "stored_record", boom)
    (aid,) = sql(db, "SELECT id FROM articles LIMIT 1")[0]
    r = client.get(f"/articles/{aid}")
    assert r.status_code == 500
    assert r.json() == {"detail": "the store could not answer this query"}
    assert "secret_table" not in r.text
