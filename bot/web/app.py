"""The dashboard: a Flask app factory and its pages.

``create_app(config, store)`` builds everything from what it is given (no globals), so
tests and the server construct it the same way. Every page but sign-in needs a session;
see :mod:`bot.web.auth` for sign-in, roles and CSRF. Pages are server-rendered Jinja2
with one CSS file and no JavaScript; charts are inline SVG (:mod:`bot.web.charts`).

Privacy: filters travel in the query string (subject words at most), never message
text; the request log line is the method, the path without its query, the status and
the time taken, with the user's address redacted as everywhere else.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import time
from datetime import date, datetime, timezone
from ipaddress import ip_address
from pathlib import Path
from typing import Any, Callable

from flask import Flask, Response, abort, flash, g, redirect, render_template, request, session, url_for
from itsdangerous import BadData, URLSafeTimedSerializer
from markupsafe import Markup
from werkzeug.middleware.proxy_fix import ProxyFix

from bot.config import Config, ConfigError
from bot.directory import Directory, load_directory
from bot.logs import redact
from bot.web import charts
from bot.web.auth import (
    DEMOCRATIC_SERVICES, LOCAL_ADMIN, AuthCodeApp, LocalToken, Roles, SignInError, User, check_entra, check_id_claims,
    csrf_ok, entra_configured, msal_app, new_csrf_token,
)
from bot.web.corrections import LABELS, CorrectionRefused, correct_due, correct_labels, correct_route, corrected_labels
from bot.web.highlight import marks_for, segments
from bot.web.queries import FLAGS, STATE_TEXT, STATES, CaseFilter, aware, list_cases, load_case, services_in_use, state_of
from bot.web.sla_view import sla_csv, sla_figures
from rules.workdays import WorkingCalendar
from storage.store import Store

log = logging.getLogger("mqtriage.web")

HERE = Path(__file__).resolve().parent
PUBLIC_ENDPOINTS = {"signin", "signin_entra", "auth_callback", "static"}
FLOW_COOKIE = "mq_entra_flow"
FLOW_SECONDS = 600
REF = re.compile(r"^[A-Za-z0-9#-]{1,32}$")
SORT_TEXT = {"ref": "reference", "member": "member", "ward": "ward", "subject": "subject", "service": "service",
             "received": "date received", "due": "due date", "state": "state"}


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def is_loopback(host: str) -> bool:
    if host in ("localhost", ""):
        return True
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return False


def create_app(config: Config, store: Store, *, clock: Callable[[], datetime] = utcnow, directory: Directory | None = None,
               auth_app_factory: Callable[[Config], AuthCodeApp] | None = None, admin_token: str | None = None) -> Flask:
    """The dashboard for ``config``'s mailbox over ``store``.

    ``auth_app_factory`` builds the msal application (tests pass a fake); ``admin_token``
    fixes the one-time local token (tests), otherwise a random one is made. Either way it
    is ``app.extensions["mq_local_token"].value`` until spent (``None`` with Entra).
    """
    web = config.web
    check_entra(config)
    roles = Roles(config)
    roles.check()
    directory = directory or load_directory(config)
    calendar = WorkingCalendar.from_config(config.council)
    use_entra = entra_configured(config)

    app = Flask(__name__, template_folder=str(HERE / "templates"), static_folder=str(HERE / "static"))
    secret = os.environ.get(web.secret_key_env) if web.secret_key_env else None
    if web.secret_key_env and not secret:
        raise ConfigError(f"{config.source}: web.secret_key_env: environment variable {web.secret_key_env} is not set")
    secure = web.secure_cookies if web.secure_cookies is not None else not (
        is_loopback(web.listen) and not web.public_url.startswith("https://"))
    app.config.update(
        SECRET_KEY=secret or secrets.token_bytes(32),
        SESSION_COOKIE_NAME="__Host-mq_session" if secure else "mq_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",  # Strict would drop the cookie on the way back from Entra ID
        SESSION_COOKIE_SECURE=secure,
        PERMANENT_SESSION_LIFETIME=web.session_minutes * 60,
        MAX_CONTENT_LENGTH=64 * 1024,
        SEND_FILE_MAX_AGE_DEFAULT=3600,  # the CSS and icon: no need to ask again on every page
        TEMPLATES_AUTO_RELOAD=False,
    )
    if web.trusted_proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=web.trusted_proxies, x_proto=web.trusted_proxies,  # type: ignore[method-assign]
                                x_host=web.trusted_proxies)
    local_token = None if use_entra else LocalToken(admin_token)
    app.extensions["mq_local_token"] = local_token
    app.extensions["mq_store"] = store
    entra: dict[str, AuthCodeApp] = {}

    def auth_app() -> AuthCodeApp:
        if "app" not in entra:
            entra["app"] = (auth_app_factory or msal_app)(config)
        return entra["app"]

    services_cfg = config.routing.services

    def service_name(key: str) -> str:
        if not key:
            return "-"
        cfg = services_cfg.get(key)
        return cfg.name if cfg and cfg.name else key.replace("_", " ").title()

    def today() -> date:
        return calendar.local(clock()).date()

    def local(moment: datetime | None) -> datetime | None:
        m = aware(moment)
        return calendar.local(m) if m else None

    # --- templates ------------------------------------------------------------------
    def csrf_token() -> str:
        if "csrf" not in session:
            session["csrf"] = new_csrf_token()
        return str(session["csrf"])

    def fmt_dt(moment: datetime | None) -> str:
        m = local(moment)
        return m.strftime("%a %-d %b %Y, %H:%M") if m else "-"

    def fmt_date(day: date | None) -> str:
        return day.strftime("%a %-d %b %Y") if day else "-"

    app.jinja_env.globals.update(
        csrf_token=csrf_token, service_name=service_name, council=config.council.name, STATE_TEXT=STATE_TEXT,
        FLAGS=FLAGS, LABELS=LABELS, mailbox=config.mailbox.name or config.mailbox.address,
        excerpt_chars=config.storage.excerpt_chars, SORT_TEXT=SORT_TEXT, kind_text=kind_text,
    )
    app.jinja_env.add_extension("jinja2.ext.do")
    def fmt_dt_short(moment: datetime | None) -> str:
        m = local(moment)
        return m.strftime("%-d %b %Y %H:%M") if m else "-"

    app.jinja_env.filters.update(dt=fmt_dt, dt_short=fmt_dt_short, day=fmt_date, iso=lambda d: d.isoformat() if d else "")

    # --- the gate: sign-in, roles, CSRF -----------------------------------------------------
    def current_user() -> User | None:
        data = session.get("user")
        if not isinstance(data, dict):
            return None
        if time.time() - float(data.get("t", 0)) > web.session_minutes * 60:
            session.clear()
            return None
        name = str(data.get("name", ""))
        if data.get("local") and local_token is not None:
            return User(LOCAL_ADMIN, "Local administrator", DEMOCRATIC_SERVICES)
        role, services = roles.for_name(name, tuple(data.get("roles", ())))
        return User(name, str(data.get("display") or name), role, services)

    @app.before_request
    def gate() -> Any:
        g.started = time.perf_counter()
        g.user = None
        if request.method == "POST" and request.endpoint != "auth_callback" and not _post_allowed():
            abort(400, description="csrf")
        if request.endpoint in PUBLIC_ENDPOINTS or request.endpoint is None:
            return None
        user = current_user()
        if user is None:
            if request.method == "GET" and request.endpoint != "signout":
                session["next"] = request.full_path if request.query_string else request.path
            return redirect(url_for("signin"))
        g.user = user
        if not user.has_access:
            return render_template("error.html", title="No access", heading="You do not have access",
                                   text=f"You are signed in as {user.name}, but you are not on the dashboard's list of "
                                        "Democratic Services staff or service managers. Ask Democratic Services to add you."), 403
        return None

    def _post_allowed() -> bool:
        if request.headers.get("Sec-Fetch-Site") == "cross-site":
            return False
        return csrf_ok(session.get("csrf"), request.form.get("csrf_token"))

    @app.after_request
    def headers(response: Response) -> Response:
        elapsed = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
        response.headers["Server-Timing"] = f"app;dur={elapsed:.1f}"
        response.headers["Content-Security-Policy"] = (
            "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
            "frame-ancestors 'none'; base-uri 'none'")
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        if secure:
            response.headers["Strict-Transport-Security"] = "max-age=31536000"
        if request.endpoint != "static":
            response.headers["Cache-Control"] = "no-store"  # personal data: not in shared or back-button caches
        user = g.get("user")
        log.info("%s %s %s %.0fms %s", request.method, request.path, response.status_code, elapsed,
                 redact(user.name) if user else "-")
        return response

    @app.errorhandler(400)
    def bad_request(exc: Exception) -> Any:
        if getattr(exc, "description", "") == "csrf":
            return render_template("error.html", title="Form expired", heading="This form has expired",
                                   text="The form was not sent from this dashboard, or your session has changed. "
                                        "Go back, reload the page and try again."), 400
        return render_template("error.html", title="Bad request", heading="Something in that request was not valid",
                               text=str(getattr(exc, "description", ""))), 400

    @app.errorhandler(404)
    def not_found(exc: Exception) -> Any:
        return render_template("error.html", title="Page not found", heading="Page not found",
                               text="There is no such page, or you may not see it."), 404

    @app.errorhandler(500)
    def server_error(exc: Exception) -> Any:
        return render_template("error.html", title="Sorry", heading="Sorry, there is a problem with the dashboard",
                               text="It has been logged. Try again later."), 500

    # --- sign-in ------------------------------------------------------------------------
    def start_session(payload: dict[str, Any]) -> None:
        target = session.get("next")
        session.clear()
        session.permanent = True
        session["user"] = {**payload, "t": time.time()}
        session["csrf"] = new_csrf_token()
        if isinstance(target, str) and target.startswith("/") and not target.startswith("//"):
            session["next"] = target

    def after_signin() -> Any:
        target = session.pop("next", None)
        return redirect(target if isinstance(target, str) and target.startswith("/") and not target.startswith("//") else url_for("cases"))

    @app.route("/signin", methods=["GET", "POST"])
    def signin() -> Any:
        if request.method == "GET" and current_user() is not None:
            return redirect(url_for("cases"))
        error = ""
        status = 200
        if request.method == "POST":
            if local_token is None:
                abort(404)
            outcome = local_token.redeem(request.form.get("token", ""))
            if outcome == "ok":
                start_session({"name": LOCAL_ADMIN, "display": "Local administrator", "local": True})
                with store.session() as s:
                    store.audit(s, "web-signin", mailbox=config.mailbox.address, actor=LOCAL_ADMIN, method="local-token")
                log.info("signed in with the local admin token")
                return after_signin()
            error = {"spent": "That token has already been used. Restart `mqtriage web` to get a new one.",
                     "locked": "Too many wrong tokens. Wait a minute and try again."}.get(outcome, "That token is not right. Check it and try again.")
            status = 401
        return render_template("signin.html", title="Sign in", entra=use_entra, error=error,
                               spent=bool(local_token and local_token.spent)), status

    # The answer comes back as a form POST from Microsoft's sign-in page (response_mode
    # form_post, as RFC 9700 and msal recommend: the code is not left in URLs or history).
    # That POST is cross-site, so the session cookie (SameSite=Lax) does not come with it:
    # the flow waits in its own short-lived signed cookie, SameSite=None and Secure
    # (browsers accept Secure cookies from http://localhost too), scoped to the callback.
    # msal's state check is that endpoint's CSRF protection.
    flow_cookie = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="mq-entra-flow")

    @app.route("/signin/entra")
    def signin_entra() -> Any:
        if not use_entra:
            abort(404)
        redirect_uri = (web.public_url + "/auth/callback") if web.public_url else url_for("auth_callback", _external=True)
        flow = auth_app().initiate_auth_code_flow(scopes=[], redirect_uri=redirect_uri, response_mode="form_post")
        if "auth_uri" not in flow:
            abort(500)
        response = redirect(flow["auth_uri"])
        kept = {k: v for k, v in flow.items() if k != "auth_uri"}
        response.set_cookie(FLOW_COOKIE, flow_cookie.dumps(kept), max_age=FLOW_SECONDS, path="/auth/callback",
                            secure=True, httponly=True, samesite="None")
        return response

    def sign_in_failed(text: str, status: int) -> Any:
        response = app.make_response((render_template("error.html", title="Sign-in failed", heading="Sign-in failed", text=text,
                                                      link=url_for("signin")), status))
        response.delete_cookie(FLOW_COOKIE, path="/auth/callback", secure=True, httponly=True, samesite="None")
        return response

    @app.route("/auth/callback", methods=["GET", "POST"])
    def auth_callback() -> Any:
        if not use_entra:
            abort(404)
        try:
            flow = flow_cookie.loads(request.cookies.get(FLOW_COOKIE, ""), max_age=FLOW_SECONDS)
        except BadData:
            flow = None
        if not isinstance(flow, dict):
            return sign_in_failed("Your sign-in has expired or was started in another browser. Start again.", 400)
        answer = (request.form if request.method == "POST" else request.args).to_dict()
        try:
            result = auth_app().acquire_token_by_auth_code_flow(flow, answer)
            if "error" in result:
                raise SignInError(str(result.get("error_description") or result["error"]).splitlines()[0][:200])
            claims = result.get("id_token_claims") or {}
            name = check_id_claims(config, claims, time.time())
        except ValueError:  # msal: state mismatch or a replayed response
            return sign_in_failed("The answer from Microsoft did not match this sign-in. Start again.", 400)
        except SignInError as exc:
            log.warning("Entra sign-in refused: %s", exc)
            return sign_in_failed(str(exc), 403)
        roles_claim = [str(r) for r in claims.get("roles", []) if isinstance(r, str)][:50]
        start_session({"name": name, "display": str(claims.get("name") or name)[:200], "roles": roles_claim})
        with store.session() as s:
            store.audit(s, "web-signin", mailbox=config.mailbox.address, actor=name, method="entra")
        response = after_signin()
        response.delete_cookie(FLOW_COOKIE, path="/auth/callback", secure=True, httponly=True, samesite="None")
        return response

    @app.post("/signout")
    def signout() -> Any:
        session.clear()
        flash("You have signed out.", "success")
        return redirect(url_for("signin"))

    # --- cases ----------------------------------------------------------------------------
    @app.route("/")
    def home() -> Any:
        return redirect(url_for("cases"))

    @app.route("/cases")
    def cases() -> Any:
        user: User = g.user
        f = CaseFilter.from_args(request.args)
        now_day = today()
        with store.session() as s:
            page = list_cases(s, config.mailbox.address, user, f, now_day, web.page_size)
            services = sorted(set(known_services(s, user)) | ({k for k in services_cfg} if user.sees_all else set(user.services)))
        members = sorted(directory.members, key=lambda m: m.name)
        return render_template("cases.html", title="Cases", f=f, page=page, services=services, members=members,
                               STATES=STATES, today=now_day, user=user)

    service_cache: dict[Any, tuple[float, list[str]]] = {}

    def known_services(s: Any, user: User) -> list[str]:
        """Services that cases are routed to, for the filter (a full scan: kept for a minute)."""
        key = None if user.sees_all else user.services
        hit = service_cache.get(key)
        if hit is None or hit[0] < time.monotonic():
            hit = (time.monotonic() + 60, services_in_use(s, config.mailbox.address, user))
            service_cache[key] = hit
        return hit[1]

    def load(ref: str) -> Any:
        if not REF.match(ref):
            abort(404)
        with store.session() as s:
            detail = load_case(s, config.mailbox.address, g.user, ref)
            if detail is None:
                abort(404)
            labels_now = corrected_labels(s, detail.case.id)
        return detail, labels_now

    @app.route("/cases/<ref>")
    def case_page(ref: str) -> Any:
        detail, labels_now = load(ref)
        case = detail.case
        messages = []
        for view in detail.messages:
            excerpt = view.row.excerpt or ""
            marks, placed = marks_for(excerpt, view.findings)
            messages.append({"view": view, "segments": segments(excerpt, marks), "placed": placed,
                             "labels_now": labels_now.get(view.row.id, {}), "rules": rules_of(view.decided)})
        now_day = today()
        services = sorted(set(services_cfg) | {o for off in directory.officers for o in off.services} |
                          {config.routing.default_route, case.service} - {""})
        return render_template("case.html", title=f"{case.ref}", case=case, detail=detail, messages=messages,
                               state=state_of(case.status, case.due, now_day), history=history(detail),
                               services=services, rule_text=rule_descriptions(), today=now_day)

    def rules_of(decided: Any) -> dict[str, Any]:
        if decided is None:
            return {"hits": [], "misses": [], "route": None, "route_reason": None, "suppressed": []}
        rules = decided.detail.get("rules") or []
        return {"hits": [r for r in rules if r.get("hit")], "misses": [r for r in rules if not r.get("hit")],
                "route": decided.detail.get("route"), "route_reason": decided.detail.get("route_reason"),
                "suppressed": decided.detail.get("suppressed") or []}

    def history(detail: Any) -> list[dict[str, Any]]:
        """The case's deadline story: receipt, then every audited step, oldest first."""
        case = detail.case
        items: list[dict[str, Any]] = [{"at": aware(case.received), "what": "Received",
                                        "detail": f"day of receipt {fmt_date(case.day_of_receipt)}; due {fmt_date(case.due)}"}]
        for e in detail.audit:
            text = describe_event(e.event, e.detail or {})
            if text is None:
                continue
            items.append({"at": aware(e.at), "what": text[0], "detail": text[1], "actor": e.actor if e.actor != "bot" else ""})
        for item in detail.outbox:
            if item.delivered_at is not None:
                items.append({"at": aware(item.delivered_at), "what": f"{kind_text(item.kind)} {'sent' if item.delivery == 'send' else 'saved as a draft'}",
                              "detail": f"to {item.to_addr}"})
        return sorted(items, key=lambda i: i["at"] or datetime.min.replace(tzinfo=timezone.utc))

    @app.post("/cases/<ref>/labels")
    def correct_label(ref: str) -> Any:
        detail, labels_now = load(ref)
        try:
            pk = int(request.form.get("message", ""))
        except ValueError:
            abort(400, description="no message chosen")
        wanted: dict[str, bool] = {}
        for label in LABELS:
            value = request.form.get(f"label-{label}")
            if value in ("yes", "no"):
                wanted[label] = value == "yes"
        return finish(ref, lambda: correct_labels(store, detail.case.id, pk, wanted, g.user, clock), f"#message-{pk}")

    @app.post("/cases/<ref>/route")
    def correct_route_view(ref: str) -> Any:
        detail, _ = load(ref)
        reason = " ".join(request.form.get("reason", "").split())[:300]
        return finish(ref, lambda: correct_route(store, config, directory, detail.case.id, request.form.get("service", ""),
                                                 reason, g.user, clock), "#correct-route")

    @app.post("/cases/<ref>/due")
    def correct_due_view(ref: str) -> Any:
        detail, _ = load(ref)
        reason = " ".join(request.form.get("reason", "").split())[:300]
        try:
            due = date.fromisoformat(request.form.get("due", ""))
        except ValueError:
            flash("Enter the due date as a real date, for example 27/11/2026.", "error")
            return redirect(url_for("case_page", ref=ref) + "#correct-due")
        return finish(ref, lambda: correct_due(store, detail.case.id, due, reason, g.user, clock), "#correct-due")

    def finish(ref: str, action: Callable[[], Any], anchor: str) -> Any:
        try:
            outcome = action()
        except CorrectionRefused as exc:
            flash(str(exc), "error")
        else:
            flash(f"Correction saved. {outcome.message}" if outcome.changed else "Nothing to change: the values were already those.",
                  "success" if outcome.changed else "info")
            if outcome.changed:
                log.info("correction on %s by %s: %s", ref, redact(g.user.name), ", ".join(c.split(":")[0] for c in outcome.changed))
        return redirect(url_for("case_page", ref=ref) + anchor, code=303)

    # --- SLA -------------------------------------------------------------------------------
    def months_arg() -> int:
        try:
            return max(1, min(int(request.args.get("months", config.sla.months)), 36))
        except ValueError:
            return config.sla.months

    def names() -> dict[str, str]:
        return {k: service_name(k) for k in set(services_cfg) | {o for off in directory.officers for o in off.services}}

    @app.route("/sla")
    def sla() -> Any:
        fig = sla_figures(config, store, g.user, today(), months_arg())
        months = charts.months_between(fig.since, fig.today)
        share = charts.sla_chart_svg(fig.rows, months=months)
        median_bars = charts.median_bars(fig.rows, months)
        median = charts.column_chart_svg(median_bars, title="Median working days to answer, by month of receipt",
                                         description="; ".join(f"{b.label}: {b.text}" for b in median_bars), chart_id="median-chart")
        overdue_bars = charts.count_bars(fig.overdue, {k: service_name(k) for k in fig.overdue})
        overdue = charts.row_chart_svg(overdue_bars, title="Open cases overdue today, by service",
                                       description="; ".join(f"{b.label}: {b.text}" for b in overdue_bars) or "No open case is overdue.",
                                       chart_id="overdue-chart")
        return render_template("sla.html", title="Service levels", fig=fig, names=names(), share_chart=Markup(share),
                               median_chart=Markup(median), overdue_chart=Markup(overdue), month_label=charts.month_label)

    @app.route("/sla.csv")
    def sla_csv_view() -> Any:
        fig = sla_figures(config, store, g.user, today(), months_arg())
        body = sla_csv(fig, names())
        return Response(body, mimetype="text/csv", headers={
            "Content-Disposition": f'attachment; filename="member-queries-sla-{fig.today.isoformat()}.csv"'})

    @app.route("/sla/chart.<kind>")
    def sla_chart(kind: str) -> Any:
        fig = sla_figures(config, store, g.user, today(), months_arg())
        months = charts.months_between(fig.since, fig.today)
        if kind == "svg":
            return Response(charts.sla_chart_svg(fig.rows, months=months), mimetype="image/svg+xml")
        if kind == "png":
            return Response(charts.sla_chart_png(fig.rows, months=months), mimetype="image/png")
        abort(404)

    return app


# --- text for the case page -----------------------------------------------------------------
KIND_TEXT = {
    "acknowledgement": "Acknowledgement", "warning_third_party": "Warning: third parties copied",
    "warning_personal_address": "Warning: personal address", "warning_personal_interest": "Note: personal interest",
    "warning_complaint_route": "Complaint route explained", "notice": "Notice", "reminder": "Reminder",
    "escalation": "Escalation", "sla_summary": "SLA summary",
}


FIELD_TEXT = {**LABELS, "route": "route", "due": "due date"}


def kind_text(kind: str) -> str:
    return KIND_TEXT.get(kind, kind.replace("_", " ").capitalize())


def describe_event(event: str, d: dict[str, Any]) -> tuple[str, str] | None:
    """(what, detail) for the deadline history, or None for events that are not part of it."""
    if event == "case-opened":
        return "Case opened", f"routed to {d.get('service') or '-'}; due {d.get('due') or '-'}"
    if event == "queued":
        return f"{kind_text(str(d.get('kind', '')))} planned", f"delivery: {d.get('delivery', '-')}"
    if event == "automatic-mail-suppressed":
        return "Automatic mail held back", "by " + ", ".join(d.get("rules") or [])
    if event == "case-interim":
        return "Interim reply", f"full answer expected {d.get('estimate') or 'without a date'}; {d.get('why', '')}"
    if event == "case-answered":
        return "Answered", str(d.get("why", ""))
    if event == "case-reopened":
        return "Reopened", f"new due date {d.get('due')}" if d.get("due") else str(d.get("why", ""))
    if event == "case-closed":
        return "Closed", str(d.get("why", ""))
    if event in ("reminder-queued", "escalation-queued"):
        return ("Reminder" if event.startswith("reminder") else "Escalation") + " queued", f"to {d.get('to', '-')}, due {d.get('due', '-')}"
    if event == "reply-not-to-member":
        return "Reply seen", "not addressed to the member: the clock did not stop"
    if event == "reply-before-member-follow-up":
        return "Reply seen", "the member had written again since: still open"
    if event == "corrected":
        return f"Corrected: {FIELD_TEXT.get(str(d.get('field')), str(d.get('field')))}", f"{_value(d.get('old'))} → {_value(d.get('new'))}" + (
            f" ({d['reason']})" if d.get("reason") else "")
    return None


def _value(v: Any) -> str:
    if v is True:
        return "yes"
    if v is False:
        return "no"
    return str(v) if v not in (None, "") else "-"


_RULES: dict[str, str] = {}


def rule_descriptions() -> dict[str, str]:
    if not _RULES:
        from rules.engine import load_all_rules

        _RULES.update({name: cls.description for name, cls in load_all_rules().items()})
    return _RULES
