"""App-only tokens from Microsoft Entra ID with msal, for the Graph and EWS backends.

One :class:`TokenSource` holds one ``msal.ConfidentialClientApplication`` for the life
of the backend, so msal's token cache answers every call until the token is close to
expiry; building a new app per request would fetch a new token every time and soon be
throttled. The credential is a certificate (PEM with key and certificate, or a PFX) or
a client secret read from an environment variable. A refused credential becomes
:class:`AuthenticationFailed` at once, carrying Entra's AADSTS code and what it means.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import msal
import requests

from bot.backends.base import AuthenticationFailed, BackendError, TransientBackendError

GRAPH_SCOPE = "https://graph.microsoft.com/.default"
EWS_SCOPE = "https://outlook.office365.com/.default"
# Entra hosts msal knows; anything else (a sovereign cloud msal lacks, a test server) skips instance discovery.
KNOWN_AUTHORITY_HOSTS = frozenset({
    "login.microsoftonline.com", "login.microsoftonline.us", "login.chinacloudapi.cn",
    "login.partner.microsoftonline.cn", "login.microsoftonline.de", "login.windows.net", "login.microsoft.com",
})
# The AADSTS codes an IT officer is most likely to meet, and what to do about each.
AADSTS_HINTS = {
    "7000215": "the client secret is wrong (use the secret's Value, not its ID)",
    "7000222": "the client secret has expired: create a new one and update the environment variable",
    "700027": "the certificate is not (or no longer) registered on the app, or its thumbprint does not match",
    "700024": "the client assertion is not within its valid time range: check this server's clock",
    "700016": "no app with this client_id exists in the tenant (wrong client_id or tenant_id)",
    "90002": "the tenant_id does not exist",
    "7000112": "the application is disabled",
    "1003031": "the application has been blocked by the tenant administrator",
    "500011": "the resource (Graph or Exchange Online) is not available in this tenant",
}
_AADSTS = re.compile(r"AADSTS(\d+)")


class PinnedSession(requests.Session):
    """A requests session whose CA file is not overridden by REQUESTS_CA_BUNDLE/CURL_CA_BUNDLE.

    requests lets those environment variables replace ``verify`` on every call; a council
    that names ``ca_file`` (a TLS-inspecting proxy, a test) means that file.
    """

    def __init__(self, ca_file: str | None = None, timeout: float = 30.0) -> None:
        super().__init__()
        self._ca_file = ca_file
        self._timeout = timeout
        if ca_file:
            self.verify = ca_file

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        kwargs.setdefault("timeout", self._timeout)  # msal sets none when given its own session
        return super().request(method, url, *args, **kwargs)

    def merge_environment_settings(self, url: Any, proxies: Any, stream: Any, verify: Any, cert: Any) -> dict[str, Any]:
        settings = super().merge_environment_settings(url, proxies, stream, verify, cert)
        if self._ca_file:
            settings["verify"] = self._ca_file
        return settings


def client_credential(*, certificate_path: Path | None, certificate_thumbprint: str, certificate_password_env: str,
                      client_secret_env: str, section: str) -> Any:
    """msal's ``client_credential``: a certificate if configured, else the secret from the environment."""
    if certificate_path is not None:
        if not certificate_path.is_file():
            raise AuthenticationFailed(f"{section}.certificate_path: file not found: {certificate_path}")
        passphrase = os.environ.get(certificate_password_env, "") if certificate_password_env else ""
        if certificate_path.suffix.lower() in (".pfx", ".p12"):
            credential: dict[str, Any] = {"private_key_pfx_path": str(certificate_path)}
            if passphrase:
                credential["passphrase"] = passphrase
            return credential
        pem = certificate_path.read_text()
        if "PRIVATE KEY" not in pem:
            raise AuthenticationFailed(f"{section}.certificate_path: {certificate_path} holds no private key (expected a PEM with the key and the certificate, or a .pfx)")
        credential = {"private_key": pem}
        if passphrase:
            credential["passphrase"] = passphrase
        if "BEGIN CERTIFICATE" in pem:
            credential["public_certificate"] = pem  # msal derives the SHA-256 thumbprint from it
        elif certificate_thumbprint:
            credential["thumbprint"] = certificate_thumbprint.replace(":", "").replace(" ", "")
        else:
            raise AuthenticationFailed(f"{section}: {certificate_path} has no certificate in it; add it to the PEM or set certificate_thumbprint")
        return credential
    if client_secret_env:
        secret = os.environ.get(client_secret_env, "")
        if not secret:
            raise AuthenticationFailed(f"{section}.client_secret_env: environment variable {client_secret_env} is empty or missing")
        return secret
    raise AuthenticationFailed(f"{section}: configure certificate_path (recommended) or client_secret_env")


class TokenSource:
    """Client-credential tokens for one scope from one long-lived msal app. See module doc."""

    def __init__(self, *, tenant_id: str, client_id: str, authority_host: str, scope: str, credential: Any,
                 ca_file: str | None = None, timeout: float = 30.0) -> None:
        self.authority = f"{authority_host.rstrip('/')}/{tenant_id}"
        self.scope = scope
        self.client_id = client_id
        self.tenant_id = tenant_id
        self._credential = credential
        self._ca_file = ca_file
        self._timeout = timeout
        self._app: msal.ConfidentialClientApplication | None = None

    @property
    def app(self) -> msal.ConfidentialClientApplication:
        """Built on first use (msal reads the authority's metadata then), kept for the cache."""
        if self._app is not None:
            return self._app
        if not self.tenant_id or not self.client_id:
            raise AuthenticationFailed("tenant_id and client_id are required for app-only authentication")
        host = requests.utils.urlparse(self.authority).hostname or ""
        try:
            self._app = msal.ConfidentialClientApplication(
                self.client_id, client_credential=self._credential, authority=self.authority,
                http_client=PinnedSession(self._ca_file, self._timeout),
                instance_discovery=None if host in KNOWN_AUTHORITY_HOSTS else False,
            )
        except requests.RequestException as exc:
            raise TransientBackendError(f"Entra ID {self.authority}: cannot reach the authority: {type(exc).__name__}: {exc}") from exc
        except ValueError as exc:
            raise AuthenticationFailed(f"Entra ID {self.authority}: {exc} (check tenant_id and authority_host)") from exc
        return self._app

    def result(self) -> dict[str, Any]:
        """msal's answer (``access_token``, ``expires_in`` …); from the cache while still valid."""
        try:
            result = self.app.acquire_token_for_client(scopes=[self.scope])
        except requests.RequestException as exc:
            raise TransientBackendError(f"Entra ID token endpoint unreachable: {type(exc).__name__}: {exc}") from exc
        except ValueError as exc:
            raise BackendError(f"Entra ID {self.authority}: {exc}") from exc
        if result and "access_token" in result:
            return result
        raise _token_error(result or {}, self.client_id)

    def token(self) -> str:
        return str(self.result()["access_token"])

    def invalidate(self) -> None:
        """Forget cached tokens: the resource server rejected one before msal thought it expired."""
        if self._app is not None:
            self._app.remove_tokens_for_client()


def _token_error(result: dict[str, Any], client_id: str) -> BackendError:
    error = str(result.get("error", "unknown_error"))
    description = str(result.get("error_description", "")).split("\r\n")[0].split("\n")[0]
    if error in ("temporarily_unavailable", "server_error") or error.startswith("http_5"):
        return TransientBackendError(f"Entra ID is temporarily unavailable: {description or error}")
    match = _AADSTS.search(description)
    hint = AADSTS_HINTS.get(match.group(1), "") if match else ""
    return AuthenticationFailed(f"Entra ID refused app {client_id}: {error}: {description}" + (f" — {hint}" if hint else ""))
