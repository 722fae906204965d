"""``mqtriage``: a thin dispatcher over the library. Every command has ``--help``."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any, Callable

import click

from bot.config import Config, ConfigError, load_config

DEFAULT_CONFIG = "config.toml"


def _config_path(value: str | None) -> str:
    if value:
        return value
    if os.environ.get("MQ_CONFIG"):
        return os.environ["MQ_CONFIG"]
    return DEFAULT_CONFIG if Path(DEFAULT_CONFIG).exists() else "config.example.toml"


class Ctx:
    def __init__(self, config_path: str | None) -> None:
        self.config_path = _config_path(config_path)
        self._config: Config | None = None

    @property
    def config(self) -> Config:
        if self._config is None:
            self._config = load_config(self.config_path)
            from bot.logs import setup_logging

            setup_logging(self._config.logging.level, self._config.logging.format == "json", self._config.logging.redact_addresses)
        return self._config


def friendly(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn known errors into one readable line and a non-zero exit, never a traceback."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from bot.backends.base import AuthenticationFailed, BackendError
        from bot.leases import WorkerRefused

        try:
            return fn(*args, **kwargs)
        except ConfigError as exc:
            click.echo(f"mqtriage: configuration error: {exc}", err=True)
            sys.exit(2)
        except AuthenticationFailed as exc:
            click.echo(f"mqtriage: authentication failed: {exc}", err=True)
            sys.exit(3)
        except BackendError as exc:
            click.echo(f"mqtriage: mailbox error: {exc}", err=True)
            sys.exit(4)
        except WorkerRefused as exc:
            click.echo(f"mqtriage: {exc}", err=True)
            sys.exit(5)

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-c", "--config", "config_path", metavar="FILE", help="Council config (default: $MQ_CONFIG, ./config.toml, else ./config.example.toml).")
@click.version_option(package_name="mqtriage")
@click.pass_context
def main(ctx: click.Context, config_path: str | None) -> None:
    """Member Queries triage bot for UK councils."""
    ctx.obj = Ctx(config_path)


# --- configuration and database -----------------------------------------------------
@main.command("check-config")
@click.pass_obj
@friendly
def check_config(obj: Ctx) -> None:
    """Validate the config file and the rosters it names."""
    from bot.directory import load_directory
    from rules.profiles import profile_for

    config = obj.config
    directory = load_directory(config)
    profile = profile_for(config.deadlines)
    click.echo(f"{obj.config_path}: OK — {config.council.name}, {config.mailbox.backend} mailbox {config.mailbox.address}, "
               f"{len(directory.members)} members, {len(directory.officers)} officers, profile {profile.name} "
               f"({profile.response_working_days} working days), mode {config.bot.mode}")


@main.group("db")
def db() -> None:
    """Database maintenance."""


@db.command("upgrade")
@click.pass_obj
@friendly
def db_upgrade(obj: Ctx) -> None:
    """Apply schema migrations (safe to run repeatedly)."""
    from storage.db import make_engine, upgrade

    config = obj.config
    upgrade(make_engine(config.storage.url, config.base_dir))
    click.echo("database is up to date")


# --- running -----------------------------------------------------------------------
def _services(obj: Ctx):  # type: ignore[no-untyped-def]
    from bot.backends.factory import open_mailbox
    from bot.services import build_services

    config = obj.config
    return build_services(config, open_mailbox(config))


@main.command()
@click.option("--quiet", is_flag=True, help="No progress bar or table.")
@click.pass_obj
@friendly
def poll(obj: Ctx, quiet: bool) -> None:
    """Run one poll cycle and exit."""
    from bot.heap import freeze_long_lived
    from bot.runner import poll_once

    services = _services(obj)
    freeze_long_lived()  # a big mailbox's first poll classifies thousands of messages
    bar = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if quiet or not sys.stderr.isatty():
            return
        if bar is None:
            bar = click.progressbar(length=total, label="triaging", file=sys.stderr)
            bar.__enter__()
        bar.update(1)

    from bot.leases import exclusive_mailbox

    with exclusive_mailbox(services.store.engine, services.config.storage.url, services.mailbox_name, lease_seconds=services.config.scheduler.lease_seconds * 5):
        report = poll_once(services, progress)
    if bar is not None:
        bar.__exit__(None, None, None)
    if not quiet:
        click.echo(f"fetched {report.fetched}, processed {report.processed}, skipped {report.skipped}, "
                   f"failed {report.failed}, quarantined {report.quarantined}, delivered {report.delivered} "
                   f"in {report.seconds:.1f}s")
        _print_cases(services.store.open_cases(services.mailbox_name))


@main.command()
@click.option("--health-port", type=click.IntRange(0, 65535), default=None, help="Override health.port (e.g. a second worker on the same host).")
@click.pass_obj
@friendly
def run(obj: Ctx, health_port: int | None) -> None:
    """Run the scheduler until stopped (SIGTERM/SIGINT stop gracefully)."""
    from bot.scheduler import run_forever

    config = obj.config
    if health_port is not None:
        config = config.model_copy(update={"health": config.health.model_copy(update={"port": health_port})})
    run_forever(config)


@main.command()
@click.option("--listen", default=None, metavar="ADDRESS", help="Override web.listen (default 127.0.0.1).")
@click.option("--port", type=click.IntRange(0, 65535), default=None, help="Override web.port.")
@click.pass_obj
@friendly
def web(obj: Ctx, listen: str | None, port: int | None) -> None:
    """Serve the dashboard (cases, evidence, corrections, SLA charts) until stopped; prints a one-time sign-in token without Entra ID."""
    from bot.web.server import serve

    serve(obj.config, listen=listen, port=port)


@main.command()
@click.pass_obj
@friendly
def jobs(obj: Ctx) -> None:
    """List the scheduled jobs of every mailbox with their next run times, and who holds each lease."""
    from bot.deployment import load_deployment
    from bot.leases import lease_table
    from bot.scheduler import describe_jobs
    from storage.db import make_engine

    config = obj.config
    rows, notes = describe_jobs(config)
    click.echo(f"{'JOB':<52} {'NEXT RUN (council time)':<26} WHAT")
    tz = config.council.tz
    for spec, when in rows:
        click.echo(f"{spec.id:<52} {when.astimezone(tz).strftime('%a %d %b %Y %H:%M') if when else '-':<26} {spec.description}")
    for note in notes:
        click.echo(f"  {note}")
    try:
        leases = lease_table(make_engine(load_deployment(config).storage_url, config.base_dir))
    except Exception as exc:  # no database yet, or not reachable: the schedule is still worth showing
        click.echo(f"leases: unknown ({type(exc).__name__}: database not reachable or not yet created)")
        return
    if not leases:
        click.echo("leases: none held (no worker is running)")
    for mailbox, holder, expires, acquired in leases:
        click.echo(f"lease {mailbox}: held by {holder} since {acquired.isoformat(timespec='seconds') if acquired else '?'}, "
                   f"expires {expires.isoformat(timespec='seconds')}")


@main.command()
@click.argument("address")
@click.option("--dry-run", is_flag=True, help="Count what would be removed (a subject-access aid) and change nothing.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_obj
@friendly
def forget(obj: Ctx, address: str, dry_run: bool, yes: bool) -> None:
    """Remove one person's data from the store (every mailbox in the database). See README-OPERATIONS.md."""
    from bot.forget import forget as do_forget
    from bot.services import open_store, utcnow

    store = open_store(obj.config)
    if not dry_run and not yes:
        preview = do_forget(store, address, utcnow(), dry_run=True)
        click.echo("\n".join(preview.lines()) or "nothing stored for that address")
        if not any(preview.counts.values()) or not click.confirm("Remove this data? It cannot be undone", default=False):
            return
    try:
        report = do_forget(store, address, utcnow(), actor=os.environ.get("USER", "cli"), dry_run=dry_run)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="ADDRESS") from None
    click.echo(("would remove (dry run):" if dry_run else "removed:") + "\n" + ("\n".join(report.lines())))


@main.command()
@click.pass_obj
@friendly
def purge(obj: Ctx) -> None:
    """Run the data-retention purge now for every mailbox (it also runs nightly under `mqtriage run`)."""
    from bot.deployment import load_deployment
    from bot.retention import purge_expired
    from bot.services import open_store, utcnow

    deployment = load_deployment(obj.config)
    store = open_store(obj.config)
    for config in deployment.councils:
        click.echo(str(purge_expired(store, config, utcnow())))


@main.command()
@click.option("--months", type=int, default=None, help="Months of receipt to cover (default: sla.months).")
@click.pass_obj
@friendly
def sla(obj: Ctx, months: int | None) -> None:
    """Service-level figures per month and service (the weekly summary's numbers)."""
    from bot.services import open_store, utcnow
    from bot.sla import figures, load_cases, months_back, overdue_now
    from rules.workdays import WorkingCalendar

    config = obj.config
    calendar = WorkingCalendar.from_config(config.council)
    today = calendar.local(utcnow()).date()
    since = months_back(today, months or config.sla.months)
    facts = load_cases(open_store(config), config, since)
    click.echo(f"{'MONTH':<8} {'SERVICE':<24} {'RECEIVED':>8} {'ANSWERED':>8} {'IN TARGET':>9} {'SHARE':>6} {'MEDIAN':>6} {'OVERDUE':>7}")
    for r in figures(facts, calendar, today, since):
        median = '-' if r.median_working_days is None else f"{r.median_working_days:g}"
        click.echo(f"{r.month:<8} {(r.service or 'all services')[:24]:<24} {r.received:>8} {r.answered:>8} {r.answered_in_target:>9} {r.share_text:>6} {median:>6} {r.overdue_open:>7}")
    for service, count in overdue_now(facts, today).items():
        click.echo(f"overdue now: {service}: {count}")


@main.command()
@click.option("--no-send", is_flag=True, help="Do not send the test message to the mailbox itself.")
@click.pass_obj
@friendly
def doctor(obj: Ctx, no_send: bool) -> None:
    """Check that the bot can authenticate, read, draft, mark and send (to itself only) with this mailbox."""
    from bot.backends.doctor import run_doctor
    from bot.backends.factory import open_mailbox
    from bot.backends.retry import FAIL_FAST

    config = obj.config
    click.echo(f"{config.mailbox.backend} mailbox {config.mailbox.address}:")
    checks = run_doctor(config, lambda: open_mailbox(config, FAIL_FAST), send=not no_send)
    for check in checks:
        mark = "-" if check.skipped else ("ok" if check.ok else "FAIL")
        click.echo(f"  {mark:<4} {check.step:<12} {check.detail}")
        if check.advice:
            click.echo(f"       → {check.advice}")
    if not all(check.ok for check in checks):
        sys.exit(1)


# --- looking -----------------------------------------------------------------------
def _print_cases(cases: list[Any]) -> None:
    if not cases:
        click.echo("no open cases")
        return
    click.echo(f"{'REF':<14} {'STATUS':<8} {'DUE':<10} {'SERVICE':<22} {'MEMBER':<24} {'FLAGS':<12} SUBJECT")
    for c in cases:
        flags = "".join(letter for key, letter in (("third_party_cc", "T"), ("personal_interest", "I"), ("complaint", "C"), ("personal_address", "P")) if c.flags.get(key))
        click.echo(f"{c.ref or '-':<14} {c.status:<8} {c.due.isoformat() if c.due else '-':<10} {c.service[:22]:<22} {c.member_name[:24]:<24} {flags or '-':<12} {c.subject[:50]}")


@main.command()
@click.pass_obj
@friendly
def cases(obj: Ctx) -> None:
    """List open cases with their due dates (flags: T third party, I interest, C complaint, P personal address)."""
    from bot.services import open_store

    _print_cases(open_store(obj.config).open_cases(obj.config.mailbox.address))


@main.command()
@click.option("--limit", default=50, show_default=True)
@click.pass_obj
@friendly
def outbox(obj: Ctx, limit: int) -> None:
    """List what was or would be sent (held = shadow mode, pending, done, failed)."""
    from bot.services import open_store

    items = open_store(obj.config).outbox(obj.config.mailbox.address, limit)
    if not items:
        click.echo("outbox is empty")
    for item in items:
        click.echo(f"{item.created_at:%Y-%m-%d %H:%M} {item.status:<7} {item.delivery:<5} {item.kind:<26} to {item.to_addr:<40} {item.subject[:60]}")


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line per message.")
@click.pass_obj
@friendly
def classify(obj: Ctx, paths: tuple[Path, ...], as_json: bool) -> None:
    """Classify .eml files or folders of them. Never writes to a mailbox or sends."""
    from bot.classify_files import FileClassifier, iter_eml

    classifier = FileClassifier.from_config(obj.config)
    files = list(iter_eml(paths))
    show_bar = not as_json and sys.stderr.isatty()
    with click.progressbar(files, label="classifying", file=sys.stderr) if show_bar else _nullbar(files) as bar:
        for path in bar:
            _state, record = classifier.classify_path(path)
            if as_json:
                click.echo(json.dumps(record, ensure_ascii=False))
            else:
                flags = [k for k in ("enquiry", "third_party_cc", "personal_interest", "complaint", "sender_is_member", "personal_address") if record[k]]
                click.echo(f"{record['file']}: {', '.join(flags) or '-'}"
                           f"{' about=' + record['complaint_about'] if record['complaint_about'] else ''}"
                           f" route={record['route']} due={record['due'] or '-'}")


class _nullbar:
    def __init__(self, items: list[Path]) -> None:
        self.items = items

    def __enter__(self) -> list[Path]:
        return self.items

    def __exit__(self, *exc: object) -> None:
        return None


@main.command()
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_obj
@friendly
def explain(obj: Ctx, path: Path) -> None:
    """Show one message's findings (scores, evidence) and every rule that fired or did not, and why."""
    from bot.classify_files import FileClassifier

    state, record = FileClassifier.from_config(obj.config).classify_path(path)
    msg = state.message
    click.echo(f"{path.name}: from {msg.sender} — {msg.subject!r}, received {msg.received.isoformat()}")
    click.echo("\nFindings:")
    for finding in state.findings.values():
        kind = f" [{finding.kind}]" if finding.kind else ""
        click.echo(f"  {finding.label:<18} {str(finding.value):<5} score={finding.score:.3f}{kind}  ({finding.detector})")
        for ev in finding.evidence:
            where = f" @{ev.start}-{ev.end}" if ev.start is not None else ""
            click.echo(f"      {ev.source}{where}: {ev.text[:120]!r}{' — ' + ev.detail if ev.detail else ''}")
        if not finding.evidence and finding.details.get("reason"):  # "sender is not a member", "not read: automatic message"
            click.echo(f"      ({finding.details['reason']})")
    click.echo("\nRules:")
    for outcome in state.outcomes:
        click.echo(f"  {'HIT ' if outcome.matched else 'miss'} {outcome.rule:<28} {'; '.join(outcome.reasons)}")
    route = state.route
    click.echo(f"\nRoute: {route.service if route else '-'} → {route.mailbox if route else '-'} ({route.reason if route else ''})")
    if route and route.notify:
        click.echo(f"Notify: {', '.join(route.notify)}")
    if state.deadline:
        d = state.deadline
        click.echo(f"Deadline: received {d.received_local:%a %d %b %Y %H:%M}, day of receipt {d.day_of_receipt}, due {d.due} ({d.profile})"
                   + (f"; member asked for {d.member_deadline} ({d.member_deadline_text!r}{', unreasonably short' if d.member_deadline_unreasonable else ''})" if d.member_deadline else ""))
    click.echo(f"Automatic mail: {'suppressed by ' + ', '.join(state.suppress_automatic_mail) if state.suppress_automatic_mail else 'allowed'}")
    click.echo(f"Planned: {', '.join(f'{a.kind} → {a.to}' for a in state.planned) or 'nothing'}")


# --- training and measuring --------------------------------------------------------
@main.command()
@click.option("--train-dir", type=click.Path(exists=True, file_okay=False, path_type=Path), default=Path("corpus/train"), show_default=True)
@click.option("--dev-dir", type=click.Path(exists=True, file_okay=False, path_type=Path), default=Path("corpus/dev"), show_default=True)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None, help="Model folder (default: the shipped classifiers/model).")
@click.option("--with-corrections", is_flag=True, help="Add staff corrections from the configured database to the training data.")
@click.pass_obj
@friendly
def train(obj: Ctx, train_dir: Path, dev_dir: Path, out: Path | None, with_corrections: bool) -> None:
    """Rebuild the text classifier from the corpus (fixed seed; thresholds chosen on the dev split)."""
    from classifiers.nlp import MODEL_DIR
    from classifiers.train import corpus_examples, save, train as fit

    extra = []
    if with_corrections:
        from classifiers.feedback import corrections_as_examples
        from bot.services import open_store

        corrections = corrections_as_examples(open_store(obj.config))
        extra = corrections.examples
        click.echo(f"{len(extra)} corrected message(s) added", err=True)
        if corrections.not_read:
            click.echo(f"{corrections.not_read} corrected message(s) left out: automatic, bulk or officers' own mail, which the model never reads "
                       "(its headers decided; see `mqtriage explain`)", err=True)
    click.echo("training…", err=True)
    nlp, thresholds, weights = fit(corpus_examples(train_dir) + extra, corpus_examples(dev_dir))
    target = out or MODEL_DIR
    save(nlp, thresholds, weights, target)
    click.echo(f"model saved to {target}; thresholds {thresholds}")


@main.command()
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Machine-readable report.")
@click.option("--corpus-config", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Use this config instead of each corpus folder's config.toml.")
@click.option("--model", type=click.Path(exists=True, file_okay=False, path_type=Path), help="Evaluate another model folder.")
@click.option("--suggest-thresholds", is_flag=True, help="Also print the per-label thresholds that would have scored best on these messages, for [classifiers] thresholds.")
def evaluate(directory: Path, as_json: bool, corpus_config: Path | None, model: Path | None, suggest_thresholds: bool) -> None:
    """Per-label precision/recall/F1, macro-F1, complaint_about and sender-fact accuracy, due-date match, wrong files."""
    from bot.backends.base import BackendError  # noqa: F401
    from classifiers.evaluate import evaluate as run_evaluation

    detectors = None
    if model is not None:
        from bot.directory import Directory
        from classifiers.pipeline import Detectors

        detectors = Detectors.load(Directory((), "", (), ()), model)
    try:
        report = run_evaluation(directory, detectors, corpus_config, suggest_thresholds).as_dict()
    except ConfigError as exc:
        click.echo(f"mqtriage: configuration error: {exc}", err=True)
        sys.exit(2)
    if as_json:
        click.echo(json.dumps(report, indent=2, ensure_ascii=False))
        return
    click.echo(f"{report['messages']} messages in {directory}")
    click.echo(f"{'label':<20} {'precision':>9} {'recall':>7} {'F1':>7}   tp  fp  fn")
    for label, m in report["labels"].items():
        click.echo(f"{label:<20} {m['precision']:>9.3f} {m['recall']:>7.3f} {m['f1']:>7.3f} {m['tp']:>4} {m['fp']:>3} {m['fn']:>3}")
    click.echo(f"macro-F1 {report['macro_f1']:.3f}")
    click.echo(f"complaint_about accuracy {report['complaint_about_accuracy']} (n={report['complaint_about_n']})")
    click.echo(f"sender facts accuracy {report['sender_facts_accuracy']}")
    if report["due_n"]:
        click.echo(f"due-date exact match {report['due_exact_match']} (n={report['due_n']})")
    if suggest_thresholds:
        # Chosen on the very messages just scored, so the figures above flatter them:
        # measure them on later mail before relying on them.
        click.echo("\nthresholds that would have scored best on these messages (check them on later mail):")
        click.echo("[classifiers]")
        click.echo("thresholds = { " + ", ".join(f"{k} = {v}" for k, v in report["suggested_thresholds"].items()) + " }")
    if report["wrong"]:
        click.echo(f"\n{len(report['wrong'])} file(s) with a wrong label:")
        for w in report["wrong"]:
            click.echo(f"  {w['file']}: {', '.join(w['wrong'])} (gold {w['gold']}, predicted {w['predicted']}, scores {w['scores']})")
            for label, evs in w["evidence"].items():
                for ev in evs[:1]:
                    click.echo(f"      {label} evidence: {ev.get('source')}: {ev.get('text', '')[:100]!r}")


# --- listing rules and classifiers ---------------------------------------------------
@main.group("rules")
def rules_group() -> None:
    """The decision rules."""


@rules_group.command("list")
def rules_list() -> None:
    """Every rule and chain link with its description and the protocol paragraph it implements."""
    from rules.chain import ACTION_CHAIN, ROUTING_CHAIN, SAFETY_CHAIN
    from rules.engine import load_all_rules

    registry = load_all_rules()
    for title, chain in (("Safety chain (a hit stops automatic mail)", SAFETY_CHAIN),
                         ("Routing chain (the first 'route' hit wins; 'annotate' hits amend it; [routing] chain reorders)", ROUTING_CHAIN),
                         ("Action chain (a hit plans mail to the member)", ACTION_CHAIN)):
        click.echo(title + ":")
        for link in chain:
            cls = registry[link.rule]
            action = f"{link.action}{':' + link.target if link.target else ''}"
            click.echo(f"  {cls.name:<28} {action:<34} {cls.description} [{cls.paragraph}]")
    others = sorted(set(registry) - {l.rule for l in (*SAFETY_CHAIN, *ROUTING_CHAIN, *ACTION_CHAIN)})
    if others:
        click.echo("Other rules:")
        for name in others:
            click.echo(f"  {name:<28} {registry[name].description} [{registry[name].paragraph}]")


@main.group("classifiers")
def classifiers_group() -> None:
    """The detectors."""


@classifiers_group.command("list")
def classifiers_list() -> None:
    """Every registered detector and spaCy component with its description."""
    import classifiers.recipients  # noqa: F401
    import classifiers.sender  # noqa: F401
    import classifiers.text  # noqa: F401
    from classifiers.nlp import MODEL_DIR, textcat_architecture
    from classifiers.registry import DETECTORS

    for info in DETECTORS.values():
        click.echo(f"  {info.name:<28} {'/'.join(info.labels):<36} {info.description}")
    click.echo(f"  {'mq_lookup_lemmatizer_v1':<28} {'(spaCy component)':<36} spaCy's lookup lemmas (spacy-lookups-data), applied through token arrays.")
    click.echo(f"  {'mq_cues_v1':<28} {'(spaCy component)':<36} Matcher-language token patterns (compiled matcher, or regexes without the kernels) marking the evidence for each label.")
    click.echo(f"  {'textcat_multilabel':<28} {'(spaCy component)':<36} Trained on the project corpus ({textcat_architecture(MODEL_DIR)}); model in {MODEL_DIR}")


def entrypoint() -> None:
    main(prog_name="mqtriage")


if __name__ == "__main__":
    entrypoint()
