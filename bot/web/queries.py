"""What the dashboard reads: the case list (filtered, sorted, one page) and one case.

The list is one page query plus one count, both on the ``cases`` table alone, with the
role's services in the WHERE clause, never filtered afterwards in Python; the default
view (open cases by due date) is served by ``ix_cases_status_due``. A case's *state* is
derived, not stored: it depends on today's date in the council's time zone.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timezone
from typing import Any, Mapping
from urllib.parse import urlencode

from sqlalchemy import Select, and_, case, func, or_, select
from sqlalchemy.orm import Session

from bot.web.auth import User
from storage.models import AuditEvent, Case, Correction, FindingRow, OutboxItem, SeenMessage

OPEN = ("open", "triage")
STATES = {
    "open": "All open",
    "overdue": "Overdue",
    "due_today": "Due today",
    "on_time": "On time",
    "answered": "Answered",
    "closed": "Closed",
    "all": "All cases",
}
FLAGS = {
    "third_party_cc": "Third parties copied",
    "personal_interest": "Personal interest",
    "complaint": "Complaint",
    "personal_address": "Personal address",
}
SORTS = ("ref", "member", "ward", "subject", "service", "received", "due", "state")
MAX_TEXT = 100


def aware(moment: datetime | None) -> datetime | None:
    # SQLite hands back naive UTC datetimes; PostgreSQL aware ones.
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def state_of(status: str, due: date | None, today: date) -> str:
    if status == "answered":
        return "answered"
    if status not in OPEN:
        return "closed"
    if due is None or due > today:
        return "on_time"
    return "due_today" if due == today else "overdue"


STATE_TEXT = {"on_time": "On time", "due_today": "Due today", "overdue": "Overdue", "answered": "Answered", "closed": "Closed"}


@dataclass(frozen=True)
class CaseFilter:
    service: str = ""
    state: str = "open"
    flag: str = ""
    member: str = ""
    q: str = ""
    sort: str = "due"
    desc: bool = False
    page: int = 1

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> "CaseFilter":
        """Unknown values fall back to the defaults: a hand-edited URL is not an error."""
        state = args.get("state", "open")
        flag = args.get("flag", "")
        sort = args.get("sort", "due")
        try:
            page = max(1, min(int(args.get("page", "1")), 100_000))
        except ValueError:
            page = 1
        return cls(
            service=args.get("service", "").strip()[:100],
            state=state if state in STATES else "open",
            flag=flag if flag in FLAGS or flag == "triage" else "",
            member=args.get("member", "").strip().lower()[:320],
            q=" ".join(args.get("q", "").split())[:MAX_TEXT],
            sort=sort if sort in SORTS else "due",
            desc=args.get("dir") == "desc",
            page=page,
        )

    def params(self, **changes: Any) -> str:
        """The query string for this filter with ``changes`` (defaults left out)."""
        f = replace(self, **changes)
        pairs = [("service", f.service), ("state", f.state if f.state != "open" else ""), ("flag", f.flag),
                 ("member", f.member), ("q", f.q), ("sort", f.sort if f.sort != "due" else ""),
                 ("dir", "desc" if f.desc else ""), ("page", str(f.page) if f.page != 1 else "")]
        return urlencode([(k, v) for k, v in pairs if v])

    def sort_link(self, column: str) -> str:
        desc = (not self.desc) if column == self.sort else column == "received"  # newest first is the usual wish
        return self.params(sort=column, desc=desc, page=1)

    @property
    def active(self) -> bool:
        return bool(self.service or self.flag or self.member or self.q or self.state != "open")


@dataclass(frozen=True)
class CaseRow:
    id: int
    ref: str
    member_name: str
    member_email: str
    ward: str
    subject: str
    service: str
    status: str
    received: datetime
    due: date | None
    flags: dict[str, Any]
    state: str


@dataclass
class CasePage:
    rows: list[CaseRow]
    total: int
    page: int
    pages: int
    page_size: int
    counts: dict[str, int] = field(default_factory=dict)  # open cases by state, for the headline figures

    @property
    def first(self) -> int:
        return 0 if not self.total else (self.page - 1) * self.page_size + 1

    @property
    def last(self) -> int:
        return min(self.total, self.page * self.page_size)


def _scope(q: Select[Any], mailbox: str, user: User) -> Select[Any]:
    q = q.where(Case.mailbox == mailbox)
    if not user.sees_all:
        q = q.where(Case.service.in_(sorted(user.services)))
    return q


def _filtered(q: Select[Any], f: CaseFilter, today: date) -> Select[Any]:
    open_ = Case.status.in_(OPEN)
    if f.state == "open":
        q = q.where(open_)
    elif f.state == "overdue":
        q = q.where(open_, Case.due < today)
    elif f.state == "due_today":
        q = q.where(open_, Case.due == today)
    elif f.state == "on_time":
        q = q.where(open_, or_(Case.due > today, Case.due.is_(None)))
    elif f.state == "answered":
        q = q.where(Case.status == "answered")
    elif f.state == "closed":
        q = q.where(Case.status == "closed")
    if f.service:
        q = q.where(Case.service == f.service)
    if f.flag == "triage":
        q = q.where(Case.status == "triage")
    elif f.flag:
        q = q.where(Case.flags[f.flag].as_boolean().is_(True))
    if f.member:
        q = q.where(Case.member_email == f.member)
    if f.q:
        escaped = f.q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        q = q.where(Case.subject.ilike(f"%{escaped}%", escape="\\"))
    return q


def _order(f: CaseFilter, today: date, reverse: bool = False) -> list[Any]:
    """ORDER BY keys for ``f``; ``reverse`` gives the exact opposite order (for pages near the end)."""
    state_rank = case(
        (Case.status == "answered", 3), (Case.status.not_in(OPEN), 4), (Case.due.is_(None), 2),
        (Case.due < today, 0), (Case.due == today, 1), else_=2,
    )
    simple = {"ref": Case.id, "member": Case.member_name, "ward": Case.ward, "subject": Case.subject,
              "service": Case.service, "received": Case.received}
    desc = f.desc
    if f.sort == "due":
        keys = [(Case.due.is_(None), False), (Case.due, desc)]  # cases without a due date last, either way
    elif f.sort == "state":
        keys = [(state_rank, desc), (Case.due.is_(None), False), (Case.due, desc)]
    else:
        keys = [(simple[f.sort], desc)]
    keys.append((Case.id, desc))  # stable pages
    return [column.desc() if descending != reverse else column.asc() for column, descending in keys]


def list_cases(session: Session, mailbox: str, user: User, f: CaseFilter, today: date, page_size: int) -> CasePage:
    """One page of cases and how many match.

    Only ids and sort keys are sorted (narrow rows sort in memory); the page's columns
    are then read for those ids alone. The first page counts the matches with a window
    function in the same pass, so a filter no index serves (a flag, text in the subject)
    is evaluated once. A later page counts first and, past the middle, reads the reversed
    order from the other end: the last of 1,000 pages then costs what the first does
    instead of a sort of every case.
    """
    scoped = _filtered(_scope(select(Case.id), mailbox, user), f, today)
    if f.page == 1:
        found = session.execute(_filtered(_scope(select(Case.id, func.count().over().label("total")), mailbox, user), f, today)
                                .order_by(*_order(f, today)).limit(page_size)).all()
        ids, total, page = [r.id for r in found], (found[0].total if found else 0), 1
    else:
        total = session.scalar(select(func.count()).select_from(scoped.subquery())) or 0
        page = min(f.page, max(1, -(-total // page_size)))  # past the end (a stale link): the last page
        offset = (page - 1) * page_size
        if offset > total // 2:
            size = min(page_size, total - offset)
            back = session.scalars(scoped.order_by(*_order(f, today, reverse=True)).limit(size).offset(total - offset - size))
            ids = list(back)[::-1]
        else:
            ids = list(session.scalars(scoped.order_by(*_order(f, today)).limit(page_size).offset(offset)))
    pages = max(1, -(-total // page_size))
    rows = {r.id: r for r in session.execute(select(
        Case.id, Case.ref, Case.member_name, Case.member_email, Case.ward, Case.subject, Case.service, Case.status,
        Case.received, Case.due, Case.flags).where(Case.id.in_(ids)))} if ids else {}
    out = [CaseRow(r.id, r.ref or f"#{r.id}", r.member_name, r.member_email, r.ward, r.subject, r.service, r.status,
                   aware(r.received) or r.received, r.due, r.flags or {}, state_of(r.status, r.due, today))
           for r in (rows[i] for i in ids if i in rows)]
    return CasePage(out, total, page, pages, page_size, headline_counts(session, mailbox, user, today))


def headline_counts(session: Session, mailbox: str, user: User, today: date) -> dict[str, int]:
    """Open cases by state, in one pass over the open cases (``ix_cases_status_due``)."""
    q = _scope(select(
        func.count().filter(Case.due < today),
        func.count().filter(Case.due == today),
        func.count().filter(or_(Case.due > today, Case.due.is_(None))),
        func.count().filter(Case.status == "triage"),
    ).where(Case.status.in_(OPEN)), mailbox, user)
    overdue, due_today, on_time, triage = session.execute(q).one()
    return {"overdue": overdue or 0, "due_today": due_today or 0, "on_time": on_time or 0, "triage": triage or 0}


def services_in_use(session: Session, mailbox: str, user: User) -> list[str]:
    q = _scope(select(Case.service).distinct(), mailbox, user)
    return sorted(s for s in session.scalars(q) if s)


# --- one case --------------------------------------------------------------------------
@dataclass
class MessageView:
    row: SeenMessage
    findings: list[FindingRow]
    decided: AuditEvent | None


@dataclass
class CaseDetail:
    case: Case
    messages: list[MessageView]
    audit: list[AuditEvent]
    outbox: list[OutboxItem]
    corrections: list[Correction]


def load_case(session: Session, mailbox: str, user: User, ref: str) -> CaseDetail | None:
    case_row = session.scalar(select(Case).where(Case.ref == ref, Case.mailbox == mailbox))
    if case_row is None or not user.may_see(case_row.service):
        return None  # the same answer whether it exists or not
    messages = list(session.scalars(select(SeenMessage).where(SeenMessage.case_id == case_row.id)
                                    .order_by(SeenMessage.received, SeenMessage.id)))
    ids = [m.id for m in messages]
    findings: dict[int, list[FindingRow]] = {pk: [] for pk in ids}
    if ids:
        for fr in session.scalars(select(FindingRow).where(FindingRow.message_pk.in_(ids)).order_by(FindingRow.id)):
            findings[fr.message_pk].append(fr)
    audit = list(session.scalars(select(AuditEvent).where(
        or_(AuditEvent.case_id == case_row.id, and_(AuditEvent.message_pk.in_(ids), AuditEvent.case_id.is_(None))) if ids
        else AuditEvent.case_id == case_row.id).order_by(AuditEvent.at, AuditEvent.id)))
    decided = {e.message_pk: e for e in audit if e.event == "decided"}
    outbox = list(session.scalars(select(OutboxItem).where(OutboxItem.case_id == case_row.id).order_by(OutboxItem.created_at, OutboxItem.id)))
    corrections = list(session.scalars(select(Correction).where(Correction.case_id == case_row.id).order_by(Correction.at, Correction.id)))
    views = [MessageView(m, findings[m.id], decided.get(m.id)) for m in messages]
    return CaseDetail(case_row, views, audit, outbox, corrections)
