"""``mqtriage doctor`` through the CLI, against the real servers and the protocol fakes."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from bot.cli import main

from .conftest import EWS_PASSWORD_ENV, EWS_USER_ENV, IMAP_PASSWORD_ENV, MAILBOX, write_config


def _doctor(config: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["-c", str(config), "doctor", *args])
    return result.exit_code, result.output


def _graph_config(tmp_path: Path, fake, tls, secret_env: str = "") -> Path:  # type: ignore[no-untyped-def]
    credential = f'client_secret_env = "{secret_env}"' if secret_env else f'certificate_path = "{tls.app_pem}"'
    return write_config(tmp_path, "graph", f"""
        tenant_id = "{fake.tenant}"
        client_id = "{fake.client_id}"
        authority_host = "{fake.authority_host}"
        graph_url = "{fake.graph_url}"
        {credential}
        ca_file = "{tls.ca}"
    """)


def test_graph_all_checks_pass_and_send_goes_to_the_mailbox_itself(graph_fake, tls, tmp_path) -> None:  # type: ignore[no-untyped-def]
    code, out = _doctor(_graph_config(tmp_path, graph_fake, tls))
    assert code == 0, out
    for step in ("authenticate", "read", "draft", "mark", "send"):
        assert f"ok   {step}" in out
    assert [s["to"] for s in graph_fake.sent] == [[MAILBOX]]


def test_graph_403_on_read_names_mail_readwrite_in_the_rbac_scope(graph_fake, tls, tmp_path) -> None:  # type: ignore[no-untyped-def]
    graph_fake.denied.add(r"GET mailFolders/.*/messages/delta")
    code, out = _doctor(_graph_config(tmp_path, graph_fake, tls), "--no-send")
    assert code == 1
    assert "FAIL read" in out
    assert "lacks Mail.ReadWrite in the RBAC for Applications scope of memberqueries@brackenford.gov.uk" in out
    assert "Application Mail.ReadWrite" in out and "-    send" in out


def test_graph_403_on_send_names_mail_send(graph_fake, tls, tmp_path) -> None:  # type: ignore[no-untyped-def]
    graph_fake.denied.add(r"POST messages/\{id\}/send")
    code, out = _doctor(_graph_config(tmp_path, graph_fake, tls))
    assert code == 1 and "ok   draft" in out and "FAIL send" in out
    assert "lacks Mail.Send in the RBAC for Applications scope" in out


def test_graph_wrong_secret_explains_the_aadsts_code(graph_fake, tls, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("MQ_DOCTOR_SECRET", "the-secret-id-not-its-value")
    code, out = _doctor(_graph_config(tmp_path, graph_fake, tls, secret_env="MQ_DOCTOR_SECRET"))
    assert code == 1 and "FAIL authenticate" in out
    assert "AADSTS7000215" in out and "Value, not its ID" in out


def test_imap_wrong_password_and_missing_smtp(dovecot, imap_user, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    section = f"""
        host = "127.0.0.1"
        port = {dovecot.port}
        tls = "none"
        username = "{imap_user}"
        password_env = "{IMAP_PASSWORD_ENV}"
    """
    config = write_config(tmp_path, "imap", section)
    code, out = _doctor(config)
    assert code == 1 and "ok   mark" in out and "FAIL send" in out
    assert "Set mailbox.imap.smtp_host" in out
    monkeypatch.setenv(IMAP_PASSWORD_ENV, "wrong")
    code, out = _doctor(config, "--no-send")
    assert code == 1 and "FAIL authenticate" in out
    assert f"The IMAP server refused '{imap_user}': check the password in ${IMAP_PASSWORD_ENV}" in out


def test_ews_impersonation_refused_names_the_role(ews_fake, tmp_path) -> None:  # type: ignore[no-untyped-def]
    ews_fake.mailbox = "someone.else@brackenford.gov.uk"
    config = write_config(tmp_path, "ews", f"""
        service_endpoint = "{ews_fake.endpoint}"
        auth = "basic"
        username_env = "{EWS_USER_ENV}"
        password_env = "{EWS_PASSWORD_ENV}"
        max_wait_seconds = 1
    """)
    code, out = _doctor(config, "--no-send")
    assert code == 1 and "FAIL authenticate" in out
    assert "may not impersonate memberqueries@brackenford.gov.uk" in out and "ApplicationImpersonation" in out
