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
    from bot.runner import poll_once

    services = _services(obj)
    bar = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if quiet or not sys.stderr.isatty():
            return
        if bar is None:
            bar = click.progressbar(length=total, label="triaging", file=sys.stderr)
            bar.__enter__()
        bar.update(1)

    report = poll_once(services, progress)
    if bar is not None:
        bar.__exit__(None, None, None)
    if not quiet:
        click.echo(f"fetched {report.fetched}, processed {report.processed}, skipped {report.skipped}, "
                   f"failed {report.failed}, quarantined {report.quarantined}, delivered {report.delivered} "
                   f"in {report.seconds:.1f}s")
        _print_cases(services.store.open_cases(services.mailbox_name))


@main.command()
@click.pass_obj
@friendly
def run(obj: Ctx) -> None:
    """Run the scheduler until stopped (SIGTERM/SIGINT stop gracefully)."""
    from bot.scheduler import run_forever

    run_forever(obj.config)


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


# --- listing rules and classifiers ---------------------------------------------------
@main.group("rules")
def rules_group() -> None:
    """The decision rules."""


@rules_group.command("list")
def rules_list() -> None:
    """Every rule and chain link with its description and the protocol paragraph it implements."""
    from rules.chain import ACTION_CHAIN, SAFETY_CHAIN
    from rules.engine import load_all_rules
    from rules.route_steps import DEFAULT_ROUTE_STEPS

    registry = load_all_rules()
    for title, chain in (("Safety chain (a hit stops automatic mail)", SAFETY_CHAIN), ("Action chain (a hit plans mail to the member)", ACTION_CHAIN)):
        click.echo(title + ":")
        for link in chain:
            cls = registry[link.rule]
            click.echo(f"  {cls.name:<28} {link.action}{':' + link.target if link.target else '':<28} {cls.description} [{cls.paragraph}]")
    click.echo("Routes (first hit wins):")
    for step in DEFAULT_ROUTE_STEPS:
        doc = (step.__doc__ or "").strip().splitlines()[0] if step.__doc__ else ""
        click.echo(f"  {getattr(step, 'route_name', step.__name__):<28} {doc}")
    others = sorted(set(registry) - {l.rule for l in (*SAFETY_CHAIN, *ACTION_CHAIN)})
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
    from classifiers.nlp import MODEL_DIR
    from classifiers.registry import DETECTORS

    for info in DETECTORS.values():
        click.echo(f"  {info.name:<28} {'/'.join(info.labels):<36} {info.description}")
    click.echo(f"  {'mq_cues_v1':<28} {'(spaCy component)':<36} Lemma/token patterns marking the evidence spans for each label.")
    click.echo(f"  {'textcat_multilabel':<28} {'(spaCy component)':<36} Trained on the project corpus; model in {MODEL_DIR}")


def entrypoint() -> None:
    main(prog_name="mqtriage")


if __name__ == "__main__":
    entrypoint()
