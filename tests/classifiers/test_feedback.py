"""Staff corrections as training data: mail the model never reads does not train it."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from bot.parse import parse_message
from bot.pipeline import labels_of
from bot.state import MessageState
from classifiers.feedback import corrections_as_examples
from classifiers.findings import NOT_READ
from classifiers.pipeline import Detectors
from storage.db import make_engine, upgrade
from storage.models import Correction, SeenMessage
from storage.store import Store

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=timezone.utc)


def _state(detectors: Detectors, headers: str, body: str) -> MessageState:
    raw = f"From: cllr.jean.thirkettle@brackenford.gov.uk\nTo: memberqueries@brackenford.gov.uk\n{headers}\n{body}\n".encode()
    state = MessageState(parse_message(raw, "k"))
    state.findings = dict(detectors.classify(state.message).findings)
    return state


def test_stored_labels_say_whether_the_model_read_the_text(blank: Detectors) -> None:
    auto = _state(blank, "Subject: Automatic reply: Pelham Lane\nAuto-Submitted: auto-replied\n", "I am out of the office until Monday.")
    assert all(auto.findings[label].details.get(NOT_READ) for label in ("enquiry", "personal_interest", "complaint"))
    assert labels_of(auto)["read_by_model"] is False
    read = _state(blank, "Subject: Pelham Lane\n", "Could you tell me when the verge on Pelham Lane will be cut?")
    assert not any(f.details.get(NOT_READ) for f in read.findings.values())
    assert labels_of(read)["read_by_model"] is True


def _seen(store: Store, n: int, labels: dict[str, object]) -> int:
    with store.session() as s:
        row = SeenMessage(mailbox="mq", backend_id=f"b{n}", message_id=f"<m{n}@x>", thread_id=f"<m{n}@x>", sender="cllr@brackenford.gov.uk",
                          subject=f"Subject {n}", excerpt=f"excerpt {n}", status="done", labels=labels, created_at=NOW, updated_at=NOW)
        s.add(row)
        s.flush()
        s.add(Correction(at=NOW, actor="ds-officer", message_pk=row.id, field="enquiry", old_value="false", new_value="true", text=f"excerpt {n}"))
        s.commit()
        return row.id


def test_corrections_on_unread_mail_are_left_out_and_counted(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'state.db'}")
    upgrade(engine)
    store = Store(engine, lambda: NOW)
    _seen(store, 1, {"enquiry": False, "read_by_model": False})  # an out-of-office the headers gave away
    _seen(store, 2, {"enquiry": False, "read_by_model": True})
    _seen(store, 3, {"enquiry": False})  # stored before the bot recorded it: counts as read
    corrections = corrections_as_examples(store)
    assert corrections.not_read == 1
    assert sorted(e.text for e in corrections.examples) == ["excerpt 2", "excerpt 3"]
    assert all(e.cats["enquiry"] == 1.0 for e in corrections.examples)
