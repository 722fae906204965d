"""The dashboard's fixtures: the demo mailbox triaged once per session, cloned per test.

The pipeline (``build_services`` + ``poll_once``) runs on a copy of the demo mailbox, as
the ``demo_config`` fixture sets it up, plus three officers' replies in ``.Sent`` (two
answers, one on time and one late, and an interim reply) so the case clock and the SLA
figures have something to show. The detectors are the rules-only ones on a blank spaCy
pipeline (``blank_detectors_factory``): the shipped model is retrained from time to time
and these tests are about the dashboard, so they must not move when its scores do. Tests
find cases by member, not by reference number, for the same reason. It runs once into SQLite and once into PostgreSQL; each
test then gets its own clone (a file copy, or ``CREATE DATABASE … TEMPLATE``), so tests
that correct things cannot disturb each other.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import textwrap
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

import pytest

from tests.conftest import DEMO, PG_BIN, write_config

NOW = datetime(2026, 11, 20, 18, 0, tzinfo=timezone.utc)  # Friday 20 November 2026, after the last demo message
MAILBOX = "memberqueries@brackenford.gov.uk"
DS_USER = "helen.ruddock@brackenford.gov.uk"  # Democratic Services
PLANNING_MANAGER = "nadia.chowdhury@brackenford.gov.uk"
ENTRA_SECRET_ENV = "MQ_TEST_ENTRA_SECRET"
ENTRA_TENANT = "6f1d7c2a-0b4e-4c55-9d53-3a1f0e2b9c77"
ENTRA_CLIENT = "0c9d3b1e-5a7f-4e2d-8c61-2f4b7a9e1d03"

WEB_SECTION = f"""
[web]
democratic_services = ["{DS_USER}"]
[web.service_managers]
"{PLANNING_MANAGER}" = ["planning"]
"""
ENTRA_KEYS = f"""entra_tenant_id = "{ENTRA_TENANT}"
entra_client_id = "{ENTRA_CLIENT}"
entra_client_secret_env = "{ENTRA_SECRET_ENV}"
"""


def clock() -> datetime:
    return NOW


def _reply(to_name: str, to: str, sender: str, sender_name: str, subject: str, in_reply_to: str, when: str, body: str, n: int) -> bytes:
    return textwrap.dedent(f"""\
        From: {sender_name} <{sender}>
        To: {to_name} <{to}>
        Subject: RE: {subject}
        Date: {when}
        Message-ID: <officer-reply-{n}@brackenford.gov.uk>
        In-Reply-To: {in_reply_to}
        References: {in_reply_to}
        MIME-Version: 1.0
        Content-Type: text/plain; charset=utf-8

        """).encode() + textwrap.dedent(body).encode()


OFFICER_REPLIES = [
    _reply("Cllr Kwame Asante-Lowe", "cllr.kwame.asante-lowe@brackenford.gov.uk", "maureen.dunkley@brackenford.gov.uk", "Maureen Dunkley",
           "Missed recycling collection - Tanyard Row, Sandpits", "<c41d7e08-5b2a-4f6c-9e13-8a0f2b7d6c55@brackenford.gov.uk>",
           "Wed, 18 Nov 2026 11:00:00 +0000", """\
           Dear Cllr Asante-Lowe,

           The crew missed Tanyard Row because of a blocked access road. The blue bins were
           collected this morning.

           Maureen
           """, 1),
    _reply("Cllr Callum MacAteer", "cllr.callum.macateer@brackenford.gov.uk", "rob.kettlewell@brackenford.gov.uk", "Rob Kettlewell",
           "pothole weir rd", "<A7C4E0B2-6D19-4F3E-9B85-1E2D7F0C4A93@brackenford.gov.uk>",
           "Thu, 19 Nov 2026 10:00:00 +0000", """\
           Dear Callum,

           The pothole on Weir Road was filled this morning. Sorry it took longer than it should have.

           Rob
           """, 2),
    _reply("Cllr Fiona Grebby", "cllr.fiona.grebby@brackenford.gov.uk", "philip.hartigan@brackenford.gov.uk", "Philip Hartigan",
           "Cresswell Rec play area - zip wire and roundabout broken", "<e3b90a5c-2f17-4d8e-b6a4-71c05d9f3e28@brackenford.gov.uk>",
           "Wed, 18 Nov 2026 09:30:00 +0000", """\
           Dear Cllr Grebby,

           This is an interim reply: both items are taped off. We expect to give you a full answer
           within 10 working days once the manufacturer has inspected the zip wire.

           Philip
           """, 3),
]


def build_demo_folder(folder: Path, storage_url: str | None) -> Path:
    """What ``demo_config`` makes (a config and a fresh copy of the demo mailbox), plus officers' replies."""
    folder.mkdir(parents=True, exist_ok=True)
    path = write_config(folder, storage_url=storage_url, extra=WEB_SECTION)
    shutil.rmtree(folder / "mailbox")
    shutil.copytree(DEMO / "mailbox", folder / "mailbox")
    sent = folder / "mailbox" / ".Sent" / "cur"
    sent.mkdir(parents=True)
    for n, raw in enumerate(OFFICER_REPLIES, start=1):
        target = sent / f"17950000{n:02d}.M{n}P1.brackenford:2,S"
        target.write_bytes(raw)
        os.utime(target, (1_795_000_000 + n, 1_795_000_000 + n))
    return path


def run_pipeline(config_path: Path, detectors: Any) -> None:
    from bot.backends.maildir import MaildirMailbox
    from bot.config import load_config
    from bot.runner import poll_once
    from bot.services import build_services

    config = load_config(config_path)
    services = build_services(config, MaildirMailbox(config.resolve(config.mailbox.path), config.mailbox.address),
                              clock=clock, detectors=detectors)
    report = poll_once(services)
    assert report.failed == 0 and report.quarantined == 0 and report.processed == 20, report
    services.store.engine.dispose()


@dataclass
class Golden:
    sqlite_config: Path
    sqlite_db: Path
    pg_config: Path | None
    pg_server: dict[str, Any] | None
    pg_name: str


@pytest.fixture(scope="session")
def golden(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest, blank_detectors_factory: Any) -> Golden:
    from bot.config import load_config
    from bot.directory import load_directory

    base = tmp_path_factory.mktemp("web-golden")
    sqlite_config = build_demo_folder(base / "sqlite", None)
    detectors = blank_detectors_factory(load_directory(load_config(sqlite_config)))
    run_pipeline(sqlite_config, detectors)
    pg_config, server, name = None, None, "mq_demo_golden"
    try:
        server = request.getfixturevalue("pg_server")
    except pytest.skip.Exception:
        server = None
    if server is not None:
        subprocess.run([str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(server["port"]), "-U", "test", name], check=True, capture_output=True)
        pg_config = build_demo_folder(base / "pg", f"postgresql+psycopg://test@127.0.0.1:{server['port']}/{name}")
        run_pipeline(pg_config, detectors)
    return Golden(sqlite_config, base / "sqlite" / "mq.db", pg_config, server, name)


@dataclass
class Site:
    """One test's own copy of the triaged demo: its config (pointing at the copy) and store."""

    config: Any
    store: Any
    kind: str

    def ref(self, member_name: str, subject_start: str = "") -> str:
        """The reference of a member's case (the numbers depend on what became a case)."""
        from sqlalchemy import select

        from storage.models import Case

        with self.store.session() as s:
            refs = [c.ref for c in s.scalars(select(Case).where(Case.member_name == member_name).order_by(Case.id))
                    if c.subject.startswith(subject_start)]
        assert len(refs) == 1, (member_name, refs)
        return refs[0]

    def app(self, **kwargs: Any) -> Any:
        from bot.web import create_app

        kwargs.setdefault("clock", clock)
        return create_app(self.config, self.store, **kwargs)


_clones = {"n": 0}


def make_site(golden: Golden, kind: str, tmp_path: Path, extra_web: dict[str, Any] | None = None) -> Site:
    from bot.config import load_config
    from bot.services import open_store

    if kind == "sqlite":
        db = tmp_path / "clone.db"
        shutil.copy(golden.sqlite_db, db)
        url = f"sqlite:///{db}"
        config = load_config(golden.sqlite_config)
    else:
        if golden.pg_server is None:
            pytest.skip("PostgreSQL is not available")
        _clones["n"] += 1
        name = f"mq_clone_{os.getpid()}_{_clones['n']}"
        port = golden.pg_server["port"]
        subprocess.run([str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "test", "-T", golden.pg_name, name],
                       check=True, capture_output=True)
        url = f"postgresql+psycopg://test@127.0.0.1:{port}/{name}"
        config = load_config(golden.pg_config)  # type: ignore[arg-type]
    config = config.model_copy(update={
        "storage": config.storage.model_copy(update={"url": url}),
        "web": config.web.model_copy(update=extra_web or {}),
    })
    return Site(config, open_store(config, clock, migrate=False), kind)


@pytest.fixture
def site(golden: Golden, tmp_path: Path) -> Iterator[Site]:
    s = make_site(golden, "sqlite", tmp_path)
    yield s
    s.store.engine.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def any_site(request: pytest.FixtureRequest, golden: Golden, tmp_path: Path) -> Iterator[Site]:
    s = make_site(golden, request.param, tmp_path)
    yield s
    s.store.engine.dispose()


# --- signing in with the test client ------------------------------------------------------
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "no CSRF token in the page"
    return found.group(1)


def sign_in_local(client: Any, token: str) -> None:
    page = client.get("/signin")
    response = client.post("/signin", data={"csrf_token": csrf_of(page.text), "token": token})
    assert response.status_code == 302, response.text


class FakeEntra:
    """Stands in for ``msal.ConfidentialClientApplication`` in test-client tests.

    The authorization code is the user name; ``claims`` adds or overrides ID token claims.
    (The real msal against a fake Entra endpoint is exercised in test_entra_msal.py.)
    """

    def __init__(self, claims: dict[str, Any] | None = None, roles: dict[str, list[str]] | None = None) -> None:
        self.claims = claims or {}
        self.roles = roles or {}
        self.redirect_uri = ""

    def initiate_auth_code_flow(self, scopes: list[str], redirect_uri: str | None = None, **kwargs: Any) -> dict[str, Any]:
        import secrets

        state = secrets.token_urlsafe(8)
        self.redirect_uri = redirect_uri or ""
        self.response_mode = kwargs.get("response_mode")
        return {"state": state, "redirect_uri": redirect_uri, "scope": scopes,
                "auth_uri": f"https://login.microsoftonline.com/{ENTRA_TENANT}/oauth2/v2.0/authorize?state={state}"}

    def acquire_token_by_auth_code_flow(self, flow: dict[str, Any], response: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        if response.get("state") != flow.get("state"):
            raise ValueError("state mismatch")
        user = response["code"]
        claims = {"aud": ENTRA_CLIENT, "tid": ENTRA_TENANT, "iss": f"https://login.microsoftonline.com/{ENTRA_TENANT}/v2.0",
                  "exp": time.time() + 3600, "preferred_username": user, "name": user.split("@")[0].title(),
                  "roles": self.roles.get(user, [])}
        claims.update(self.claims)
        return {"id_token_claims": claims, "access_token": "x"}


def entra_site(site: Site, monkeypatch: pytest.MonkeyPatch) -> Site:
    monkeypatch.setenv(ENTRA_SECRET_ENV, "not-a-real-secret")
    web = site.config.web.model_copy(update={"entra_tenant_id": ENTRA_TENANT, "entra_client_id": ENTRA_CLIENT,
                                             "entra_client_secret_env": ENTRA_SECRET_ENV})
    return Site(site.config.model_copy(update={"web": web}), site.store, site.kind)


def sign_in_entra(client: Any, user: str) -> Any:
    """Start the flow, then post back what Entra's page posts (response_mode=form_post)."""
    start = client.get("/signin/entra")
    assert start.status_code == 302
    state = start.headers["Location"].split("state=")[1]
    return client.post("/auth/callback", data={"code": user, "state": state})
