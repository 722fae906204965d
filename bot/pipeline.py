"""The stages one message goes through: parse → classify → decide → act+record.

Fetching and delivery live in :mod:`bot.runner`. Each stage takes the services and the
per-message state; deciding (classify, decide) writes only to the state, acting turns
planned actions into outbox rows in the same transaction that records the decision.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.backends.base import RawItem
from bot.delivery import delivery_for
from bot.message import Message
from bot.outgoing import clean_header
from bot.parse import parse_message
from bot.services import Services
from bot.state import MessageState, PlannedAction
from classifiers.findings import NOT_READ
from rules.base import RuleContext
from storage.models import Case, FindingRow, OutboxItem, SeenMessage
from storage.store import case_ref, idempotency_key, jsonable

WARNING_KINDS = ("warning_third_party", "warning_personal_address", "warning_personal_interest", "warning_complaint_route")
KIND_TEXT = {
    "outside_party": "a resident or other outside party",
    "officer": "an officer of the council",
    "councillor": "another councillor",
    "unknown_internal": "a council address not on our rosters",
}
ABOUT_TEXT = {
    "officer": "the conduct of an officer",
    "chief_officer": "a chief officer",
    "chief_executive": "the Chief Executive",
    "service": "how a matter has been handled",
}


# --- parse -----------------------------------------------------------------------
def parse_stage(services: Services, item: RawItem) -> MessageState:
    message = parse_message(item.raw, item.backend_id, received=item.received, thread_id=item.thread_id)
    return MessageState(message=message)


# --- classify ----------------------------------------------------------------------
def classify_stage(services: Services, state: MessageState) -> None:
    result = services.detectors.classify(state.message)
    state.findings = result.findings
    state.member = result.member
    # The Doc the detectors read, for rules that match words and lemmas (routing cues).
    # None for mail the classify stage did not read (automatic, bulk, officers' own):
    # rules.text.doc_of lemmatizes it only if a rule asks.
    state.doc = getattr(result, "doc", None)


# --- decide ------------------------------------------------------------------------
def rule_context(services: Services, state: MessageState) -> RuleContext:
    """Facts from the store that rules may consult (they never query it themselves)."""
    msg = state.message
    mailbox = services.mailbox_name
    with services.store.session() as s:
        case = _existing_case(services, s, msg)
        warned: set[str] = set()
        today = 0
        if case is not None:
            warned = set(s.scalars(select(OutboxItem.kind).where(OutboxItem.case_id == case.id, OutboxItem.kind.in_(WARNING_KINDS))))
        if state.member is not None:
            local_midnight = datetime.combine(services.clock().astimezone(services.config.council.tz).date(), time(0), services.config.council.tz)
            today = services.store.count_warnings_today(s, mailbox, state.member.email, local_midnight)
    return RuleContext(
        config=services.config,
        directory=services.directory,
        clock=services.clock,
        extras={
            "existing_case": case.ref if case else None,
            "existing_case_status": case.status if case else None,
            "warned_in_thread": warned,
            "warnings_today": today,
        },
    )


def decide_stage(services: Services, ctx: RuleContext, state: MessageState) -> None:
    services.engine.decide(ctx, state)


# --- act + record --------------------------------------------------------------------
def record_stage(services: Services, state: MessageState, pk: int) -> None:
    """One transaction: the message's metadata, findings, case, outbox rows and audit."""
    store, cfg, msg = services.store, services.config, state.message
    mailbox = services.mailbox_name
    now = services.clock()
    with store.session() as s:
        row = s.get(SeenMessage, pk)
        assert row is not None
        _fill_message_row(services, row, state, now)
        s.execute(delete(FindingRow).where(FindingRow.message_pk == pk))
        for finding in state.findings.values():
            s.add(FindingRow(message_pk=pk, label=finding.label, value=finding.value, score=finding.score, kind=finding.kind,
                             detector=finding.detector, evidence=[e.to_dict() for e in finding.evidence], details=jsonable(finding.details)))
        case = _existing_case(services, s, msg)
        if case is not None:
            _continue_case(services, s, case, state, now)
        elif state.flag("enquiry") and not state.preexisting:
            case = _open_case(services, s, state, now)
        if case is not None:
            row.case_id = case.id
            state.case_ref = case.ref
        if state.suppress_automatic_mail:
            if state.planned:
                store.audit(s, "automatic-mail-suppressed", mailbox=mailbox, message_pk=pk, case_id=case.id if case else None,
                            rules=state.suppress_automatic_mail, planned=[a.kind for a in state.planned])
        else:
            for action in state.planned:
                _queue(services, s, state, action, case, pk, now)
            if case is not None and state.route is not None and not state.preexisting:
                for address in state.route.notify:
                    _queue_notice(services, s, state, case, pk, address, now)
        store.audit(
            s, "decided", mailbox=mailbox, message_pk=pk, case_id=case.id if case else None,
            labels=row.labels,
            rules=[{"rule": o.rule, "hit": o.matched, "why": list(o.reasons)} for o in state.outcomes],
            route=state.route.service if state.route else None,
            route_reason=state.route.reason if state.route else None,
            due=state.deadline.due if state.deadline else None,
            suppressed=state.suppress_automatic_mail,
        )
        row.status = "decided"
        row.updated_at = now


def _existing_case(services: Services, s: Session, msg: Message) -> Case | None:
    store, mailbox = services.store, services.mailbox_name
    candidates = [msg.thread_id, msg.in_reply_to, *msg.references]
    thread = store.thread_of(s, mailbox, [msg.in_reply_to, *msg.references])
    if thread:
        candidates.append(thread)
    return store.case_for_thread(s, mailbox, candidates)


def _fill_message_row(services: Services, row: SeenMessage, state: MessageState, now: datetime) -> None:
    msg, cfg = state.message, services.config
    row.message_id = msg.message_id[:998]
    row.thread_id = msg.thread_id[:998]
    row.sender = msg.sender.email if msg.sender else ""
    row.sender_name = (msg.sender.name if msg.sender else "")[:320]
    row.recipients = [{"email": a.email, "header": h} for h, group in (("to", msg.to), ("cc", msg.cc)) for a in group]
    row.subject = clean_header(msg.subject, 998)
    row.received = msg.received
    row.excerpt = " ".join(msg.new_text.split())[: cfg.storage.excerpt_chars]
    row.body = msg.full_text if cfg.storage.keep_bodies else None
    row.labels = labels_of(state)
    row.updated_at = now


def labels_of(state: MessageState) -> dict[str, Any]:
    labels: dict[str, Any] = {name: f.value for name, f in state.findings.items()}
    labels["complaint_about"] = state.kind("complaint")
    labels["interest_kind"] = state.kind("personal_interest")
    labels["address_kind"] = state.kind("personal_address")  # webmail or business: staff corrections train on it
    interest = state.findings.get("personal_interest")
    labels["signed_stake"] = interest.details.get("signed_stake", 0.0) if interest else 0.0  # and on this
    labels["preexisting"] = state.preexisting
    enquiry = state.findings.get("enquiry")
    labels["read_by_model"] = not (enquiry and enquiry.details.get(NOT_READ))  # staff corrections on unread mail do not train (classifiers/feedback.py)
    return labels


def _open_case(services: Services, s: Session, state: MessageState, now: datetime) -> Case:
    msg, member, route, deadline = state.message, state.member, state.route, state.deadline
    case = Case(
        mailbox=services.mailbox_name,
        thread_id=msg.thread_id[:998],
        member_email=member.email if member else (msg.sender.email if msg.sender else ""),
        member_name=member.name if member else (msg.sender.name if msg.sender else ""),
        ward=member.ward if member else "",
        subject=clean_header(msg.subject, 998),
        service=route.service if route else "",
        route_mailbox=route.mailbox if route else "",
        route_reason=route.reason if route else "",
        manager=route.manager if route else "",
        status="triage" if (route and route.triage) else "open",
        flags={k: state.flag(k) for k in ("third_party_cc", "personal_interest", "complaint", "personal_address")}
        | {"complaint_about": state.kind("complaint"), "interest_kind": state.kind("personal_interest")},
        received=msg.received,
        day_of_receipt=deadline.day_of_receipt if deadline else None,
        due=deadline.due if deadline else None,
        acknowledge_by=deadline.acknowledge_by if deadline else None,
        profile=deadline.profile if deadline else "",
        member_deadline=deadline.member_deadline if deadline else None,
        member_deadline_text=deadline.member_deadline_text if deadline else "",
        member_deadline_unreasonable=deadline.member_deadline_unreasonable if deadline else False,
        created_at=now,
        updated_at=now,
    )
    s.add(case)
    s.flush()
    case.ref = case_ref(case.id, services.clock().astimezone(services.config.council.tz).year)
    services.store.audit(s, "case-opened", mailbox=services.mailbox_name, case_id=case.id, ref=case.ref, service=case.service, due=case.due)
    return case


def _continue_case(services: Services, s: Session, case: Case, state: MessageState, now: datetime) -> None:
    """A member writing again in an answered thread reopens it, with a new due date (see bot.case_clock)."""
    if state.member is not None and case.status == "answered" and state.flag("enquiry"):
        case.status = "open"
        case.answered_at = None
        case.updated_at = now
        deadline = state.deadline
        if deadline is not None and not state.preexisting:
            # The new message is a new request: its own clock, reminders and escalation.
            case.day_of_receipt, case.due, case.acknowledge_by = deadline.day_of_receipt, deadline.due, deadline.acknowledge_by
            case.member_deadline, case.member_deadline_text = deadline.member_deadline, deadline.member_deadline_text
            case.member_deadline_unreasonable = deadline.member_deadline_unreasonable
            case.interim_at = case.interim_estimate = case.reminded_at = case.escalated_at = None
        services.store.audit(s, "case-reopened", mailbox=services.mailbox_name, case_id=case.id, ref=case.ref,
                             due=case.due)
    for label in ("third_party_cc", "personal_interest", "complaint"):
        if state.flag(label) and not case.flags.get(label):
            case.flags = {**case.flags, label: True}


def _queue(services: Services, s: Session, state: MessageState, action: PlannedAction, case: Case | None, pk: int, now: datetime) -> None:
    msg = state.message
    key = idempotency_key(services.mailbox_name, action.kind, msg.message_id, action.to)
    if s.scalar(select(OutboxItem.id).where(OutboxItem.key == key)) is not None:
        return
    context = _template_context(services, state, action, case)
    rendered = services.renderer.render(action.kind, context)
    delivery = delivery_for(services.config.bot, action.kind)
    subject = f"Re: {clean_header(msg.subject, 200)}" + (f" [{case.ref}]" if case and case.ref else "")
    s.add(OutboxItem(
        key=key, mailbox=services.mailbox_name, kind=action.kind, mode=services.config.bot.mode, delivery=delivery,
        case_id=case.id if case else None, message_pk=pk, thread_id=msg.thread_id[:998], to_addr=action.to,
        subject=subject, body_text=rendered.text, body_html=rendered.html,
        in_reply_to=msg.message_id, references=" ".join([*msg.references, msg.message_id])[-990:],
        status="held" if delivery == "none" else "pending", created_at=now,
    ))
    if case is not None and action.kind == "acknowledgement" and delivery != "none":
        case.acknowledged_at = now
    services.store.audit(s, "queued", mailbox=services.mailbox_name, message_pk=pk, case_id=case.id if case else None,
                         kind=action.kind, delivery=delivery, key=key)


def _queue_notice(services: Services, s: Session, state: MessageState, case: Case, pk: int, address: str, now: datetime) -> None:
    msg = state.message
    key = idempotency_key(services.mailbox_name, "notice", msg.message_id, address)
    if s.scalar(select(OutboxItem.id).where(OutboxItem.key == key)) is not None:
        return
    route = state.route
    rendered = services.renderer.render("notice", {
        "ref": case.ref, "subject": msg.subject, "member_name": case.member_name,
        "notice": route.reason if route else "", "signature": services.config.bot.signature, "council": services.config.council.name,
    })
    delivery = delivery_for(services.config.bot, "notice")
    s.add(OutboxItem(
        key=key, mailbox=services.mailbox_name, kind="notice", mode=services.config.bot.mode, delivery=delivery,
        case_id=case.id, message_pk=pk, thread_id=msg.thread_id[:998], to_addr=address,
        subject=f"[{case.ref}] {clean_header(msg.subject, 200)}", body_text=rendered.text, body_html=rendered.html,
        status="held" if delivery == "none" else "pending", created_at=now,
    ))


def _template_context(services: Services, state: MessageState, action: PlannedAction, case: Case | None) -> dict[str, Any]:
    cfg, msg, member = services.config, state.message, state.member
    warnings = cfg.warnings
    third = state.findings.get("third_party_cc")
    parties = [{"address": p["address"], "kind": p["kind"], "kind_text": KIND_TEXT.get(p["kind"], p["kind"])}
               for p in (third.details.get("third_parties", []) if third and third.value else [])]
    paragraph = {
        "warning_third_party": warnings.third_party_paragraph,
        "warning_personal_address": warnings.personal_address_paragraph,
        "warning_personal_interest": warnings.personal_interest_paragraph,
        "warning_complaint_route": warnings.complaint_paragraph,
    }.get(action.kind, "")
    service_key = case.service if case else (state.route.service if state.route else "")
    service_cfg = cfg.routing.services.get(service_key)
    return {
        "member_name": member.name if member else "",
        "subject": msg.subject or "(no subject)",
        "received": _long_date(msg.received.astimezone(cfg.council.tz)),
        "ref": case.ref if case else "",
        "service_name": (service_cfg.name if service_cfg and service_cfg.name else service_key.replace("_", " ").title()) or "the relevant service",
        "due": _long_date(case.due) if case and case.due else "",
        "explains": services.engine.profile.acknowledgement_explains,
        "third_parties": parties,
        "sender_address": msg.sender.email if msg.sender else "",
        "protocol_name": warnings.protocol_name,
        "paragraph": paragraph,
        "about_text": ABOUT_TEXT.get(state.kind("complaint") or "", "an officer"),
        "complaint_route": _complaint_route_text(state),
        "signature": cfg.bot.signature,
        "council": cfg.council.name,
    }


def _complaint_route_text(state: MessageState) -> str:
    return {
        "officer": "the officer's Head of Service or Director",
        "chief_officer": "the Chief Executive",
        "chief_executive": "the Leader of the Council",
    }.get(state.kind("complaint") or "", "the relevant manager")


def _long_date(value: Any) -> str:
    if isinstance(value, datetime):
        return value.strftime("%A %-d %B %Y at %H:%M")
    return value.strftime("%A %-d %B %Y")

