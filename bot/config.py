"""Load and validate a council's TOML configuration.

Every mistake becomes one :class:`ConfigError` whose text names the file and the key,
because the person reading it is an IT officer at a council, not a Python developer.
Secrets never live here: only the *names* of environment variables and certificate
paths (see ``*_env`` keys).
"""

from __future__ import annotations

import tomllib
from datetime import date, time
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

Mode = Literal["shadow", "draft", "live"]


class ConfigError(Exception):
    """A configuration problem, already phrased for a human: ``file: key: problem``."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CouncilConfig(_Section):
    name: str
    domains: list[str] = Field(min_length=1)
    timezone: str = "Europe/London"
    holiday_region: Literal["ENG", "WLS", "SCT", "NIR"] = "ENG"
    closure_days: list[date] = []
    extra_bank_holidays: list[date] = []
    removed_bank_holidays: list[date] = []
    working_day_cutoff: time = time(17, 0)

    @field_validator("domains")
    @classmethod
    def _lower_domains(cls, value: list[str]) -> list[str]:
        cleaned = [d.strip().lower().lstrip("@").lstrip(".") for d in value]
        bad = [d for d in cleaned if "." not in d or " " in d]
        if bad:
            raise ValueError(f"not a domain name: {bad[0]!r}")
        return cleaned

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value

    @field_validator("working_day_cutoff", mode="before")
    @classmethod
    def _parse_cutoff(cls, value: Any) -> Any:
        if isinstance(value, str):
            try:
                hours, minutes = value.split(":")
                return time(int(hours), int(minutes))
            except ValueError:
                raise ValueError(f"expected HH:MM, got {value!r}") from None
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class ImapConfig(_Section):
    host: str
    port: int = 993
    tls: Literal["implicit", "starttls", "none"] = "implicit"
    username: str
    password_env: str = "MQ_IMAP_PASSWORD"
    folder: str = "INBOX"
    drafts_folder: str = "Drafts"
    sent_folder: str = "Sent"
    quarantine_folder: str = "Quarantine"
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_tls: Literal["implicit", "starttls", "none"] = "starttls"
    smtp_username: str = ""
    smtp_password_env: str = ""
    ca_file: str = ""
    timeout_seconds: float = Field(default=30.0, gt=0, le=600)


class GraphConfig(_Section):
    tenant_id: str
    client_id: str
    authority_host: str = "https://login.microsoftonline.com"
    graph_url: str = "https://graph.microsoft.com/v1.0"
    certificate_path: str = ""
    certificate_thumbprint: str = ""
    certificate_password_env: str = ""
    client_secret_env: str = ""
    folder: str = "inbox"
    quarantine_folder: str = "Quarantine"
    ca_file: str = ""
    processed_category: str = "MQ Processed"
    quarantine_category: str = "MQ Quarantined"
    page_size: int = Field(default=50, ge=1, le=1000)
    download_mime: bool = True
    timeout_seconds: float = Field(default=30.0, gt=0, le=600)


class EwsConfig(_Section):
    service_endpoint: str
    auth: Literal["oauth", "ntlm", "basic"] = "oauth"
    username_env: str = ""
    password_env: str = ""
    tenant_id: str = ""
    client_id: str = ""
    authority_host: str = "https://login.microsoftonline.com"
    certificate_path: str = ""
    certificate_thumbprint: str = ""
    certificate_password_env: str = ""
    client_secret_env: str = ""
    access: Literal["impersonation", "delegate"] = "impersonation"
    server_version: str = "15.1.2507.6"
    quarantine_folder: str = "Quarantine"
    ca_file: str = ""
    processed_category: str = "MQ Processed"
    quarantine_category: str = "MQ Quarantined"
    max_wait_seconds: int = Field(default=30, ge=0, le=3600)
    timeout_seconds: float = Field(default=60.0, gt=0, le=600)


class RetryConfig(_Section):
    """Back-off for throttling and busy servers; the numbers are the council's to tune."""

    max_attempts: int = Field(default=4, ge=1, le=20)
    base_delay_seconds: float = Field(default=2.0, ge=0, le=600)
    max_delay_seconds: float = Field(default=60.0, ge=0, le=3600)
    ceiling_seconds: float = Field(default=180.0, ge=0, le=3600)


class MailboxConfig(_Section):
    address: str
    # Other addresses that deliver into the same mailbox ("memberqueries@" beside
    # "ymholiadau.aelodau@", an old domain kept after a rename): never a third party, and
    # mail from them is the bot's own, as from ``address``.
    aliases: list[str] = []
    backend: Literal["maildir", "imap", "ews", "graph"] = "maildir"
    path: Path | None = None
    name: str = ""
    on_first_start: Literal["record", "ignore", "process"] = "record"
    imap: ImapConfig | None = None
    graph: GraphConfig | None = None
    ews: EwsConfig | None = None
    retry: RetryConfig = RetryConfig()

    @field_validator("address")
    @classmethod
    def _lower_address(cls, value: str) -> str:
        if "@" not in value:
            raise ValueError(f"not an email address: {value!r}")
        return value.strip().lower()

    @field_validator("aliases")
    @classmethod
    def _lower_aliases(cls, values: list[str]) -> list[str]:
        return [cls._lower_address(v) for v in values]


class RosterConfig(_Section):
    roster: Path


class DeadlinesConfig(_Section):
    profile: str = "section17"
    response_working_days: int | None = Field(default=None, ge=1, le=60)
    acknowledge_working_days: int | None = Field(default=None, ge=0, le=20)
    interim_stops_clock: bool | None = None
    reminder_working_days_before: int | None = Field(default=None, ge=0, le=20)
    escalate_working_days_after: int | None = Field(default=None, ge=0, le=20)


class StorageConfig(_Section):
    url: str = "sqlite:///mqtriage.db"
    excerpt_chars: int = Field(default=280, ge=0, le=5000)
    keep_bodies: bool = False
    retention_days: int = Field(default=730, ge=1)


class BotConfig(_Section):
    mode: Mode = "shadow"
    max_attempts: int = Field(default=3, ge=1, le=20)
    poll_interval_seconds: int = Field(default=60, ge=1)  # 1 s is for tests; 30–120 s in production
    batch_size: int = Field(default=200, ge=1, le=10000)
    send_acknowledgements: bool = False
    warnings_per_member_per_day: int = Field(default=3, ge=0)
    templates_dir: Path | None = None
    signature: str = "Democratic Services"


class ClassifiersConfig(_Section):
    model: Path | None = None
    base_pipeline: str = ""
    # Per-label decision thresholds over the model's own (chosen on the corpus): a
    # council whose mail has fewer interests or complaints than the corpus sets them
    # from its own labelled history (`mqtriage evaluate --suggest-thresholds`).
    thresholds: dict[Literal["enquiry", "personal_interest", "complaint"], Annotated[float, Field(gt=0, lt=1)]] = {}


class RouteConfig(_Section):
    name: str = ""
    mailbox: str = ""
    manager: str = ""
    cues: list[str] = []


class ProtocolRouteConfig(_Section):
    """Overrides for one built-in protocol route (``[routing.protocol.<rule-name>]``).

    Unset keys keep the rule's defaults; ``notify`` and ``cues`` replace the built-in
    lists when given (``[]`` clears them), ``extra_cues`` adds to them. ``notify`` and
    ``mailbox`` take addresses or roster roles (``monitoring_officer``, ``s151_officer``,
    ``chief_executive``, ``leader``).
    """

    enabled: bool = True
    service: str = ""
    mailbox: str = ""
    manager: str = ""
    notify: list[str] | None = None
    cues: list[str] | None = None
    extra_cues: list[str] = []


class RoutingConfig(_Section):
    default_route: str = "democratic_services"
    triage_mailbox: str = ""
    services: dict[str, RouteConfig] = {}
    # The order of the routing chain by rule name (``mqtriage rules list``); empty keeps
    # the built-in order. Rules left out are not used; the default route always ends it.
    chain: list[str] = []
    protocol: dict[str, ProtocolRouteConfig] = {}


class WarningsConfig(_Section):
    protocol_name: str = "the Member/Officer Protocol"
    third_party_paragraph: str = ""
    personal_address_paragraph: str = ""
    personal_interest_paragraph: str = ""
    complaint_paragraph: str = ""


class LoggingConfig(_Section):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    format: Literal["text", "json"] = "text"
    redact_addresses: bool = True


class HealthConfig(_Section):
    enabled: bool = True
    listen: str = "127.0.0.1"
    port: int = Field(default=9464, ge=0, le=65535)
    max_poll_age_seconds: int = Field(default=600, ge=2)


class SchedulerConfig(_Section):
    """How ``mqtriage run`` schedules work. Read from the main config only (see ``also_serve``)."""

    also_serve: list[Path] = []  # other councils' or departments' config files served by this deployment
    worker_name: str = ""  # shown as the lease holder; default host:pid
    lease_seconds: int = Field(default=60, ge=2, le=3600)  # a dead worker's mailboxes are taken over after this
    stop_timeout_seconds: int = Field(default=30, ge=1, le=600)  # SIGTERM: finish the message in hand within this
    max_backoff_seconds: int = Field(default=300, ge=1, le=3600)  # ceiling of the pause after repeated poll failures
    reminders_at: time = time(8, 30)  # working days, council time zone
    retention_at: time = time(2, 30)  # nightly, council time zone


class SlaConfig(_Section):
    summary_to: str = ""  # Democratic Services; empty = no weekly summary
    summary_day: Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"] = "mon"
    summary_at: time = time(7, 0)
    months: int = Field(default=6, ge=1, le=36)  # months of receipt covered by the summary

    @field_validator("summary_to")
    @classmethod
    def _address(cls, value: str) -> str:
        if value and "@" not in value:
            raise ValueError(f"not an email address: {value!r}")
        return value.strip().lower()


class WebConfig(_Section):
    enabled: bool = False
    listen: str = "127.0.0.1"
    port: int = Field(default=8080, ge=0, le=65535)
    entra_tenant_id: str = ""
    entra_client_id: str = ""
    entra_client_secret_env: str = ""
    roles_file: Path | None = None  # TOML: democratic_services = [...], [service_managers] "name@x" = ["planning"]
    # The dashboard (bot/web); entra_* together or not at all (checked when it starts).
    entra_authority_host: str = "https://login.microsoftonline.com"
    entra_ca_file: str = ""  # a TLS-inspecting proxy's CA, as for the mailbox backends
    public_url: str = ""  # how people reach it, e.g. https://mq.council.gov.uk (Entra redirect URI: + /auth/callback)
    trusted_proxies: int = Field(default=0, ge=0, le=5)  # reverse proxies in front whose X-Forwarded-* to believe
    secret_key_env: str = ""  # names the variable with the cookie-signing key; empty = a new key each start
    session_minutes: int = Field(default=480, ge=5, le=1440)
    secure_cookies: bool | None = None  # None: Secure cookies unless plain http on a loopback address
    page_size: int = Field(default=50, ge=10, le=500)
    democratic_services: list[str] = []  # sign-in names who see every case (also from roles_file)
    service_managers: dict[str, list[str]] = {}  # sign-in name -> services whose cases they see

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if value and not value.startswith(("https://", "http://127.0.0.1", "http://localhost", "http://[::1]")):
            raise ValueError(f"must be an https:// address (or loopback http), got {value!r}")
        return value


class Config(_Section):
    council: CouncilConfig
    mailbox: MailboxConfig
    members: RosterConfig
    officers: RosterConfig
    deadlines: DeadlinesConfig = DeadlinesConfig()
    storage: StorageConfig = StorageConfig()
    bot: BotConfig = BotConfig()
    classifiers: ClassifiersConfig = ClassifiersConfig()
    routing: RoutingConfig = RoutingConfig()
    warnings: WarningsConfig = WarningsConfig()
    logging: LoggingConfig = LoggingConfig()
    health: HealthConfig = HealthConfig()
    web: WebConfig = WebConfig()
    scheduler: SchedulerConfig = SchedulerConfig()
    sla: SlaConfig = SlaConfig()
    # Set by the loader, not by the file:
    source: Annotated[Path, Field(exclude=True)] = Path("config.toml")

    @property
    def base_dir(self) -> Path:
        return self.source.parent

    def resolve(self, path: Path | str) -> Path:
        path = Path(path)
        return path if path.is_absolute() else (self.base_dir / path)


def load_config(path: str | Path) -> Config:
    """Read, validate and resolve ``path``; raise :class:`ConfigError` on any problem."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found") from None
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a folder, expected a TOML file") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    if "source" in data:
        raise ConfigError(f"{path}: source: unknown key")
    try:
        config = Config.model_validate({**data, "source": path.resolve()})
    except ValidationError as exc:
        raise ConfigError(_describe(path, exc)) from None
    _check_files(config)
    _check_backend_section(config)
    return config


def _describe(path: Path, exc: ValidationError) -> str:
    first = exc.errors()[0]
    key = ".".join(str(part) for part in first["loc"]) or "(top level)"
    kind = first["type"]
    if kind == "extra_forbidden":
        hint = "unknown key"
        if any(w in key.lower() for w in ("password", "secret", "token")):
            hint += " (secrets are never read from the config file: name an environment variable in a *_env key)"
        problem = hint
    elif kind == "missing":
        problem = "required key is missing"
    else:
        problem = first["msg"]
    more = f" (and {len(exc.errors()) - 1} more problem(s))" if len(exc.errors()) > 1 else ""
    return f"{path}: {key}: {problem}{more}"


def _check_files(config: Config) -> None:
    for key, rel in (("members.roster", config.members.roster), ("officers.roster", config.officers.roster)):
        if not config.resolve(rel).is_file():
            raise ConfigError(f"{config.source}: {key}: file not found: {config.resolve(rel)}")
    if config.bot.templates_dir and not config.resolve(config.bot.templates_dir).is_dir():
        raise ConfigError(f"{config.source}: bot.templates_dir: folder not found: {config.resolve(config.bot.templates_dir)}")


def _check_backend_section(config: Config) -> None:
    backend = config.mailbox.backend
    if backend == "maildir" and config.mailbox.path is None:
        raise ConfigError(f"{config.source}: mailbox.path: required for the maildir backend")
    if backend in ("imap", "graph", "ews") and getattr(config.mailbox, backend) is None:
        raise ConfigError(f"{config.source}: mailbox.{backend}: section [mailbox.{backend}] is required for the {backend} backend")
