"""Storage on SQLite and on a real PostgreSQL server: migrations, keys, constraints."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import IntegrityError

from storage.db import make_engine, upgrade
from storage.models import Case, OutboxItem
from storage.store import Store, case_ref, idempotency_key

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=timezone.utc)


@pytest.fixture
def store(storage_url: str) -> Store:
    engine = make_engine(storage_url)
    upgrade(engine)
    upgrade(engine)  # idempotent
    return Store(engine, clock=lambda: NOW)


def test_migrations_create_every_table(store: Store) -> None:
    tables = set(inspect(store.engine).get_table_names())
    assert {"messages", "cases", "findings", "outbox", "audit", "sync_state", "leases", "corrections", "alembic_version"} <= tables


def test_sqlite_uses_wal(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with engine.connect() as c:
        assert c.execute(text("PRAGMA journal_mode")).scalar() == "wal"


def test_relative_sqlite_path_is_relative_to_config_folder(tmp_path: Path) -> None:
    engine = make_engine("sqlite:///rel.db", tmp_path)
    assert engine.url.database == str((tmp_path / "rel.db").resolve())


def test_attempts_are_counted_before_work_and_final_states_stick(store: Store) -> None:
    a1 = store.begin_attempt("mb", "id-1")
    a2 = store.begin_attempt("mb", "id-1")
    assert (a1.attempts, a2.attempts) == (1, 2)
    store.set_status(a2.pk, "done")
    a3 = store.begin_attempt("mb", "id-1")
    assert a3.status == "done" and a3.attempts == 2


def test_outbox_key_is_unique(store: Store) -> None:
    key = idempotency_key("mb", "acknowledgement", "<m@x>", "a@b")
    assert key == idempotency_key("mb", "acknowledgement", "<m@x>", "a@b")
    row = dict(key=key, mailbox="mb", kind="acknowledgement", mode="draft", delivery="draft", to_addr="a@b",
               subject="s", body_text="t", created_at=NOW)
    with store.session() as s:
        s.add(OutboxItem(**row))
    with pytest.raises(IntegrityError):
        with store.session() as s:
            s.add(OutboxItem(**row))


def test_one_case_per_thread_and_human_reference(store: Store) -> None:
    with store.session() as s:
        case = Case(mailbox="mb", thread_id="<t@x>", received=NOW, created_at=NOW, updated_at=NOW, flags={})
        s.add(case)
        s.flush()
        case.ref = case_ref(case.id, 2026)
    assert store.get_case("MQ-2026-00001") is not None
    with pytest.raises(IntegrityError):
        with store.session() as s:
            s.add(Case(mailbox="mb", thread_id="<t@x>", received=NOW, created_at=NOW, updated_at=NOW, flags={}))


def test_sync_state_round_trip(store: Store) -> None:
    assert store.get_sync("mb", "cursor") is None
    store.set_sync("mb", "cursor", "abc")
    store.set_sync("mb", "cursor", "def")
    assert store.get_sync("mb", "cursor") == "def"
    store.set_sync("mb", "cursor", None)
    assert store.get_sync("mb", "cursor") is None


def test_timestamps_keep_their_zone(store: Store) -> None:
    with store.session() as s:
        s.add(Case(mailbox="mb", thread_id="<z@x>", received=NOW, created_at=NOW, updated_at=NOW, flags={}))
    with store.session() as s:
        got = s.scalar(select(Case.received).where(Case.thread_id == "<z@x>"))
    assert got.replace(tzinfo=got.tzinfo or timezone.utc) == NOW
