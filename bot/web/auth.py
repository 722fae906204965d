"""Who may look: sign-in (Entra ID or a one-time local token), roles and CSRF.

Roles
    *Democratic Services* see every case; a *service manager* sees the cases routed to
    their services. Both come from ``[web] democratic_services`` / ``service_managers``
    in the config and from ``web.roles_file`` (TOML, the same two keys), re-read when the
    file changes, so removing someone takes effect on their next click. With Entra ID an
    app role in the ID token also counts: ``MQ.DemocraticServices`` or
    ``MQ.Service.<service key>``. Anyone else who signs in is told they have no access.

Sign-in
    With ``web.entra_tenant_id``/``entra_client_id``/``entra_client_secret_env`` set, the
    authorization-code flow of msal (``initiate_auth_code_flow`` then
    ``acquire_token_by_auth_code_flow``; state, nonce and PKCE are msal's). msal no longer
    validates ID tokens, so the claims that matter (audience, tenant, issuer, expiry) are
    checked here; the token itself came straight from the token endpoint over TLS.
    Without Entra, a one-time admin token is printed when the server starts; posting it
    on the sign-in page gives a Democratic Services session and spends the token.

CSRF
    One random token per session, in a hidden field of every POST form, compared in
    constant time; a POST from another site (``Sec-Fetch-Site: cross-site``) is refused
    before that. Filter forms are GET and change nothing, so they carry no token (a token
    in a URL would end up in history and proxy logs).
"""

from __future__ import annotations

import hmac
import logging
import os
import secrets
import threading
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Protocol

from bot.config import Config, ConfigError

log = logging.getLogger("mqtriage.web")

DEMOCRATIC_SERVICES = "democratic_services"
SERVICE_MANAGER = "service_manager"
LOCAL_ADMIN = "local-admin"
ENTRA_DS_ROLE = "MQ.DemocraticServices"
ENTRA_SERVICE_ROLE_PREFIX = "MQ.Service."


@dataclass(frozen=True)
class User:
    name: str  # sign-in name (UPN/email), or "local-admin"
    display: str
    role: str  # democratic_services | service_manager | "" (no access)
    services: frozenset[str] = frozenset()

    @property
    def sees_all(self) -> bool:
        return self.role == DEMOCRATIC_SERVICES

    @property
    def has_access(self) -> bool:
        return self.sees_all or (self.role == SERVICE_MANAGER and bool(self.services))

    def may_see(self, service: str) -> bool:
        return self.sees_all or service in self.services

    @property
    def role_text(self) -> str:
        if self.sees_all:
            return "Democratic Services"
        if self.role == SERVICE_MANAGER:
            return "Service manager: " + ", ".join(sorted(self.services))
        return "No access"


# --- roles ---------------------------------------------------------------------------
@dataclass
class Roles:
    """Config roles plus the roles file (re-read when its modification time changes)."""

    config: Config
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _stamp: float | None = None
    _file_ds: frozenset[str] = frozenset()
    _file_managers: dict[str, frozenset[str]] = field(default_factory=dict)

    @property
    def path(self) -> Path | None:
        web = self.config.web
        return self.config.resolve(web.roles_file) if web.roles_file else None

    def check(self) -> None:
        """Fail at start-up, naming the file, rather than at someone's first click."""
        self._reload(force=True)

    def _reload(self, force: bool = False) -> None:
        path = self.path
        if path is None:
            return
        try:
            stamp = path.stat().st_mtime
        except FileNotFoundError:
            raise ConfigError(f"{self.config.source}: web.roles_file: file not found: {path}") from None
        with self._lock:
            if not force and stamp == self._stamp:
                return
            ds, managers = _parse_roles(path)
            self._file_ds, self._file_managers, self._stamp = ds, managers, stamp

    def for_name(self, name: str, claim_roles: tuple[str, ...] = ()) -> tuple[str, frozenset[str]]:
        try:
            self._reload()
        except ConfigError as exc:  # a half-written file: keep the last good version
            log.error("roles: %s", exc)
        key = name.strip().lower()
        web = self.config.web
        ds = {n.lower() for n in web.democratic_services} | self._file_ds
        if key in ds or ENTRA_DS_ROLE in claim_roles:
            return DEMOCRATIC_SERVICES, frozenset()
        services = set(self._file_managers.get(key, frozenset()))
        for who, svc in web.service_managers.items():
            if who.lower() == key:
                services.update(s.lower() for s in svc)
        services.update(r[len(ENTRA_SERVICE_ROLE_PREFIX):].lower() for r in claim_roles if r.startswith(ENTRA_SERVICE_ROLE_PREFIX))
        if services:
            return SERVICE_MANAGER, frozenset(services)
        return "", frozenset()


def _parse_roles(path: Path) -> tuple[frozenset[str], dict[str, frozenset[str]]]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    unknown = set(data) - {DEMOCRATIC_SERVICES, "service_managers"}
    if unknown:
        raise ConfigError(f"{path}: {sorted(unknown)[0]}: unknown key (expected democratic_services or [service_managers])")
    ds = data.get(DEMOCRATIC_SERVICES, [])
    if not isinstance(ds, list) or not all(isinstance(x, str) for x in ds):
        raise ConfigError(f"{path}: democratic_services: expected a list of sign-in names")
    managers: dict[str, frozenset[str]] = {}
    for who, services in (data.get("service_managers") or {}).items():
        if isinstance(services, str):
            services = [services]
        if not isinstance(services, list) or not all(isinstance(x, str) for x in services):
            raise ConfigError(f"{path}: service_managers.{who}: expected a list of service keys")
        managers[who.lower()] = frozenset(s.lower() for s in services)
    return frozenset(x.lower() for x in ds), managers


# --- the one-time local token ------------------------------------------------------------
class LocalToken:
    """Printed once at start; the first correct post spends it. Guessing is throttled."""

    MAX_FAILURES = 10
    LOCKOUT_SECONDS = 60.0

    def __init__(self, token: str | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self._token: str | None = token or secrets.token_urlsafe(24)
        self._lock = threading.Lock()
        self._failures = 0
        self._locked_until = 0.0
        self._clock = clock

    @property
    def value(self) -> str | None:
        return self._token

    @property
    def spent(self) -> bool:
        return self._token is None

    def redeem(self, offered: str) -> str:
        """``"ok"``, ``"spent"``, ``"locked"`` or ``"wrong"``."""
        with self._lock:
            now = self._clock()
            if self._token is None:
                return "spent"
            if now < self._locked_until:
                return "locked"
            if hmac.compare_digest(offered.strip().encode(), self._token.encode()):
                self._token = None
                return "ok"
            self._failures += 1
            if self._failures >= self.MAX_FAILURES:
                self._failures = 0
                self._locked_until = now + self.LOCKOUT_SECONDS
            return "wrong"


# --- Entra ID --------------------------------------------------------------------------
class AuthCodeApp(Protocol):
    """The part of ``msal.ConfidentialClientApplication`` the dashboard uses."""

    def initiate_auth_code_flow(self, scopes: list[str], redirect_uri: str | None = None, **kwargs: Any) -> dict[str, Any]: ...

    def acquire_token_by_auth_code_flow(self, auth_code_flow: dict[str, Any], auth_response: dict[str, Any], **kwargs: Any) -> dict[str, Any]: ...


def entra_configured(config: Config) -> bool:
    web = config.web
    return bool(web.entra_tenant_id or web.entra_client_id or web.entra_client_secret_env)


def check_entra(config: Config) -> None:
    web = config.web
    if not entra_configured(config):
        return
    for key in ("entra_tenant_id", "entra_client_id", "entra_client_secret_env"):
        if not getattr(web, key):
            raise ConfigError(f"{config.source}: web.{key}: required when Entra sign-in is configured (set all three or none)")
    if not os.environ.get(web.entra_client_secret_env):
        raise ConfigError(f"{config.source}: web.entra_client_secret_env: environment variable {web.entra_client_secret_env} is not set")


def authority(config: Config) -> str:
    return f"{config.web.entra_authority_host.rstrip('/')}/{config.web.entra_tenant_id}"


def msal_app(config: Config) -> AuthCodeApp:
    """The real msal application (built once per server; sign-ins are rare)."""
    import msal

    from bot.backends.msauth import KNOWN_AUTHORITY_HOSTS, PinnedSession

    web = config.web
    host = web.entra_authority_host.split("//", 1)[-1].split("/", 1)[0].lower()
    return msal.ConfidentialClientApplication(
        web.entra_client_id,
        client_credential=os.environ.get(web.entra_client_secret_env, ""),
        authority=authority(config),
        http_client=PinnedSession(web.entra_ca_file or None, 30.0),
        instance_discovery=None if host in KNOWN_AUTHORITY_HOSTS else False,
        token_cache=msal.TokenCache(),
    )


class SignInError(Exception):
    """The identity provider's answer was not acceptable; the text is safe to show."""


def check_id_claims(config: Config, claims: dict[str, Any], now: float) -> str:
    """The sign-in name from ID token claims that msal decoded but did not validate."""
    web = config.web
    if claims.get("aud") != web.entra_client_id:
        raise SignInError("the sign-in was issued for another application")
    tenant = web.entra_tenant_id.lower()
    if tenant not in ("common", "organizations") and str(claims.get("tid", "")).lower() != tenant:
        raise SignInError("the account belongs to another organisation")
    issuer = str(claims.get("iss", ""))
    if claims.get("tid") and str(claims["tid"]).lower() not in issuer.lower():
        raise SignInError("the sign-in came from an unexpected issuer")
    if float(claims.get("exp", 0)) + 120 < now:
        raise SignInError("the sign-in has expired; please try again")
    name = claims.get("preferred_username") or claims.get("upn") or claims.get("email") or ""
    if not name:
        raise SignInError("the sign-in carried no user name")
    return str(name).lower()


# --- CSRF ------------------------------------------------------------------------------
def new_csrf_token() -> str:
    return secrets.token_urlsafe(32)


def csrf_ok(expected: str | None, offered: str | None) -> bool:
    if not expected or not offered:
        return False
    return hmac.compare_digest(expected.encode(), offered.encode())
