"""End to end in real headless Chromium (Debian's, driven by Playwright; no browser download).

The dashboard is served by its real server (Waitress, ``start_in_thread``) on a free
loopback port over a PostgreSQL database filled by the pipeline from the demo mailbox
(SQLite when no PostgreSQL is installed). One person's visit: sign in with the one-time
token, filter, open a case, correct a label, read a chart. Screenshots of the case list,
a case page and the SLA page go to ``test-artifacts/screenshots/`` for a person to look at.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any, Iterator

import pytest
from sqlalchemy import select

expect = pytest.importorskip("playwright.sync_api").expect

from storage.models import AuditEvent, Case, Correction
from tests.conftest import ROOT
from tests.web.conftest import Golden, Site, clock, make_site

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--no-first-run"]
SHOTS = ROOT / "test-artifacts" / "screenshots"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed (apt-get install -y chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS, headless=True)
        yield instance
        instance.close()


@pytest.fixture
def served(golden: Golden, tmp_path: Path) -> Iterator[tuple[Site, Any]]:
    from bot.web.server import start_in_thread

    site = make_site(golden, "postgres" if golden.pg_server else "sqlite", tmp_path)
    running = start_in_thread(site.config, site.store, port=0, clock=clock)
    yield site, running
    running.stop()
    site.store.engine.dispose()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="en-GB")
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    yield tab
    context.close()


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.evaluate("document.activeElement && document.activeElement.blur()")  # the page as it looks, not as last clicked
    page.screenshot(path=str(SHOTS / name), full_page=True)


def test_sign_in_filter_open_correct_and_read_a_chart(served: tuple[Site, Any], page: Any) -> None:
    site, running = served
    token = running.app.extensions["mq_local_token"].value
    with site.store.session() as s:
        statuses = list(s.scalars(select(Case.status)))
    okafor, prideaux = site.ref("Desmond Okafor"), site.ref("Eleanor Prideaux")
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    # Every page needs sign-in: the list sends us to the sign-in page first.
    page.goto(running.url + "/cases?state=all")
    assert page.url.endswith("/signin")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    page.get_by_label("One-time sign-in token").fill(token)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/cases\?state=all$"))
    expect(page.get_by_role("heading", name="Cases", level=1)).to_be_visible()
    expect(page.locator("table.mq-table--cases tbody tr")).to_have_count(len(statuses))
    cookie = next(c for c in page.context.cookies() if c["name"] == "mq_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"

    # Filter: open cases with third parties copied, overdue.
    page.get_by_label("State").select_option("overdue")
    page.get_by_label("Flag").select_option("third_party_cc")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"state=overdue"))
    expect(page.locator("#results-count")).to_contain_text("Showing 1 to")
    rows = page.locator("table.mq-table--cases tbody tr")
    assert rows.count() >= 1
    for i in range(rows.count()):
        assert rows.nth(i).locator(".mq-tag").inner_text() == "Overdue"
        assert "Third parties copied" in rows.nth(i).locator(".mq-flags").inner_text()
    page.get_by_role("link", name="Clear filters").click()
    page.wait_for_url(re.compile(r"/cases$"))
    expect(page.locator("#results-count")).to_contain_text(f"of {sum(st in ('open', 'triage') for st in statuses)} cases")
    shot(page, "case-list.png")

    # Sort by member, then open a case from the list.
    page.get_by_role("link", name=re.compile(r"^Member\b.*sort by this column")).click()
    page.wait_for_url(re.compile(r"sort=member"))
    expect(page.locator("th[aria-sort='ascending']")).to_contain_text("Member")
    page.get_by_label("Subject contains").fill("Pelham Lane")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"q=Pelham"))
    page.get_by_role("link", name=okafor).click()
    page.wait_for_url(re.compile(rf"/cases/{okafor}$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Pelham Lane")
    expect(page.get_by_role("heading", name="Deadline history")).to_be_visible()
    assert page.locator("mark.mq-mark").count() >= 1

    # Correct a label: the bot missed Cllr Okafor's (undeclared) personal interest.
    form = page.locator("form.mq-correction").first
    form.get_by_role("group", name="Personal interest").get_by_label("Yes").check()
    form.get_by_role("button", name="Save label corrections").click()
    page.wait_for_url(re.compile(rf"/cases/{okafor}#message-\d+$"))
    expect(page.locator(".mq-banner--success")).to_contain_text("Correction saved. Personal interest: no → yes")
    expect(page.locator(".mq-summary-list")).to_contain_text("Personal interest")
    with site.store.session() as s:
        correction = s.scalars(select(Correction)).one()
        assert (correction.field, correction.new_value, correction.actor) == ("personal_interest", "true", "local-admin")
        assert s.scalars(select(AuditEvent).where(AuditEvent.event == "corrected")).one().actor == "local-admin"
        assert s.scalar(select(Case.flags).where(Case.ref == okafor))["personal_interest"] is True

    page.goto(running.url + f"/cases/{prideaux}")
    expect(page.locator("mark.mq-mark--complaint").first).to_be_visible()
    shot(page, "case-page.png")

    # Read a chart: the November bar of the share chart says what the table says.
    page.get_by_role("link", name="Service levels").click()
    page.wait_for_url(re.compile(r"/sla$"))
    expect(page.locator("#sla-months")).to_be_visible()
    chart = page.get_by_role("img", name=re.compile("Share of cases answered within target"))
    labels = chart.locator("text.mq-bar-label").all_text_contents()
    values = chart.locator("text.mq-bar-value").all_text_contents()
    assert "Nov 2026" in labels
    assert len(labels) == len(values)  # every month has a figure
    november = dict(zip(labels, values))["Nov 2026"]
    row = page.locator("#sla-months tbody tr", has=page.locator("th", has_text="Nov 2026"))
    assert row.locator("td").nth(3).inner_text() == november == "25%"  # 1 in target of 2 answered + 2 overdue
    box = chart.locator("rect.mq-bar").last.bounding_box()
    assert box and box["height"] > 10
    with page.expect_download() as download:
        page.get_by_role("link", name="Download these figures (CSV)").click()
    assert download.value.suggested_filename.startswith("member-queries-sla-")
    shot(page, "sla.png")
    assert not errors, errors


def test_keyboard_focus_is_visible(served: tuple[Site, Any], page: Any) -> None:
    _site, running = served
    token = running.app.extensions["mq_local_token"].value
    page.goto(running.url + "/signin")
    page.get_by_label("One-time sign-in token").fill(token)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/cases$"))
    expect(page.locator("#results-count")).to_be_visible()
    page.keyboard.press("Tab")
    skip = page.locator(".mq-skip-link")
    assert skip.evaluate("e => e === document.activeElement") and skip.is_visible()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    first = page.evaluate("document.activeElement.textContent.trim()")
    assert first.endswith("overdue")  # the first link inside the main content
    background = page.evaluate("getComputedStyle(document.activeElement).backgroundColor")
    assert background == "rgb(255, 221, 0)"  # the GOV.UK focus yellow


@pytest.fixture(scope="session", autouse=True)
def _fresh_screenshots() -> None:
    shutil.rmtree(SHOTS, ignore_errors=True)
