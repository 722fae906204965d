"""Fast in-process tests of the operations pieces: leases, deployment config, retention,
forget, SLA figures, health and metrics, the jobs list. The process-level fault tests are
in test_ops_faults.py."""

from __future__ import annotations

import json
import textwrap
import threading
import time
import urllib.request
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from bot.config import ConfigError, load_config
from bot.deployment import load_deployment
from bot.leases import LeaseManager, ProcessLock, WorkerRefused
from tests.conftest import write_config
from storage.db import make_engine, upgrade
from storage.models import AuditEvent, Case, Correction, FindingRow, Lease, OutboxItem, SeenMessage
from storage.store import Store

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)  # a Monday


def _store(url: str) -> Store:
    engine = make_engine(url)
    upgrade(engine)
    return Store(engine, lambda: NOW)


# --- leases ----------------------------------------------------------------------------
@pytest.mark.postgres
def test_lease_is_exclusive_renewable_and_taken_over_after_expiry(storage_url: str) -> None:
    store = _store(storage_url)
    a, b = LeaseManager(store.engine, "host:1:a", 2), LeaseManager(store.engine, "host:2:b", 2)
    assert a.acquire("mq@x.gov.uk") and a.valid("mq@x.gov.uk")
    assert not b.acquire("mq@x.gov.uk")
    a.renew_all()
    assert a.held() == ["mq@x.gov.uk"]
    time.sleep(2.2)  # a "dies": no more renewals
    assert b.acquire("mq@x.gov.uk")
    a.renew_all()  # a comes back and must notice it lost the lease
    assert not a.valid("mq@x.gov.uk") and a.held() == []
    b.release_all()
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(Lease)) == 0


@pytest.mark.postgres
def test_only_one_of_many_racing_workers_wins_a_free_lease(storage_url: str) -> None:
    store = _store(storage_url)
    managers = [LeaseManager(store.engine, f"host:{i}:r", 30) for i in range(8)]
    barrier = threading.Barrier(len(managers))
    winners: list[str] = []

    def race(m: LeaseManager) -> None:
        barrier.wait()
        if m.acquire("race@x.gov.uk"):
            winners.append(m.holder)

    threads = [threading.Thread(target=race, args=(m,)) for m in managers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(winners) == 1


def test_lease_is_not_trusted_locally_past_three_quarters_of_its_time(tmp_path: Path) -> None:
    store = _store(f"sqlite:///{tmp_path / 'l.db'}")
    now = [100.0]
    m = LeaseManager(store.engine, "h:1:x", 8, monotonic=lambda: now[0])
    assert m.acquire("mb@x.gov.uk")
    now[0] += 5.9
    assert m.valid("mb@x.gov.uk")
    now[0] += 0.2  # 6.1 s > 0.75 × 8 s without a renewal (say the database is down)
    assert not m.valid("mb@x.gov.uk")


def test_second_process_lock_on_sqlite_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    db = tmp_path / "mq.db"
    first = ProcessLock(db)
    first.acquire()
    try:
        with pytest.raises(WorkerRefused, match="another mqtriage process .* SQLite supports one worker"):
            ProcessLock(db).acquire()
    finally:
        first.release()
    again = ProcessLock(db)
    again.acquire()  # released locks can be taken again
    again.release()


# --- several mailboxes from one config ---------------------------------------------------
def _second_council(folder: Path, address: str, extra: str = "", url: str | None = None) -> Path:
    folder.mkdir()
    path = write_config(folder, storage_url=url, mailbox_section=textwrap.dedent(f"""
        [mailbox]
        address = "{address}"
        backend = "maildir"
        path = "mailbox"
    """))
    text = path.read_text()
    if url is None:
        text = "\n".join(line for line in text.splitlines() if not line.strip().startswith("url = "))  # inherit the database
    path.write_text(text + extra)
    return path


def test_also_serve_loads_every_council_sharing_one_database(config_dir: Path, tmp_path: Path) -> None:
    second = _second_council(tmp_path / "south", "queries@south.gov.uk")
    main = write_config(config_dir, extra=f'\n[scheduler]\nalso_serve = ["{second}"]\n')
    deployment = load_deployment(load_config(main))
    assert [c.mailbox.address for c in deployment.councils] == ["memberqueries@brackenford.gov.uk", "queries@south.gov.uk"]
    assert deployment.councils[1].storage.url == deployment.storage_url == f"sqlite:///{(config_dir / 'mq.db').resolve()}"


@pytest.mark.parametrize("problem, expected", [
    ("missing", r"config.toml: scheduler.also_serve\[0\]: file not found: .*nowhere.toml"),
    ("other-db", r"south/config.toml: storage.url: differs from .*config.toml"),
    ("same-address", r"south/config.toml: mailbox.address: memberqueries@brackenford.gov.uk is already served by"),
    ("alias-is-served", r"south/config.toml: mailbox.aliases: memberqueries@brackenford.gov.uk is already served by"),
    ("nested", r"south/config.toml: scheduler.also_serve: only the main config"),
    ("bad-key", r"south/config.toml: sla.summary_to: .*not an email address"),
])
def test_also_serve_errors_name_the_file_and_key(config_dir: Path, tmp_path: Path, problem: str, expected: str) -> None:
    if problem == "missing":
        target = tmp_path / "nowhere.toml"
    elif problem == "other-db":
        target = _second_council(tmp_path / "south", "q@south.gov.uk", url="sqlite:///other.db")
    elif problem == "same-address":
        target = _second_council(tmp_path / "south", "memberqueries@brackenford.gov.uk")
    elif problem == "alias-is-served":
        # Written under the [mailbox] table the helper wrote last: mail to the alias is the main council's.
        target = _second_council(tmp_path / "south", "q@south.gov.uk")
        target.write_text(target.read_text().replace('path = "mailbox"', 'path = "mailbox"\naliases = ["MemberQueries@brackenford.gov.uk"]'))
    elif problem == "nested":
        target = _second_council(tmp_path / "south", "q@south.gov.uk", '\n[scheduler]\nalso_serve = ["x.toml"]\n')
    else:
        target = _second_council(tmp_path / "south", "q@south.gov.uk", '\n[sla]\nsummary_to = "democratic services"\n')
    main = write_config(config_dir, extra=f'\n[scheduler]\nalso_serve = ["{target}"]\n')
    with pytest.raises(ConfigError, match=expected):
        load_deployment(load_config(main))


# --- rows for retention / forget / SLA ------------------------------------------------------
def _message(s, mailbox: str, n: int, *, sender: str, received: datetime, recipients: list[str] = (), excerpt: str = "", case: Case | None = None) -> SeenMessage:  # type: ignore[no-untyped-def]
    row = SeenMessage(mailbox=mailbox, backend_id=f"b{n}", message_id=f"<m{n}@x>", thread_id=f"<m{n}@x>", sender=sender, sender_name="Someone",
                      recipients=[{"email": r, "header": "cc"} for r in recipients], subject=f"Subject {n}", received=received,
                      excerpt=excerpt or f"excerpt {n}", status="done", attempts=1, labels={"enquiry": True}, created_at=received,
                      updated_at=received, case_id=case.id if case else None)
    s.add(row)
    s.flush()
    s.add(FindingRow(message_pk=row.id, label="enquiry", value=True, score=0.9, detector="t", evidence=[{"text": row.excerpt}], details={}))
    return row


def _case(s, mailbox: str, n: int, member: str, received: datetime, due: date | None, answered: datetime | None = None, service: str = "highways") -> Case:  # type: ignore[no-untyped-def]
    c = Case(ref=f"MQ-2026-{n:05d}", mailbox=mailbox, thread_id=f"<m{n}@x>", member_email=member, member_name="Cllr Member", ward="Fenmoor",
             subject=f"Case {n}", service=service, status="answered" if answered else "open", flags={}, received=received,
             day_of_receipt=received.date(), due=due, answered_at=answered, created_at=received, updated_at=received)
    s.add(c)
    s.flush()
    return c


MB = "memberqueries@brackenford.gov.uk"


def test_retention_purges_old_excerpts_findings_and_bodies_only_once(config_dir: Path) -> None:
    from bot.retention import purge_expired

    config = load_config(write_config(config_dir))
    store = _store(f"sqlite:///{config_dir / 'r.db'}")
    old, recent = NOW - timedelta(days=800), NOW - timedelta(days=10)
    with store.session() as s:
        m_old = _message(s, MB, 1, sender="a@x.org", received=old)
        m_new = _message(s, MB, 2, sender="a@x.org", received=recent)
        s.add(OutboxItem(key="k1", mailbox=MB, kind="acknowledgement", mode="draft", delivery="draft", to_addr="a@x.org", subject="s",
                         body_text="Dear A", body_html="<p>Dear A</p>", status="done", created_at=old))
        s.add(OutboxItem(key="k2", mailbox=MB, kind="acknowledgement", mode="draft", delivery="draft", to_addr="a@x.org", subject="s",
                         body_text="Dear A", status="pending", created_at=old))
        s.add(Correction(at=old, actor="officer@brackenford.gov.uk", message_pk=m_old.id, field="label", text="the excerpt"))
        ids = (m_old.id, m_new.id)
    report = purge_expired(store, config, NOW)
    assert (report.messages, report.findings, report.outbox_bodies, report.corrections) == (1, 1, 1, 1)
    with store.session() as s:
        a, b = s.get(SeenMessage, ids[0]), s.get(SeenMessage, ids[1])
        assert (a.excerpt, a.purged_at is not None, b.excerpt) == ("", True, "excerpt 2")
        assert s.scalar(select(func.count()).select_from(FindingRow)) == 1
        assert s.scalar(select(OutboxItem.body_text).where(OutboxItem.key == "k2")) == "Dear A"  # pending keeps its body
        assert a.subject == "Subject 1" and a.status == "done"  # metadata stays, so it is never processed again
    again = purge_expired(store, config, NOW)
    assert (again.messages, again.findings, again.outbox_bodies, again.corrections) == (0, 0, 0, 0)


@pytest.mark.postgres
def test_forget_removes_a_persons_data_and_reports_counts(storage_url: str) -> None:
    from bot.forget import FORGOTTEN, forget

    store = _store(storage_url)
    member, resident = "cllr.jean.thirkettle@brackenford.gov.uk", "Ada.Resident@gmail.com"
    when = NOW - timedelta(days=3)
    with store.session() as s:
        case = _case(s, MB, 1, member, when, date(2026, 11, 27))
        m1 = _message(s, MB, 1, sender=member, received=when, recipients=[resident.lower()], case=case, excerpt="please help ada.resident@gmail.com")
        m2 = _message(s, MB, 2, sender="officer@brackenford.gov.uk", received=when, case=case)  # an officer's reply in her case
        m3 = _message(s, MB, 3, sender="other.member@brackenford.gov.uk", received=when)  # nothing to do with either
        s.add(OutboxItem(key="ack", mailbox=MB, kind="acknowledgement", mode="draft", delivery="draft", case_id=case.id, to_addr=member,
                         subject="Re: x", body_text="Dear Jean", status="done", created_at=when))
        s.add(OutboxItem(key="notice", mailbox=MB, kind="notice", mode="draft", delivery="draft", case_id=case.id, to_addr="mo@brackenford.gov.uk",
                         subject="[MQ] x", body_text="from Jean", status="done", created_at=when))
        store.audit(s, "decided", mailbox=MB, message_pk=m1.id, rules=[{"why": [f"third party {resident.lower()} in Cc"]}])
        store.audit(s, "decided", mailbox=MB, message_pk=m3.id, rules=[{"why": ["nothing"]}])
        ids = (m1.id, m2.id, m3.id)

    dry = forget(store, resident, NOW, dry_run=True)
    assert dry.counts["messages"] == 1 and dry.counts["audit"] == 1
    with store.session() as s:
        assert s.get(SeenMessage, ids[0]).excerpt  # a dry run changes nothing

    report = forget(store, member, NOW)
    assert report.counts["messages"] == 1 and report.counts["cases"] == 1 and report.counts["case_messages"] == 1
    assert report.counts["outbox_deleted"] == 1 and report.counts["outbox_scrubbed"] == 1
    report = forget(store, resident, NOW)
    assert report.counts["audit"] == 1
    with store.session() as s:
        m1, m2, m3 = (s.get(SeenMessage, i) for i in ids)
        assert (m1.sender, m1.subject, m1.excerpt, m1.status, m1.message_id) == ("", "", "", "done", "<m1@x>")  # tombstone
        assert m1.recipients == [{"email": FORGOTTEN, "header": "cc"}]
        assert m2.excerpt == "" and m3.excerpt == "excerpt 3"
        c = s.scalar(select(Case))
        assert (c.member_email, c.subject, c.ref) == ("", "", "MQ-2026-00001")
        assert [o.kind for o in s.scalars(select(OutboxItem))] == ["notice"]
        assert s.scalar(select(OutboxItem.body_text)) == ""
        details = json.dumps([e.detail for e in s.scalars(select(AuditEvent))])
        assert "ada.resident" not in details.lower() and "thirkettle" not in details.lower()
        assert s.scalar(select(func.count()).select_from(FindingRow)) == 1  # only the unrelated message's
        assert s.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.event == "forgotten")) == 2


def test_forget_cli_dry_run_and_yes(config_dir: Path) -> None:
    from bot.cli import main

    path = write_config(config_dir)
    store = _store(f"sqlite:///{config_dir / 'mq.db'}")
    with store.session() as s:
        _message(s, MB, 1, sender="someone@example.org", received=NOW)
    runner = CliRunner()
    out = runner.invoke(main, ["-c", str(path), "forget", "--dry-run", "someone@example.org"])
    assert out.exit_code == 0 and "would remove" in out.output and "1  messages they sent" in out.output
    out = runner.invoke(main, ["-c", str(path), "forget", "--yes", "someone@example.org"])
    assert out.exit_code == 0 and "removed:" in out.output
    out = runner.invoke(main, ["-c", str(path), "forget", "--dry-run", "someone@example.org"])
    assert "0  messages they sent" in out.output


# --- SLA -----------------------------------------------------------------------------------
def test_sla_figures_per_month_and_service() -> None:
    from bot.sla import CaseFact, figures, overdue_now
    from rules.workdays import WorkingCalendar
    from bot.config import CouncilConfig

    cal = WorkingCalendar.from_config(CouncilConfig(name="x", domains=["x.gov.uk"]))
    today = date(2026, 11, 23)
    facts = [
        CaseFact("highways", "answered", date(2026, 10, 5), date(2026, 10, 12), date(2026, 10, 9)),   # 4 working days, in target
        CaseFact("highways", "answered", date(2026, 10, 6), date(2026, 10, 13), date(2026, 10, 20)),  # late, 10 working days
        CaseFact("waste", "open", date(2026, 10, 7), date(2026, 10, 14), None),                        # open and overdue
        CaseFact("waste", "open", date(2026, 11, 20), date(2026, 11, 27), None),                       # not due yet: left out of the share
    ]
    rows = {(r.month, r.service): r for r in figures(facts, cal, today)}
    oct_all = rows[("2026-10", "")]
    assert (oct_all.received, oct_all.answered, oct_all.answered_in_target, oct_all.overdue_open) == (3, 2, 1, 1)
    assert oct_all.share_in_target == pytest.approx(1 / 3)
    assert oct_all.median_working_days == 7.0
    assert rows[("2026-10", "highways")].share_text == "50%"
    assert rows[("2026-11", "waste")].share_in_target is None
    assert overdue_now(facts, today) == {"waste": 1}


def test_weekly_sla_summary_goes_to_the_outbox_once_per_week(config_dir: Path) -> None:
    from bot.actions.render import Renderer
    from bot.sla import queue_weekly_summary

    config = load_config(write_config(config_dir, extra='\n[sla]\nsummary_to = "democratic.services@brackenford.gov.uk"\n'))
    store = _store(f"sqlite:///{config_dir / 'sla.db'}")
    with store.session() as s:
        _case(s, MB, 1, "m@brackenford.gov.uk", NOW - timedelta(days=30), (NOW - timedelta(days=23)).date(), answered=NOW - timedelta(days=25))
        _case(s, MB, 2, "m@brackenford.gov.uk", NOW - timedelta(days=20), (NOW - timedelta(days=13)).date())
    assert queue_weekly_summary(config, store, Renderer(), NOW)
    assert not queue_weekly_summary(config, store, Renderer(), NOW + timedelta(days=2))  # same ISO week
    with store.session() as s:
        items = list(s.scalars(select(OutboxItem)))
    assert [(i.kind, i.to_addr, i.status, i.delivery) for i in items] == [("sla_summary", "democratic.services@brackenford.gov.uk", "pending", "draft")]
    assert "within target 1 (100%)" in items[0].body_text and "highways: 1" in items[0].body_text.lower()


# --- health, metrics, jobs --------------------------------------------------------------------
def test_health_endpoints_report_liveness_readiness_and_metrics(tmp_path: Path) -> None:
    from bot.health import LAST_POLL_OK, HealthServer, HealthState
    from bot.metrics import Metrics
    from bot.runner import CycleReport

    store = _store(f"sqlite:///{tmp_path / 'h.db'}")
    clock = [NOW]
    metrics = Metrics()
    metrics.watch_store(lambda: store.engine, [(MB, lambda: clock[0])])
    state = HealthState(store.engine, [MB], 60, metrics, clock=lambda: clock[0])
    server = HealthServer(state, "127.0.0.1", 0)
    server.start()
    port = server.address[1]

    def get(path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()

    try:
        assert get("/healthz")[0] == 200
        status, body = get("/readyz")
        assert status == 503 and json.loads(body)["mailboxes"][MB]["last_successful_poll"] is None
        store.set_sync(MB, LAST_POLL_OK, (NOW - timedelta(seconds=30)).isoformat())
        assert get("/readyz")[0] == 200
        clock[0] = NOW + timedelta(minutes=5)  # no successful poll since
        assert get("/readyz")[0] == 503
        report = CycleReport(processed=2, quarantined=1)
        report.labels.update(["enquiry", "enquiry", "third_party_cc"])
        report.actions.update(["acknowledgement"])
        metrics.record_cycle(MB, report)
        metrics.backend_errors.labels(MB, "transient").inc()
        status, text = get("/metrics")
        assert status == 200
        for line in (f'mq_messages_processed_total{{label="enquiry",mailbox="{MB}"}} 2.0', f'mq_messages_quarantined_total{{mailbox="{MB}"}} 1.0',
                     f'mq_actions_total{{kind="acknowledgement",mailbox="{MB}"}} 1.0', f'mq_backend_errors_total{{kind="transient",mailbox="{MB}"}} 1.0',
                     "mq_database_up 1.0", f'mq_overdue_cases{{mailbox="{MB}",service="-"}} 0.0', "mq_poll_duration_seconds"):
            assert line in text, line
        assert get("/nope")[0] == 404
    finally:
        server.stop()


def test_jobs_lists_every_mailbox_job_with_next_run(config_dir: Path, tmp_path: Path) -> None:
    from bot.cli import main

    second = _second_council(tmp_path / "south", "queries@south.gov.uk", '\n[sla]\nsummary_to = "ds@south.gov.uk"\nsummary_day = "fri"\n')
    path = write_config(config_dir, extra=f'\n[scheduler]\nalso_serve = ["{second}"]\nretention_at = "03:15"\n')
    out = CliRunner().invoke(main, ["-c", str(path), "jobs"])
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    assert any(l.startswith("poll memberqueries@brackenford.gov.uk") for l in lines)
    assert any(l.startswith("retention queries@south.gov.uk") and "03:15" in l for l in lines)
    assert any(l.startswith("sla-summary queries@south.gov.uk") and l.split()[2] == "Fri" for l in lines)
    assert "sla-summary memberqueries@brackenford.gov.uk: off (sla.summary_to is not set" in out.output
    assert "leases:" in out.output


def test_reminders_job_appears_once_the_module_exists(config_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import bot.scheduler as scheduler

    config = load_config(write_config(config_dir))
    monkeypatch.setattr(scheduler, "reminders_available", lambda: False)
    specs, notes = scheduler.job_specs(load_deployment(config))
    assert "reminders" not in {s.kind for s in specs} and any("bot.reminders is not installed" in n for n in notes)
    monkeypatch.setattr(scheduler, "reminders_available", lambda: True)
    specs, _ = scheduler.job_specs(load_deployment(config))
    reminders = next(s for s in specs if s.kind == "reminders")
    nxt = reminders.trigger.get_next_fire_time(None, datetime(2026, 11, 21, 12, 0, tzinfo=timezone.utc))  # a Saturday
    assert nxt.weekday() == 0 and (nxt.hour, nxt.minute) == (8, 30)


def test_scheduled_jobs_run_only_on_the_lease_holder(config_dir: Path) -> None:
    import bot.scheduler as scheduler
    from bot.health import HealthState
    from bot.metrics import Metrics

    config = load_config(write_config(config_dir, extra='\n[sla]\nsummary_to = "democratic.services@brackenford.gov.uk"\n'))
    store = _store(f"sqlite:///{config_dir / 'jobs.db'}")
    metrics = Metrics()
    leases = LeaseManager(store.engine, "me:1:x", 30)
    worker = scheduler.MailboxWorker(config, store, leases, metrics, HealthState(store.engine, [MB], 60, metrics), threading.Event(), 5, clock=lambda: NOW)

    def runs(job: str, result: str) -> float:
        return metrics.registry.get_sample_value("mq_job_runs_total", {"job": job, "result": result}) or 0.0

    LeaseManager(store.engine, "other:2:y", 30).acquire(MB)  # another worker serves this mailbox
    worker.retention()
    worker.sla_summary()
    assert runs("retention", "skipped") == 1 and runs("sla-summary", "skipped") == 1
    with store.session() as s:
        s.query(Lease).delete()
    assert leases.acquire(MB)
    worker.retention()
    worker.sla_summary()
    if scheduler.reminders_available():
        worker.reminders()
        assert runs("reminders", "ok") == 1
    worker.close()
    assert runs("retention", "ok") == 1 and runs("sla-summary", "ok") == 1
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(OutboxItem).where(OutboxItem.kind == "sla_summary")) == 1


@pytest.mark.postgres
def test_poll_command_refuses_a_mailbox_a_worker_is_serving(config_dir: Path, pg_url: str) -> None:
    from bot.cli import main

    path = write_config(config_dir, storage_url=pg_url)
    store = _store(pg_url)
    LeaseManager(store.engine, "worker:1:z", 60).acquire(MB)
    out = CliRunner().invoke(main, ["-c", str(path), "poll", "--quiet"])
    assert out.exit_code == 5 and "holds this mailbox's lease" in out.output


def test_weekly_summary_mail_carries_the_chart_inline(config_dir: Path) -> None:
    """The summary's HTML shows the dashboard's chart as an inline PNG (cid:), built from the same figures."""
    import email
    import email.policy

    from bot.actions.render import Renderer
    from bot.backends.maildir import MaildirMailbox
    from bot.delivery import deliver_pending
    from bot.services import build_services
    from bot.sla import CHART_CID, queue_weekly_summary

    config = load_config(write_config(config_dir, extra='\n[sla]\nsummary_to = "democratic.services@brackenford.gov.uk"\n'))
    services = build_services(config, MaildirMailbox(config_dir / "mailbox", config.mailbox.address), clock=lambda: NOW)
    with services.store.session() as s:
        _case(s, config.mailbox.address, 1, "m@brackenford.gov.uk", NOW - timedelta(days=30), (NOW - timedelta(days=23)).date(), answered=NOW - timedelta(days=25))
    assert queue_weekly_summary(config, services.store, Renderer(), NOW)
    assert deliver_pending(services) == 1
    [path] = list((config_dir / "mailbox" / ".Drafts" / "cur").iterdir())
    msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    html = msg.get_body(("html",))
    assert f'src="cid:{CHART_CID}"' in html.get_content()
    images = [p for p in msg.walk() if p.get_content_type() == "image/png"]
    assert len(images) == 1 and images[0]["Content-ID"] == f"<{CHART_CID}>"
    assert images[0].get_content()[:8] == b"\x89PNG\r\n\x1a\n"
