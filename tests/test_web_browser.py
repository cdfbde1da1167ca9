"""The dashboard in a real browser: Playwright driving Debian's Chromium (/usr/bin/chromium)
against the app served by uvicorn on 127.0.0.1, on the store of examples/articles.

Every request the page makes is recorded: none may go to another host. Screenshots go
to test-artifacts/ (gitignored)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(
        f"{CHROMIUM} is absent (apt-get install -y chromium); browser tests skipped",
        allow_module_level=True,
    )
pytest.importorskip("fastapi", reason="the web extra (fastapi, uvicorn) is not installed")
pytest.importorskip("playwright", reason="playwright (pip) is not installed")

import httpx  # noqa: E402
from playwright.sync_api import Page, sync_playwright  # noqa: E402

from eventwire.web import create_app  # noqa: E402
from test_web_support import LiveServer, build_store  # noqa: E402

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-dev-shm-usage",
        "--disable-features=Translate,OptimizationHints,MediaRouter"]  # fmt: skip
TIMEOUT = 20_000

PASTED = (
    "NAIROBI, March 3 (Wire) - Kenyan police fired tear gas at protesters in Nairobi on "
    'Monday, witnesses said. "We will not stop until the tax is withdrawn," said '
    "organiser Jane Wanjiru. The government said it had no plans to withdraw the bill."
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, pipeline: Any) -> Iterator[LiveServer]:
    db = build_store(tmp_path_factory.mktemp("webui"), pipeline)
    with LiveServer(create_app(db, pipeline=pipeline)) as srv:
        yield srv


@pytest.fixture(scope="module")
def browser_page(
    server: LiveServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Page, list[str], list[str]]]:
    ARTIFACTS.mkdir(exist_ok=True)
    profile = tmp_path_factory.mktemp("chromium-profile")
    requests: list[str] = []
    problems: list[str] = []
    with sync_playwright() as p:
        ctx = p.chromium.launch_persistent_context(
            str(profile),
            executable_path=str(CHROMIUM),
            headless=True,
            args=ARGS,
            viewport={"width": 1400, "height": 1000},
        )
        try:
            page = ctx.new_page()
            page.set_default_timeout(TIMEOUT)
            page.on("request", lambda r: requests.append(r.url))
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: problems.append(str(e)))
            yield page, requests, problems
        finally:
            ctx.close()
            shutil.rmtree(profile, ignore_errors=True)


def _shot(page: Page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def test_dashboard_filter_article_and_paste(
    server: LiveServer, browser_page: tuple[Page, list[str], list[str]]
) -> None:
    page, requests, problems = browser_page
    api = httpx.Client(base_url=server.url, timeout=30)

    # --- the dashboard: counts, timeline, map, network, table
    page.goto(server.url + "/")
    page.wait_for_selector("#events-table tbody tr")
    # the default minimum confidence (from measured precision) is applied and shown
    conf = api.get("/meta").json()["min_confidence"]["value"]
    assert 0 < conf < 1
    assert page.input_value("input[name=min_confidence]") == str(conf)
    assert str(conf) in page.inner_text("#conf-default")
    total = api.get("/events", params={"min_confidence": conf}).json()["total"]
    assert page.inner_text("#n-events") == str(total)
    assert page.locator("#timeline-svg rect.bar").count() > 0
    assert page.locator("#map-svg circle.pt").count() == len(
        api.get("/events/summary", params={"min_confidence": conf}).json()["places"]
    )
    assert page.locator("#map-svg path.country").count() > 150  # Natural Earth outlines
    # the network: named actors only, links of at least the minimum count (2 by default)
    net = api.get("/events/summary", params={"min_confidence": conf, "min_count": 2}).json()
    assert page.locator("#network-svg path.edge").count() == len(
        [e for e in net["network"] if e["source"] != e["target"]]
    )
    assert page.locator("#events-table tbody tr").count() == min(50, total)
    _shot(page, "web-dashboard.png")
    # at least one event per link: more links, still between named actors only
    net1 = api.get("/events/summary", params={"min_confidence": conf, "min_count": 1}).json()
    want_edges = len([e for e in net1["network"] if e["source"] != e["target"]])
    assert want_edges > 0
    page.fill("#min-link", "1")
    page.dispatch_event("#min-link", "change")
    page.wait_for_function(
        "n => document.querySelectorAll('#network-svg path.edge').length === n", arg=want_edges
    )
    colours = page.eval_on_selector_all(
        "#network-svg path.edge", "els => els.map(e => e.getAttribute('stroke'))"
    )
    assert all((c and c.startswith("rgb")) or c == "#b8b8b8" for c in colours), colours
    _shot(page, "web-dashboard-network.png")
    page.goto(server.url + "/")
    page.wait_for_selector("#events-table tbody tr")

    # --- a filter: type ASSAULT
    page.select_option("select[name=type]", "ASSAULT")
    page.click("#apply")
    want = api.get("/events", params={"type": "ASSAULT", "min_confidence": conf}).json()["total"]
    page.wait_for_function(
        "n => document.querySelector('#n-events') && document.querySelector('#n-events').textContent === String(n)",
        arg=want,
    )
    page.wait_for_selector("#events-table tbody tr")
    types = page.eval_on_selector_all(
        "#events-table tbody tr td:nth-child(2)", "els => els.map(e => e.textContent)"
    )
    assert types and set(types) == {"ASSAULT"}
    assert "type=ASSAULT" in page.url
    bars = page.eval_on_selector_all(
        "#timeline-svg rect.bar", "els => els.map(e => e.dataset.type)"
    )
    assert set(bars) == {"ASSAULT"}
    _shot(page, "web-dashboard-assault.png")

    # --- the article view of the first event
    first = page.locator("#events-table tbody tr").first
    aid, evid = first.get_attribute("data-article"), first.get_attribute("data-event")
    first.locator("a.open-article").click()
    page.wait_for_selector("#article-text .t-trigger")
    rec = api.get(f"/articles/{aid}").json()
    text = rec["text"]
    assert page.inner_text("#article-title") == (rec["title"] or rec["id"])
    segs = page.eval_on_selector_all(
        "#article-text .hl",
        "els => els.map(e => ({s: +e.dataset.start, e: +e.dataset.end, t: e.textContent,"
        " c: e.className, ev: e.dataset.ev || ''}))",
    )
    for s in segs:  # every highlighted piece is exactly the text at its offsets
        assert s["t"] == text[s["s"] : s["e"]]
    covered: dict[str, set[int]] = {}
    for s in segs:
        for cls in s["c"].split():
            covered.setdefault(cls, set()).update(range(s["s"], s["e"]))
    for ev in rec["events"]:
        a, b = ev["trigger"]["span"]
        assert set(range(a, b)) <= covered["t-trigger"], ev["id"]
        for role in ("actor", "target"):
            if ev[role] and ev[role]["span"]:
                a, b = ev[role]["span"]
                assert set(range(a, b)) <= covered[f"t-{role}"]
    for key, cls in (("places", "t-place"), ("times", "t-time"), ("quotes", "t-quote")):
        for item in rec[key]:
            a, b = item["span"]
            assert set(range(a, b)) <= covered[cls], (key, item)
    assert page.locator(".ev").count() == len(rec["events"])
    assert page.locator(f"#ev-{evid}.focus").count() == 1  # the event clicked is in focus
    focused = page.eval_on_selector_all("#article-text .hl.focus", "els => els.length")
    assert focused >= 1
    evidence = page.inner_text(f"#ev-{evid} .evidence mark")
    assert evidence == next(e["trigger"]["text"] for e in rec["events"] if e["id"] == evid)
    _shot(page, "web-article.png")

    # --- paste an article: coded at once through POST /extract
    page.goto(server.url + "/#/paste")
    page.fill("#paste-text", PASTED)
    page.fill("#paste-date", "2025-03-05")
    page.click("#paste-submit")
    page.wait_for_selector("#article-text .t-trigger")
    assert page.inner_text("#article-text") == PASTED
    triggers = page.eval_on_selector_all(
        "#article-text .t-trigger", "els => els.map(e => e.textContent)"
    )
    assert any("fired" in t for t in triggers), triggers
    assert page.locator("#article-text .t-quote").count() >= 1
    assert page.locator(".ev .badge.f-negated").count() >= 1
    _shot(page, "web-paste.png")

    # --- an API error is shown, not swallowed
    page.fill("#paste-text", "   ")
    page.fill("#paste-date", "not a date")
    page.click("#paste-submit")
    page.wait_for_function(
        "() => document.querySelector('#status').textContent.includes('invalid request')"
    )

    # --- the API docs (Swagger UI) render from the app's own files
    page.goto(server.url + "/docs")
    page.wait_for_selector(".swagger-ui .opblock-summary-path")
    paths = page.eval_on_selector_all(
        ".opblock-summary-path", "els => els.map(e => e.textContent.replace(/\u200b/g, ''))"
    )
    assert "/extract" in paths and "/events" in paths
    _shot(page, "web-docs.png")

    # --- nothing but the app was contacted, and the page raised no error
    hosts = {urlsplit(u).netloc for u in requests if not u.startswith(("data:", "blob:"))}
    assert hosts == {f"127.0.0.1:{server.port}"}, hosts
    assert any(u.endswith("/extract") for u in requests)
    real = [p for p in problems if "422" not in p]  # the failed POST above logs one line
    assert not real, real


def test_stories_page(server: LiveServer, browser_page: tuple[Page, list[str], list[str]]) -> None:
    """The Stories page: one row per story with its counts, a story's mentions across
    outlets side by side with their triggers highlighted; the confidence slider at 0
    shows every story."""
    page, requests, problems = browser_page
    api = httpx.Client(base_url=server.url, timeout=30)
    page.goto(server.url + "/#/stories?min_confidence=0")
    page.wait_for_selector("#stories-table tr.story")
    stories = api.get("/events", params={"stories": "true", "limit": 1000}).json()
    assert page.inner_text("#n-stories") == str(stories["total"])
    assert page.locator("#stories-table tr.story").count() == len(stories["items"])
    assert page.locator("#story-timeline rect.bar").count() > 0
    # the first row is the story with the most outlets; open it
    first = page.locator("#stories-table tr.story").first
    sid = first.get_attribute("data-story")
    story = next(s for s in stories["items"] if str(s["story"]) == sid)
    assert story["n_sources"] == max(s["n_sources"] for s in stories["items"])
    first.click()
    page.wait_for_selector(f"#story-{sid} .mention")
    cards = page.locator(f"#story-{sid} .mention")
    assert cards.count() == story["n_mentions"]
    ids = {f"{cards.nth(i).get_attribute('data-article')}-{cards.nth(i).get_attribute('data-event')}"
           for i in range(cards.count())}  # fmt: skip
    assert ids == set(story["mention_ids"])
    assert page.locator(f"#story-{sid} .mention .t-trigger").count() >= story["n_mentions"]
    _shot(page, "web-stories.png")
    hosts = {urlsplit(u).netloc for u in requests if not u.startswith(("data:", "blob:"))}
    assert hosts == {f"127.0.0.1:{server.port}"}, hosts
    real = [p for p in problems if "422" not in p]
    assert not real, real
