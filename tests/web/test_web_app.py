"""The dashboard through Flask's test client, over the triaged demo mailbox."""

from __future__ import annotations

import csv
import io
import logging
from datetime import date

import pytest
from sqlalchemy import func, select

from bot.sla import figures, load_cases, months_back
from bot.web.queries import state_of
from classifiers.feedback import corrections_as_examples
from rules.workdays import WorkingCalendar
from storage.models import AuditEvent, Case, Correction, SeenMessage
from tests.web.conftest import (
    DS_USER, PLANNING_MANAGER, FakeEntra, Site, csrf_of, entra_site, sign_in_entra, sign_in_local,
)

TOKEN = "test-token-0123456789"
TODAY = date(2026, 11, 20)


@pytest.fixture
def admin(site: Site):  # type: ignore[no-untyped-def]
    client = site.app(admin_token=TOKEN).test_client()
    sign_in_local(client, TOKEN)
    return client


def case_pk(site: Site, ref: str) -> int:
    with site.store.session() as s:
        return s.scalar(select(Case.id).where(Case.ref == ref))


def first_message(site: Site, ref: str) -> SeenMessage:
    with site.store.session() as s:
        return s.scalars(select(SeenMessage).join(Case, SeenMessage.case_id == Case.id)
                         .where(Case.ref == ref, SeenMessage.direction == "in").order_by(SeenMessage.received)).first()


# --- sign-in ---------------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/", "/cases", "/cases?state=overdue", "/cases/MQ-2026-00001", "/sla", "/sla.csv",
                                  "/sla/chart.png", "/sla/chart.svg", "/cases/MQ-2026-99999"])
def test_every_page_needs_sign_in(site: Site, path: str) -> None:
    client = site.app(admin_token=TOKEN).test_client()
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/signin")
    assert "Member Queries" not in response.text and "Thirkettle" not in response.text


def test_posts_without_a_session_are_refused(site: Site) -> None:
    client = site.app(admin_token=TOKEN).test_client()
    for path in ("/cases/MQ-2026-00001/labels", "/cases/MQ-2026-00001/route", "/cases/MQ-2026-00001/due", "/signout"):
        assert client.post(path, data={"label-complaint": "yes"}).status_code == 400
    with site.store.session() as s:
        assert s.scalars(select(Correction)).all() == []


def test_local_token_signs_in_once_and_returns_to_the_page_asked_for(site: Site) -> None:
    app = site.app(admin_token=TOKEN)
    first = app.test_client()
    assert first.get("/cases?state=overdue").status_code == 302
    page = first.get("/signin")
    wrong = first.post("/signin", data={"csrf_token": csrf_of(page.text), "token": "guess"})
    assert wrong.status_code == 401 and "not right" in wrong.text
    ok = first.post("/signin", data={"csrf_token": csrf_of(page.text), "token": TOKEN})
    assert ok.status_code == 302 and ok.headers["Location"] == "/cases?state=overdue"
    assert first.get("/cases").status_code == 200
    assert app.extensions["mq_local_token"].spent

    second = app.test_client()
    page = second.get("/signin")
    again = second.post("/signin", data={"csrf_token": csrf_of(page.text), "token": TOKEN})
    assert again.status_code == 401 and "already been used" in again.text
    with site.store.session() as s:
        assert [e.actor for e in s.scalars(select(AuditEvent).where(AuditEvent.event == "web-signin"))] == ["local-admin"]


def test_sign_out_ends_the_session(admin) -> None:  # type: ignore[no-untyped-def]
    page = admin.get("/cases")
    assert admin.post("/signout", data={"csrf_token": csrf_of(page.text)}).status_code == 302
    assert admin.get("/cases").status_code == 302


def test_cookie_flags_and_security_headers(site: Site) -> None:
    client = site.app(admin_token=TOKEN).test_client()
    response = client.get("/signin")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert response.headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"

    public = Site(site.config.model_copy(update={"web": site.config.web.model_copy(update={"public_url": "https://mq.brackenford.gov.uk"})}),
                  site.store, site.kind)
    response = public.app(admin_token=TOKEN).test_client().get("/signin", base_url="https://mq.brackenford.gov.uk")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("__Host-mq_session=") and "Secure" in cookie and "HttpOnly" in cookie
    assert "max-age" in response.headers["Strict-Transport-Security"]


# --- CSRF ------------------------------------------------------------------------------------
def test_csrf_token_is_required_on_every_form(admin, site: Site) -> None:  # type: ignore[no-untyped-def]
    ref = site.ref("Desmond Okafor")
    with site.store.session() as s:
        due_before = s.scalar(select(Case.due).where(Case.ref == ref))
    page = admin.get(f"/cases/{ref}")
    token = csrf_of(page.text)
    forms = page.text.count('method="post"')
    assert forms >= 4 and page.text.count('name="csrf_token"') == forms  # sign-out, labels per message, route, due
    message = first_message(site, ref)
    data = {"message": str(message.id), "label-personal_interest": "yes"}
    assert admin.post(f"/cases/{ref}/labels", data=data).status_code == 400
    bad = admin.post(f"/cases/{ref}/labels", data={**data, "csrf_token": token[:-2] + "xx"})
    assert bad.status_code == 400 and "expired" in bad.text
    cross = admin.post(f"/cases/{ref}/labels", data={**data, "csrf_token": token}, headers={"Sec-Fetch-Site": "cross-site"})
    assert cross.status_code == 400
    assert admin.post(f"/cases/{ref}/due", data={"due": "2026-12-01"}).status_code == 400
    with site.store.session() as s:
        assert s.scalars(select(Correction)).all() == []
        assert s.scalar(select(Case.due).where(Case.ref == ref)) == due_before


# --- corrections ----------------------------------------------------------------------------------
def test_label_correction_is_audited_and_becomes_training_data(admin, site: Site) -> None:  # type: ignore[no-untyped-def]
    # Cllr Okafor's message reveals an interest without declaring it; the bot missed it.
    ref = site.ref("Desmond Okafor")
    message = first_message(site, ref)
    assert message.labels["personal_interest"] is False
    page = admin.get(f"/cases/{ref}")
    response = admin.post(f"/cases/{ref}/labels", data={
        "csrf_token": csrf_of(page.text), "message": str(message.id),
        "label-enquiry": "yes", "label-personal_interest": "yes", "label-complaint": "no",
        "label-third_party_cc": "no", "label-personal_address": "no"})
    assert response.status_code == 303
    after = admin.get(response.headers["Location"])
    assert "Correction saved" in after.text and "Personal interest: no → yes" in after.text

    with site.store.session() as s:
        corrections = s.scalars(select(Correction)).all()
        assert [(c.field, c.old_value, c.new_value, c.actor, c.message_pk) for c in corrections] == [
            ("personal_interest", "false", "true", "local-admin", message.id)]
        assert corrections[0].text == message.excerpt and corrections[0].text
        audit = s.scalars(select(AuditEvent).where(AuditEvent.event == "corrected")).one()
        assert audit.actor == "local-admin" and audit.case_id == case_pk(site, ref)
        assert audit.detail["field"] == "personal_interest" and audit.detail["old"] is False and audit.detail["new"] is True
        case = s.scalar(select(Case).where(Case.ref == ref))
        assert case.flags["personal_interest"] is True
        assert s.get(SeenMessage, message.id).labels["personal_interest"] is False  # the bot's decision stays on record

    corrections = corrections_as_examples(site.store)
    examples = corrections.examples
    assert len(examples) == 1 and corrections.not_read == 0
    assert message.labels["read_by_model"] is True
    assert examples[0].text == message.excerpt
    assert examples[0].cats["personal_interest"] == 1.0 and examples[0].cats["enquiry"] == 1.0
    # The council address is neither webmail nor a business: the combiner's business feature stays off.
    assert message.labels["address_kind"] is None and examples[0].business is False
    # Nor does this message's sign-off name a post in an outside body: the signature feature stays off too.
    assert message.labels["signed_stake"] == 0.0 and examples[0].signed == 0.0


def test_not_an_enquiry_closes_the_case_and_back_reopens_it(admin, site: Site) -> None:  # type: ignore[no-untyped-def]
    ref = site.ref("Bernard Ashdown")
    message = first_message(site, ref)
    for value, status in (("no", "closed"), ("yes", "open")):
        page = admin.get(f"/cases/{ref}")
        admin.post(f"/cases/{ref}/labels", data={"csrf_token": csrf_of(page.text), "message": str(message.id), "label-enquiry": value})
        with site.store.session() as s:
            assert s.scalar(select(Case.status).where(Case.ref == ref)) == status
    with site.store.session() as s:
        events = [e.event for e in s.scalars(select(AuditEvent).where(AuditEvent.case_id == case_pk(site, ref)).order_by(AuditEvent.id))]
    assert events[-4:] == ["corrected", "case-closed", "corrected", "case-reopened"]


def test_route_and_due_date_corrections(admin, site: Site) -> None:  # type: ignore[no-untyped-def]
    ref = site.ref("Bernard Ashdown")  # council tax: the demo config (no service cues) left it with Democratic Services
    page = admin.get(f"/cases/{ref}")
    token = csrf_of(page.text)
    response = admin.post(f"/cases/{ref}/route", data={"csrf_token": token, "service": "revenues", "reason": "council tax"})
    assert response.status_code == 303
    response = admin.post(f"/cases/{ref}/due", data={"csrf_token": token, "due": "2026-11-25", "reason": "agreed with the member"})
    assert response.status_code == 303
    too_early = admin.post(f"/cases/{ref}/due", data={"csrf_token": token, "due": "2026-11-01"})
    assert "cannot be before the day of receipt" in admin.get(too_early.headers["Location"]).text
    not_a_date = admin.post(f"/cases/{ref}/due", data={"csrf_token": token, "due": "31/02/2026"})
    assert "real date" in admin.get(not_a_date.headers["Location"]).text
    with site.store.session() as s:
        case = s.scalar(select(Case).where(Case.ref == ref))
        assert case.service == "revenues" and case.route_mailbox == "catherine.ellwood@brackenford.gov.uk"
        assert case.due == date(2026, 11, 25)
        fields = [(c.field, c.old_value, c.new_value) for c in s.scalars(select(Correction).order_by(Correction.id))]
        assert fields == [("route", "democratic_services", "revenues"), ("due", "2026-11-23", "2026-11-25")]
        audit = [e.detail for e in s.scalars(select(AuditEvent).where(AuditEvent.event == "corrected").order_by(AuditEvent.id))]
        assert [d["field"] for d in audit] == ["route", "due"] and audit[1]["reason"] == "agreed with the member"
    history = admin.get(f"/cases/{ref}").text
    assert "Corrected: route" in history and "Corrected: due date" in history


# --- roles --------------------------------------------------------------------------------------
def test_service_manager_sees_only_their_service(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    entra = entra_site(site, monkeypatch)
    app = entra.app(auth_app_factory=lambda config: FakeEntra())
    manager = app.test_client()
    assert sign_in_entra(manager, PLANNING_MANAGER).status_code == 302
    listing = manager.get("/cases?state=all").text
    with site.store.session() as s:
        planning = sorted(r for r in s.scalars(select(Case.ref).where(Case.service == "planning")))
        others = sorted(r for r in s.scalars(select(Case.ref).where(Case.service != "planning")))
    assert planning and others
    for ref in planning:
        assert f">{ref}<" in listing
    for ref in others:
        assert f">{ref}<" not in listing
        assert manager.get(f"/cases/{ref}").status_code == 404
    assert manager.get(f"/cases/{planning[0]}").status_code == 200
    assert "Service manager: planning" in listing

    rows = list(csv.DictReader(io.StringIO(manager.get("/sla.csv").text)))
    assert rows and {r["service"] for r in rows} <= {"all", "planning"}

    # Someone else's case cannot be corrected by posting to it either.
    page = manager.get(f"/cases/{planning[0]}")
    refused = manager.post(f"/cases/{others[0]}/due", data={"csrf_token": csrf_of(page.text), "due": "2026-12-01"})
    assert refused.status_code == 404

    ds = app.test_client()
    sign_in_entra(ds, DS_USER)
    everything = ds.get("/cases?state=all").text
    assert all(f">{ref}<" in everything for ref in planning + others)


def test_entra_app_roles_and_strangers(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    entra = entra_site(site, monkeypatch)
    fake = FakeEntra(roles={"jodie.farrant@brackenford.gov.uk": ["MQ.Service.housing"]})
    app = entra.app(auth_app_factory=lambda config: fake)
    housing = app.test_client()
    sign_in_entra(housing, "jodie.farrant@brackenford.gov.uk")
    listing = housing.get("/cases?state=all")
    assert listing.status_code == 200 and "Service manager: housing" in listing.text
    assert fake.redirect_uri == "http://localhost/auth/callback" and fake.response_mode == "form_post"

    stranger = app.test_client()
    sign_in_entra(stranger, "someone.else@brackenford.gov.uk")
    refused = stranger.get("/cases")
    assert refused.status_code == 403 and "do not have access" in refused.text and "Thirkettle" not in refused.text


@pytest.mark.parametrize("claims, expected", [
    ({"aud": "another-app"}, "another application"),
    ({"tid": "11111111-2222-3333-4444-555555555555"}, "another organisation"),
    ({"exp": 1_000_000}, "expired"),
])
def test_entra_claims_are_checked(site: Site, monkeypatch: pytest.MonkeyPatch, claims: dict, expected: str) -> None:
    app = entra_site(site, monkeypatch).app(auth_app_factory=lambda config: FakeEntra(claims=claims))
    client = app.test_client()
    response = sign_in_entra(client, DS_USER)
    assert response.status_code == 403 and expected in response.text
    assert client.get("/cases").status_code == 302


def test_entra_state_mismatch_and_replay(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    app = entra_site(site, monkeypatch).app(auth_app_factory=lambda config: FakeEntra())
    client = app.test_client()
    client.get("/signin/entra")
    assert client.post("/auth/callback", data={"code": DS_USER, "state": "forged"}).status_code == 400
    assert client.post("/auth/callback", data={"code": DS_USER, "state": "forged"}).status_code == 400  # the flow is spent
    assert client.get(f"/auth/callback?code={DS_USER}&state=forged").status_code == 400
    assert client.get("/cases").status_code == 302
    # With Entra configured the local token does not exist.
    assert app.extensions["mq_local_token"] is None
    page = client.get("/signin")
    assert "Sign in with Microsoft" in page.text
    assert "csrf_token" not in page.text  # no form: nothing to post
    assert client.post("/signin", data={"token": "x"}).status_code == 400


# --- the case list --------------------------------------------------------------------------------
def _expected(site: Site, **want: object) -> list[str]:
    with site.store.session() as s:
        cases = s.scalars(select(Case)).all()
    out = []
    for c in cases:
        state = state_of(c.status, c.due, TODAY)
        if "state" in want:
            if want["state"] == "open":
                if c.status not in ("open", "triage"):
                    continue
            elif state != want["state"]:
                continue
        if "flag" in want and not c.flags.get(str(want["flag"])):
            continue
        if "member" in want and c.member_email != want["member"]:
            continue
        if "q" in want and str(want["q"]).lower() not in c.subject.lower():
            continue
        out.append(c.ref)
    return sorted(out)


def _refs(html: str) -> list[str]:
    import re

    return re.findall(r'<th scope="row" class="mq-table__cell mq-nowrap"><a href="/cases/([^"]+)">', html)


def test_filters_sorting_and_pages(any_site: Site) -> None:
    client = any_site.app(admin_token=TOKEN).test_client()
    sign_in_local(client, TOKEN)
    default = client.get("/cases")
    assert sorted(_refs(default.text)) == _expected(any_site, state="open")
    for query, want in [
        ("state=overdue", {"state": "overdue"}),
        ("state=due_today", {"state": "due_today"}),
        ("state=on_time", {"state": "on_time"}),
        ("state=answered", {"state": "answered"}),
        ("state=all&flag=complaint", {"flag": "complaint"}),
        ("state=all&flag=third_party_cc", {"flag": "third_party_cc"}),
        ("state=all&member=cllr.sunita.bhogal@brackenford.gov.uk", {"member": "cllr.sunita.bhogal@brackenford.gov.uk"}),
        ("state=all&q=COMPLAINT", {"q": "complaint"}),
        ("state=all&q=100%25_", {"q": "100%_"}),  # LIKE wildcards are matched literally
    ]:
        got = sorted(_refs(client.get(f"/cases?{query}").text))
        assert got == _expected(any_site, **want), query
    answered = sorted([any_site.ref("Callum MacAteer"), any_site.ref("Kwame Asante-Lowe")])
    assert _expected(any_site, state="answered") == answered
    assert _expected(any_site, state="overdue") and _expected(any_site, state="due_today")

    by_member = _refs(client.get("/cases?state=all&sort=member&dir=desc").text)
    with any_site.store.session() as s:
        names = {c.ref: c.member_name for c in s.scalars(select(Case))}
    assert [names[r] for r in by_member] == sorted((names[r] for r in by_member), reverse=True)
    by_due = _refs(client.get("/cases?state=all").text)
    with any_site.store.session() as s:
        dues = {c.ref: c.due for c in s.scalars(select(Case))}
    assert [dues[r] for r in by_due] == sorted(dues[r] for r in by_due)

    small = Site(any_site.config.model_copy(update={"web": any_site.config.web.model_copy(update={"page_size": 10})}),
                 any_site.store, any_site.kind)
    paged = small.app(admin_token=TOKEN).test_client()
    sign_in_local(paged, TOKEN)
    first, second = paged.get("/cases?state=all"), paged.get("/cases?state=all&page=2")
    total = len(_expected(any_site))
    assert 10 < total <= 20
    assert len(_refs(first.text)) == 10 and f"Showing 1 to 10 of {total} cases" in first.text
    assert len(_refs(second.text)) == total - 10 and not set(_refs(first.text)) & set(_refs(second.text))
    assert 'rel="next"' in first.text and 'rel="prev"' in second.text
    assert _refs(paged.get("/cases?state=all&page=99").text) == _refs(second.text)  # past the end: the last page


def test_states_have_text_not_just_colour(admin) -> None:  # type: ignore[no-untyped-def]
    html = admin.get("/cases?state=all").text
    for text in ("Overdue", "Due today", "On time", "Answered"):
        assert f'">{text}</strong>' in html
    assert "<caption" in html and 'scope="col"' in html and 'scope="row"' in html
    assert 'href="#main-content"' in html and 'id="main-content"' in html
    for control in ("f-state", "f-service", "f-flag", "f-member", "f-q"):
        assert f'<label class="mq-label" for="{control}">' in html


# --- the case page ---------------------------------------------------------------------------------
def test_case_page_highlights_evidence_and_shows_the_story(admin, site: Site) -> None:  # type: ignore[no-untyped-def]
    html = admin.get(f"/cases/{site.ref('Priya Ramaswamy')}").text  # declared interest in the first sentence
    assert '<mark class="mq-mark mq-mark--personal_interest">' in html or '<mark class="mq-mark mq-mark--enquiry">' in html
    assert 'mq-mark-tag--personal_interest">Personal interest</span>' in html
    assert "Rules that fired" in html and "Rules that did not fire" in html
    assert "Deadline history" in html and "Case opened" in html and "Acknowledgement planned" in html
    assert "Actions in the outbox" in html and "cllr.priya.ramaswamy@brackenford.gov.uk" in html

    complaint = admin.get(f"/cases/{site.ref('Eleanor Prideaux')}").text
    assert 'mq-mark-tag--complaint">Complaint</span>' in complaint
    assert "header:Cc" in complaint and "newsdesk@brackenfordecho.co.uk" in complaint
    assert "beyond the stored excerpt" in complaint

    answered = admin.get(f"/cases/{site.ref('Callum MacAteer')}").text
    assert ">Answered</strong>" in answered and "Reply sent by Rob Kettlewell" in answered
    interim = admin.get(f"/cases/{site.ref('Fiona Grebby')}").text
    assert "Interim reply" in interim


def test_unknown_or_malformed_case_refs(admin) -> None:  # type: ignore[no-untyped-def]
    assert admin.get("/cases/MQ-2026-99999").status_code == 404
    assert admin.get("/cases/%3Cscript%3E").status_code == 404


def test_no_message_text_or_query_strings_in_the_log(site: Site, caplog: pytest.LogCaptureFixture) -> None:
    client = site.app(admin_token=TOKEN).test_client()
    with caplog.at_level(logging.INFO, logger="mqtriage.web"):
        sign_in_local(client, TOKEN)
        client.get("/cases?q=Orchard&state=all")
        client.get(f"/cases/{site.ref('Priya Ramaswamy')}")
        ref = site.ref("Desmond Okafor")
        page = client.get(f"/cases/{ref}")
        message = first_message(site, ref)
        client.post(f"/cases/{ref}/labels", data={"csrf_token": csrf_of(page.text), "message": str(message.id),
                                                  "label-personal_interest": "yes"})
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "GET /cases 200" in text and f"POST /cases/{ref}/labels 303" in text
    assert "Orchard" not in text and "q=" not in text and TOKEN not in text
    assert message.excerpt[:30] not in text and "husband" not in text
    assert "@brackenford.gov.uk" not in text or "…@" in text


# --- SLA -------------------------------------------------------------------------------------------
def test_sla_page_csv_and_chart_agree_with_bot_sla(admin, site: Site) -> None:  # type: ignore[no-untyped-def]
    config = site.config
    calendar = WorkingCalendar.from_config(config.council)
    since = months_back(TODAY, config.sla.months)
    rows = figures(load_cases(site.store, config, since), calendar, TODAY, since)
    november = next(r for r in rows if r.month == "2026-11" and r.service == "")
    assert november.answered == 2 and november.answered_in_target == 1

    page = admin.get("/sla").text
    assert "Answered within target" in page and "Median working days to answer" in page
    assert f">{november.share_text}</text>" in page  # the bar's label in the SVG
    assert 'role="img"' in page and "<title id=\"share-chart-title\">" in page

    rows_csv = list(csv.DictReader(io.StringIO(admin.get("/sla.csv").text)))
    nov = next(r for r in rows_csv if r["month"] == "2026-11" and r["service"] == "all")
    assert int(nov["answered"]) == 2 and int(nov["answered_in_target"]) == 1
    assert float(nov["share_in_target"]) == pytest.approx(november.share_in_target)
    assert float(nov["median_working_days"]) == november.median_working_days
    assert int(nov["overdue_open"]) == november.overdue_open

    png = admin.get("/sla/chart.png")
    assert png.mimetype == "image/png" and png.data.startswith(b"\x89PNG\r\n\x1a\n")
    svg = admin.get("/sla/chart.svg")
    assert svg.mimetype == "image/svg+xml" and b"Nov 2026" in svg.data


def test_csv_cells_cannot_be_formulas() -> None:
    from bot.web.sla_view import _cell

    assert _cell("=HYPERLINK(1)") == "'=HYPERLINK(1)" and _cell("Planning") == "Planning"


def test_config_checks_at_start(site: Site, tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from bot.config import ConfigError

    half = Site(site.config.model_copy(update={"web": site.config.web.model_copy(update={"entra_tenant_id": "x"})}), site.store, site.kind)
    with pytest.raises(ConfigError, match="web.entra_client_id"):
        half.app()
    missing = Site(site.config.model_copy(update={"web": site.config.web.model_copy(update={"roles_file": tmp_path / "roles.toml"})}),
                   site.store, site.kind)
    with pytest.raises(ConfigError, match="roles.toml"):
        missing.app()
    (tmp_path / "roles.toml").write_text('democratic_services = ["jodie.farrant@brackenford.gov.uk"]\n[service_managers]\n"a@b.gov.uk" = ["waste"]\n')
    app = missing.app(auth_app_factory=lambda config: FakeEntra())
    assert app is not None

    from bot.web.server import start_in_thread

    with pytest.raises(ConfigError, match="web.listen"):
        start_in_thread(site.config, site.store, listen="0.0.0.0", port=0)


def test_roles_file_is_reread(site: Site, tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    import os

    roles = tmp_path / "roles.toml"
    roles.write_text('[service_managers]\n"jodie.farrant@brackenford.gov.uk" = ["housing"]\n')
    entra = entra_site(site, monkeypatch)
    entra = Site(entra.config.model_copy(update={"web": entra.config.web.model_copy(update={"roles_file": roles})}), site.store, site.kind)
    client = entra.app(auth_app_factory=lambda config: FakeEntra()).test_client()
    sign_in_entra(client, "jodie.farrant@brackenford.gov.uk")
    assert client.get("/cases").status_code == 200
    roles.write_text("democratic_services = []\n")
    os.utime(roles, (1_900_000_000, 1_900_000_000))
    assert client.get("/cases").status_code == 403


def test_cli_has_a_web_command() -> None:
    from click.testing import CliRunner

    from bot.cli import main

    result = CliRunner().invoke(main, ["web", "--help"])
    assert result.exit_code == 0 and "--port" in result.output and "dashboard" in result.output



@pytest.mark.parametrize("sort", ["due", "state", "member", "received"])
def test_pages_read_from_either_end_agree_with_one_sorted_list(any_site: Site, sort: str) -> None:
    """Pages past the middle are read in reverse from the end: together they must be the one list."""
    small = Site(any_site.config.model_copy(update={"web": any_site.config.web.model_copy(update={"page_size": 10})}),
                 any_site.store, any_site.kind)
    client = small.app(admin_token=TOKEN).test_client()
    sign_in_local(client, TOKEN)
    for direction in ("", "&dir=desc"):
        paged = [ref for n in (1, 2) for ref in _refs(client.get(f"/cases?state=all&sort={sort}{direction}&page={n}").text)]
        with any_site.store.session() as s:
            assert len(paged) == s.scalar(select(func.count()).select_from(Case))
        assert len(set(paged)) == len(paged)
        big = any_site.app(admin_token=TOKEN).test_client()
        sign_in_local(big, TOKEN)
        assert _refs(big.get(f"/cases?state=all&sort={sort}{direction}").text) == paged
