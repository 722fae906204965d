"""Shared fixtures for the backend tests.

Real servers: Dovecot (IMAP) and aiosmtpd (SMTP) on free loopback ports.
Protocol fakes: Microsoft Graph + Entra ID token endpoint (HTTPS, self-signed
certificate generated here) and EWS (SOAP over HTTP) — see fake_graph.py, fake_ews.py.
Every backend is built with the fail-fast retry policy unless a test says otherwise.
"""

from __future__ import annotations

import email.utils
import itertools
import shutil
import textwrap
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

import pytest

from .mq_servers import PASSWORD, Dovecot, SmtpSink

REPO = Path(__file__).resolve().parents[2]
MAILBOX = "memberqueries@brackenford.gov.uk"
MEMBER = "cllr.rosalind.featherstone@brackenford.gov.uk"
RESIDENT = "lorna.haigh@hotmail.co.uk"
IMAP_PASSWORD_ENV = "MQ_TEST_IMAP_PASSWORD"
_users = itertools.count(1)


# --- messages --------------------------------------------------------------------
def enquiry(message_id: str = "<pothole-1@brackenford.gov.uk>", when: datetime | None = None, subject: str = "Pothole on Weir Road outside number 14") -> bytes:
    """A member's new enquiry with a resident copied in: the end-to-end scenario."""
    date = email.utils.format_datetime(when or datetime.now(timezone.utc))
    return textwrap.dedent(f"""\
        From: Cllr Rosalind Featherstone <{MEMBER}>
        To: Member Queries <{MAILBOX}>
        Cc: Lorna Haigh <{RESIDENT}>
        Subject: {subject}
        Date: {date}
        Message-ID: {message_id}
        MIME-Version: 1.0
        Content-Type: text/plain; charset=utf-8

        Dear Member Queries,

        A resident, Lorna Haigh (copied in), has reported a deep pothole on Weir Road
        outside number 14. Could highways please inspect it and let me know when it will
        be repaired?

        Kind regards,
        Cllr Rosalind Featherstone
        """).replace("\n", "\r\n").encode()


def plain(n: int, when: datetime | None = None) -> bytes:
    date = email.utils.format_datetime(when or datetime.now(timezone.utc))
    return (f"From: Someone <someone{n}@example.org>\r\nTo: {MAILBOX}\r\nSubject: message {n}\r\n"
            f"Date: {date}\r\nMessage-ID: <m{n}@example.org>\r\n\r\nBody {n}\r\n").encode()


def drain(fetch, cursor=None, limit=50):  # type: ignore[no-untyped-def]
    """Call a backend's ``fetch_new`` or ``fetch_sent`` until no page is left: (items, cursor, pages)."""
    items, pages = [], 0
    while True:
        batch = fetch(cursor, limit)
        items += batch.items
        cursor, pages = batch.cursor, pages + 1
        if not batch.more:
            return items, cursor, pages


def officer_reply(n: int) -> bytes:
    """An officer's reply to the member, as found in the Sent folder (for the case clock)."""
    return (f"From: Housing Officer <housing.officer@brackenford.gov.uk>\r\nTo: {MEMBER}\r\nSubject: Re: Pothole {n}\r\n"
            f"In-Reply-To: <pothole-{n}@brackenford.gov.uk>\r\nMessage-ID: <reply-{n}@brackenford.gov.uk>\r\n\r\nFixed on Monday.\r\n").encode()


# --- real servers -----------------------------------------------------------------
@pytest.fixture(scope="session")
def dovecot() -> Iterator[Dovecot]:
    if shutil.which("dovecot") is None:
        pytest.skip("dovecot is not installed (apt-get install -y dovecot-imapd)")
    server = Dovecot().start()
    yield server
    server.remove()


@pytest.fixture
def imap_user(dovecot: Dovecot, monkeypatch: pytest.MonkeyPatch) -> str:
    """A fresh, empty mailbox on the shared Dovecot for each test."""
    user = f"mq{next(_users)}"
    dovecot.add_user(user)
    monkeypatch.setenv(IMAP_PASSWORD_ENV, PASSWORD)
    return user


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    sink = SmtpSink().start()
    yield sink
    sink.stop()


@pytest.fixture
def imap_mailbox(dovecot: Dovecot, imap_user: str, smtp_sink: SmtpSink):  # type: ignore[no-untyped-def]
    from bot.backends.imap import ImapMailbox
    from bot.backends.smtp import SmtpSubmission

    box = ImapMailbox(
        address=MAILBOX, host="127.0.0.1", port=dovecot.port, tls="none", username=imap_user, password_env=IMAP_PASSWORD_ENV,
        smtp=SmtpSubmission(host="127.0.0.1", port=smtp_sink.port, tls="none", username="", password_env="", ssl_context=None),
        timeout=10,
    )
    yield box
    box.close()


# --- the pipeline, configured like config.example.toml -------------------------------
def write_config(tmp: Path, backend: str, section: str = "", mode: str = "draft", on_first_start: str = "record", extra: str = "") -> Path:
    """A council config in ``tmp`` for ``backend``; ``section`` is the [mailbox.<backend>] body."""
    shutil.copy(REPO / "demo" / "members.csv", tmp / "members.csv")
    shutil.copy(REPO / "demo" / "officers.csv", tmp / "officers.csv")
    source = (REPO / "config.example.toml").read_text()
    source = source.replace('backend = "maildir"', f'backend = "{backend}"')
    source = source.replace('path = "demo/mailbox"', 'path = "maildir"' if backend == "maildir" else "")
    source = source.replace('on_first_start = "process"', f'on_first_start = "{on_first_start}"')
    source = source.replace('"demo/members.csv"', '"members.csv"').replace('"demo/officers.csv"', '"officers.csv"')
    source = source.replace('url = "sqlite:///mqtriage.db"', 'url = "sqlite:///mqtriage-test.db"')
    source = source.replace('mode = "draft"', f'mode = "{mode}"')
    if section:
        source = source.replace("\n[members]", f"\n[mailbox.{backend}]\n{textwrap.dedent(section).strip()}\n\n[members]", 1)
    source += extra
    path = tmp / "config.toml"
    path.write_text(source)
    return path


class _DetectorCache:
    """spaCy loads once per session. Every config here uses the demo rosters and council, so
    the loaded detectors (which hold the directory) are the same for all of them."""

    value: Any = None


@pytest.fixture(scope="session")
def detector_cache() -> _DetectorCache:
    return _DetectorCache()


def services_for(config_path: Path, mailbox: Any, cache: _DetectorCache, clock: Any = None):  # type: ignore[no-untyped-def]
    from bot.config import load_config
    from bot.directory import load_directory
    from bot.services import build_services, utcnow
    from classifiers.pipeline import Detectors

    config = load_config(config_path)
    if cache.value is None:
        cache.value = Detectors.load(load_directory(config))
    return build_services(config, mailbox, clock=clock or utcnow, detectors=cache.value)


# --- TLS material and the Microsoft protocol fakes ------------------------------------
class TlsFiles:
    def __init__(self, directory: Path) -> None:
        self.dir = directory
        self.ca = directory / "ca.pem"  # what clients trust (ca_file)
        self.server_cert = directory / "server.pem"
        self.server_key = directory / "server.key"
        self.app_pem = directory / "app-credential.pem"  # the Entra app's key + certificate
        self.app_cert = directory / "app-cert.pem"
        self.other_app_pem = directory / "other-credential.pem"  # a certificate Entra does not know

    def server_context(self):  # type: ignore[no-untyped-def]
        import ssl

        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.server_cert, self.server_key)
        return context


def _make_tls(directory: Path) -> TlsFiles:
    import ipaddress
    from datetime import timedelta

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    files = TlsFiles(directory)
    now = datetime.now(timezone.utc)

    def key() -> rsa.RSAPrivateKey:
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)

    def pem_key(k: rsa.RSAPrivateKey) -> bytes:
        return k.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())

    ca_key = key()
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "mqtriage test CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(hours=1)).not_valid_after(now + timedelta(days=2))
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True, content_commitment=False, key_encipherment=False,
                                       data_encipherment=False, key_agreement=False, encipher_only=False, decipher_only=False), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
          .sign(ca_key, hashes.SHA256()))
    server_key = key()
    server = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])).issuer_name(ca_name)
              .public_key(server_key.public_key()).serial_number(x509.random_serial_number())
              .not_valid_before(now - timedelta(hours=1)).not_valid_after(now + timedelta(days=2))
              .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]), critical=False)
              .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
              .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
              .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
              .sign(ca_key, hashes.SHA256()))
    files.ca.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    files.server_cert.write_bytes(server.public_bytes(serialization.Encoding.PEM))
    files.server_key.write_bytes(pem_key(server_key))
    for path, cert_path in ((files.app_pem, files.app_cert), (files.other_app_pem, None)):
        app_key = key()
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "mqtriage Member Queries")])
        cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(app_key.public_key())
                .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(hours=1)).not_valid_after(now + timedelta(days=365))
                .sign(app_key, hashes.SHA256()))
        cert_pem = cert.public_bytes(serialization.Encoding.PEM)
        path.write_bytes(pem_key(app_key) + cert_pem)
        if cert_path is not None:
            cert_path.write_bytes(cert_pem)
    return files


@pytest.fixture(scope="session")
def tls(tmp_path_factory: pytest.TempPathFactory) -> TlsFiles:
    return _make_tls(tmp_path_factory.mktemp("tls"))


GRAPH_SECRET_ENV = "MQ_TEST_GRAPH_SECRET"
GRAPH_SECRET = "Zx8Q~not-a-real-secret-but-shaped-like-one.abc"


@pytest.fixture
def graph_fake(tls: TlsFiles, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    from .fake_graph import GraphFake

    monkeypatch.setenv(GRAPH_SECRET_ENV, GRAPH_SECRET)
    fake = GraphFake(tls.server_context(), mailbox=MAILBOX, secret=GRAPH_SECRET, client_cert_pem=tls.app_cert.read_bytes()).start()
    yield fake
    fake.stop()


def graph_mailbox(fake: Any, tls: TlsFiles, *, credential: Any = None, retry: Any = None, **kwargs: Any):  # type: ignore[no-untyped-def]
    import ssl

    import httpx

    from bot.backends.graph import GraphMailbox
    from bot.backends.msauth import GRAPH_SCOPE, TokenSource, client_credential
    from bot.backends.retry import FAIL_FAST

    if credential is None:
        credential = client_credential(certificate_path=tls.app_pem, certificate_thumbprint="", certificate_password_env="",
                                       client_secret_env="", section="mailbox.graph")
    tokens = TokenSource(tenant_id=fake.tenant, client_id=fake.client_id, authority_host=fake.authority_host, scope=GRAPH_SCOPE,
                         credential=credential, ca_file=str(tls.ca), timeout=10)
    http = httpx.Client(verify=ssl.create_default_context(cafile=str(tls.ca)), timeout=10)
    return GraphMailbox(address=MAILBOX, tokens=tokens, http=http, graph_url=fake.graph_url, retry=retry or FAIL_FAST, **kwargs)


EWS_USER_ENV, EWS_PASSWORD_ENV = "MQ_TEST_EWS_USER", "MQ_TEST_EWS_PASSWORD"
EWS_USER, EWS_PASSWORD = "BRACKENFORD\\svc-mqtriage", "ews-password-for-tests"


@pytest.fixture
def ews_fake(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    from .fake_ews import EwsFake

    monkeypatch.setenv(EWS_USER_ENV, EWS_USER)
    monkeypatch.setenv(EWS_PASSWORD_ENV, EWS_PASSWORD)
    fake = EwsFake(mailbox=MAILBOX, basic=(EWS_USER, EWS_PASSWORD)).start()
    yield fake
    fake.stop()


@pytest.fixture
def ews_oauth_fake(graph_fake: Any, tls: TlsFiles, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """EWS over HTTPS (OAuth refuses plain HTTP) accepting tokens from the Entra fake
    (audience https://outlook.office365.com). exchangelib's requests sessions trust the test
    CA through REQUESTS_CA_BUNDLE, as TESTING-NOTES advises."""
    from .fake_ews import EwsFake

    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tls.ca))

    def token_ok(token: str) -> bool:
        expiry, audience = graph_fake.tokens.get(token, (0.0, ""))
        import time

        return expiry > time.time() and audience == "https://outlook.office365.com"

    from exchangelib.protocol import BaseProtocol

    adapter = BaseProtocol.HTTP_ADAPTER_CLS  # EwsMailbox.from_config with ca_file replaces it process-wide
    fake = EwsFake(mailbox=MAILBOX, token_ok=token_ok, tls=tls.server_context()).start()
    yield fake
    fake.stop()
    BaseProtocol.HTTP_ADAPTER_CLS = adapter


def ews_mailbox(fake: Any, *, tokens: Any = None, max_wait: int = 1, retry: Any = None, **kwargs: Any):  # type: ignore[no-untyped-def]
    from exchangelib import BASIC, OAUTH2, Credentials

    from bot.backends.ews import EwsMailbox, MsalCredentials
    from bot.backends.retry import FAIL_FAST

    if tokens is not None:
        credentials, auth = MsalCredentials(tokens), OAUTH2
    else:
        credentials, auth = Credentials(EWS_USER, EWS_PASSWORD), BASIC
    return EwsMailbox(address=MAILBOX, service_endpoint=fake.endpoint, credentials=credentials, auth_type=auth,
                      max_wait_seconds=max_wait, timeout=10, retry=retry or FAIL_FAST, **kwargs)


def ews_tokens(graph_fake: Any, tls: TlsFiles):  # type: ignore[no-untyped-def]
    from bot.backends.msauth import EWS_SCOPE, TokenSource, client_credential

    credential = client_credential(certificate_path=tls.app_pem, certificate_thumbprint="", certificate_password_env="",
                                   client_secret_env="", section="mailbox.ews")
    return TokenSource(tenant_id=graph_fake.tenant, client_id=graph_fake.client_id, authority_host=graph_fake.authority_host,
                       scope=EWS_SCOPE, credential=credential, ca_file=str(tls.ca), timeout=10)
