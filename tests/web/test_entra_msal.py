"""Sign-in through the real msal authorization-code flow against a fake Entra ID over TLS.

msal is not faked here: ``initiate_auth_code_flow`` builds the authorize URL (state,
hashed nonce, PKCE challenge) and ``acquire_token_by_auth_code_flow`` posts the code to
the token endpoint, which checks the client secret, the redirect URI and the PKCE
verifier, and answers with an ID token whose claims the dashboard then checks.
"""

from __future__ import annotations

import base64
import hashlib
import json
import time
from typing import Any, Iterator
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.backends.conftest import _make_tls
from tests.backends.fake_http import FakeServer, Request, Response
from tests.web.conftest import DS_USER, ENTRA_CLIENT, ENTRA_SECRET_ENV, ENTRA_TENANT, Site

SECRET = "Qp8~fake-entra-secret-for-tests"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _json(status: int, body: dict[str, Any]) -> Response:
    return Response(status, json.dumps(body).encode(), {"Content-Type": "application/json"})


class FakeEntra:
    """The two Entra endpoints a confidential client's code flow touches, and the browser's leg."""

    def __init__(self, tls: Any) -> None:
        self.server = FakeServer(self.handle, tls)
        self.codes: dict[str, dict[str, str]] = {}
        self.token_posts: list[dict[str, str]] = []
        self.user = DS_USER
        self.tenant_claim = ENTRA_TENANT

    @property
    def host(self) -> str:
        return self.server.base_url

    def handle(self, req: Request) -> Response:
        base = f"{self.host}/{ENTRA_TENANT}"
        if req.path == f"/{ENTRA_TENANT}/v2.0/.well-known/openid-configuration":
            return _json(200, {"issuer": f"{base}/v2.0", "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
                               "token_endpoint": f"{base}/oauth2/v2.0/token", "response_modes_supported": ["query", "form_post"],
                               "token_endpoint_auth_methods_supported": ["client_secret_post"]})
        if req.path == f"/{ENTRA_TENANT}/oauth2/v2.0/token" and req.method == "POST":
            return self.token({k: v[-1] for k, v in parse_qs(req.body.decode()).items()})
        return _json(404, {"error": "not_found"})

    def authorize(self, auth_uri: str) -> dict[str, str]:
        """What the user's browser and Entra's sign-in page do: return a code to the redirect URI."""
        query = {k: v[-1] for k, v in parse_qs(urlsplit(auth_uri).query).items()}
        assert auth_uri.startswith(f"{self.host}/{ENTRA_TENANT}/oauth2/v2.0/authorize?")
        assert query["client_id"] == ENTRA_CLIENT and query["response_type"] == "code"
        assert "openid" in query["scope"].split() and query["code_challenge_method"] == "S256"
        code = f"code-{len(self.codes) + 1}"
        self.codes[code] = query
        return {"code": code, "state": query["state"], "session_state": "x"}

    def token(self, form: dict[str, str]) -> Response:
        self.token_posts.append(form)
        request = self.codes.pop(form.get("code", ""), None)
        if form.get("grant_type") != "authorization_code" or request is None:
            return _json(400, {"error": "invalid_grant", "error_description": "AADSTS70008: The provided authorization code is invalid."})
        if form.get("client_id") != ENTRA_CLIENT or form.get("client_secret") != SECRET:
            return _json(401, {"error": "invalid_client", "error_description": "AADSTS7000215: Invalid client secret provided."})
        if form.get("redirect_uri") != request["redirect_uri"]:
            return _json(400, {"error": "invalid_grant", "error_description": "AADSTS50148: redirect_uri mismatch."})
        challenge = _b64(hashlib.sha256(form.get("code_verifier", "").encode()).digest())
        if challenge != request["code_challenge"]:
            return _json(400, {"error": "invalid_grant", "error_description": "AADSTS501481: The Code_Verifier does not match."})
        now = int(time.time())
        claims = {"aud": ENTRA_CLIENT, "iss": f"{self.host}/{self.tenant_claim}/v2.0", "tid": self.tenant_claim, "iat": now, "nbf": now,
                  "exp": now + 3600, "nonce": request["nonce"], "oid": "00000000-0000-0000-0000-0000000000aa", "sub": "s",
                  "name": "Helen Ruddock", "preferred_username": self.user, "ver": "2.0"}
        id_token = ".".join([_b64(json.dumps({"alg": "RS256", "typ": "JWT"}).encode()), _b64(json.dumps(claims).encode()), _b64(b"sig")])
        client_info = _b64(json.dumps({"uid": claims["oid"], "utid": self.tenant_claim}).encode())
        return _json(200, {"token_type": "Bearer", "scope": "openid profile email", "expires_in": 3600, "access_token": "at",
                           "id_token": id_token, "client_info": client_info})


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return _make_tls(tmp_path_factory.mktemp("entra-tls"))


@pytest.fixture
def entra(tls: Any) -> Iterator[FakeEntra]:
    fake = FakeEntra(tls.server_context())
    fake.server.start()
    yield fake
    fake.server.stop()


def _site(site: Site, entra: FakeEntra, tls: Any, monkeypatch: pytest.MonkeyPatch) -> Site:
    monkeypatch.setenv(ENTRA_SECRET_ENV, SECRET)
    web = site.config.web.model_copy(update={
        "entra_tenant_id": ENTRA_TENANT, "entra_client_id": ENTRA_CLIENT, "entra_client_secret_env": ENTRA_SECRET_ENV,
        "entra_authority_host": entra.host, "entra_ca_file": str(tls.ca)})
    return Site(site.config.model_copy(update={"web": web}), site.store, site.kind)


def test_real_msal_code_flow_signs_in(site: Site, entra: FakeEntra, tls: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    client = _site(site, entra, tls, monkeypatch).app().test_client()
    assert client.get("/cases").status_code == 302
    start = client.get("/signin/entra")
    assert start.status_code == 302
    flow_cookie = next(c for c in start.headers.getlist("Set-Cookie") if c.startswith("mq_entra_flow="))
    assert all(part in flow_cookie for part in ("Secure", "HttpOnly", "SameSite=None", "Path=/auth/callback", "Max-Age=600"))
    answer = entra.authorize(start.headers["Location"])
    assert entra.codes[answer["code"]]["redirect_uri"] == "http://localhost/auth/callback"
    assert entra.codes[answer["code"]]["response_mode"] == "form_post"
    back = client.post("/auth/callback", data=answer)  # as Entra's page posts it
    assert back.status_code == 302 and back.headers["Location"] == "/cases"
    assert entra.token_posts and "code_verifier" in entra.token_posts[0]
    page = client.get("/cases")
    assert page.status_code == 200 and "Helen Ruddock" in page.text and "Democratic Services" in page.text


def test_a_token_for_another_tenant_is_refused(site: Site, entra: FakeEntra, tls: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    entra.tenant_claim = "99999999-9999-9999-9999-999999999999"
    client = _site(site, entra, tls, monkeypatch).app().test_client()
    answer = entra.authorize(client.get("/signin/entra").headers["Location"])
    refused = client.post("/auth/callback", data=answer)
    assert refused.status_code == 403 and "another organisation" in refused.text
    assert client.get("/cases").status_code == 302


def test_a_replayed_or_forged_answer_is_refused(site: Site, entra: FakeEntra, tls: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    client = _site(site, entra, tls, monkeypatch).app().test_client()
    answer = entra.authorize(client.get("/signin/entra").headers["Location"])
    forged = dict(answer, state="not-the-state")
    assert client.post("/auth/callback", data=forged).status_code == 400
    assert client.post("/auth/callback", data=answer).status_code == 400  # the flow was used up
    assert not entra.token_posts  # msal refused before calling Entra
