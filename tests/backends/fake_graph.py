"""A protocol fake for Microsoft Entra ID (token endpoint) and the Graph mail API.

Bodies follow Microsoft's documentation: the OpenID configuration document, the
client-credentials token response and its ``invalid_client``/AADSTS errors; message
delta rounds (``@odata.nextLink`` pages, ``@odata.deltaLink`` at the end, ``@removed``
entries, 410 ``SyncStateNotFound``), createReply, send, move, PATCH, mailFolders and
``singleValueExtendedProperties`` filters, and the ``{"error": {"code", "message"}}``
envelope with Retry-After on 429/503. It is strict where the real service is strict
(authorization, the documented $filter forms, writable properties) and it records every
request so tests can assert on headers such as ``Prefer: IdType="ImmutableId"``.

Client certificates are checked for real: the JWT client assertion msal signs is
verified against the registered certificate's public key, audience and thumbprint.
"""

from __future__ import annotations

import base64
import email
import email.policy
import email.utils
import hashlib
import itertools
import json
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.message import EmailMessage
from typing import Any
from urllib.parse import parse_qs, quote

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from .fake_http import FakeServer, Request, Response

GRAPH_AUDIENCE = "https://graph.microsoft.com"
EWS_AUDIENCE = "https://outlook.office365.com"
WELL_KNOWN = {"inbox": "Inbox", "drafts": "Drafts", "sentitems": "Sent Items", "deleteditems": "Deleted Items", "msgfolderroot": "Top of Information Store"}
WRITABLE = {"categories", "flag", "subject", "body", "toRecipients", "ccRecipients", "bccRecipients", "singleValueExtendedProperties", "importance", "isRead"}
_ids = itertools.count(1)


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def new_id() -> str:
    # Shaped like Exchange's base64 ImmutableIds (with '-' and '_' and a trailing '=').
    return "AAkALgAAAAAAHYQDEapmEc2byACqAC-EWg0A" + _b64url(f"mq-{next(_ids):06d}-{secrets.token_hex(4)}".encode()) + "AAA="


def graph_error(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> Response:
    body = {"error": {"code": code, "message": message, "innerError": {"date": _now(), "request-id": secrets.token_hex(8), "client-request-id": secrets.token_hex(8)}}}
    return Response(status, json.dumps(body).encode(), {"Content-Type": "application/json", **(headers or {})})


def ok(payload: Any, status: int = 200) -> Response:
    return Response(status, json.dumps(payload).encode(), {"Content-Type": "application/json; odata.metadata=minimal; odata.streaming=true; IEEE754Compatible=false; charset=utf-8"})


@dataclass
class Fault:
    method: str
    path_re: str
    status: int
    code: str
    message: str
    headers: dict[str, str]
    remaining: int


@dataclass
class FakeMessage:
    id: str
    folder: str
    raw: bytes | None
    fields: dict[str, Any]
    categories: list[str] = field(default_factory=list)
    props: dict[str, str] = field(default_factory=dict)  # lower-cased property id → value
    is_draft: bool = False
    changed: int = 0


class GraphFake:
    def __init__(self, tls: Any, *, mailbox: str, tenant: str = "6f1e2d3c-0000-4000-8000-00000000c0c1",
                 client_id: str = "11111111-2222-3333-4444-555555555555", secret: str | None = None, client_cert_pem: bytes | None = None) -> None:
        self.mailbox = mailbox.lower()
        self.tenant = tenant
        self.client_id = client_id
        self.secret = secret
        self.client_cert = x509.load_pem_x509_certificate(client_cert_pem) if client_cert_pem else None
        self.lock = threading.RLock()
        self.server = FakeServer(self.handle, tls)
        self.folders: dict[str, str] = {f"folder-{k}": v for k, v in WELL_KNOWN.items()}  # id → displayName
        self.well_known = {k: f"folder-{k}" for k in WELL_KNOWN}
        self.messages: dict[str, FakeMessage] = {}
        self.left: list[tuple[str, str, int]] = []  # (message id, folder it left, seq)
        self.seq = 0
        self.min_delta = 0  # delta/skip tokens from before this seq answer 410
        self.tokens: dict[str, tuple[float, str]] = {}  # access token → (expiry, audience)
        self.token_requests = 0
        self.credential_revoked = False
        self.requests: list[Request] = []
        self.faults: list[Fault] = []
        self.denied: set[str] = set()  # operations answered 403 (RBAC scope missing)
        self.sent: list[dict[str, Any]] = []

    # --- test controls -------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return self.server.base_url

    @property
    def authority_host(self) -> str:
        return self.server.base_url

    @property
    def graph_url(self) -> str:
        return self.server.base_url + "/v1.0"

    def start(self) -> "GraphFake":
        self.server.start()
        return self

    def stop(self) -> None:
        self.server.stop()

    def deliver(self, raw: bytes, folder: str = "inbox", categories: list[str] | None = None, received: str | None = None) -> str:
        """A message arrives: its JSON properties are read from the MIME, as Exchange would."""
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        item = FakeMessage(id=new_id(), folder=self.well_known.get(folder, folder), raw=raw, categories=list(categories or []), fields={
            "receivedDateTime": received or _now(),
            "sentDateTime": received or _now(),
            "subject": str(msg["subject"] or ""),
            "internetMessageId": str(msg["message-id"] or ""),
            "conversationId": "AAQkAGI2" + hashlib.sha1(str(msg["subject"] or "").encode()).hexdigest()[:16],
            "from": _recipients(str(msg["from"] or ""))[:1] or None,
            "toRecipients": _recipients(str(msg["to"] or "")),
            "ccRecipients": _recipients(str(msg["cc"] or "")),
            "internetMessageHeaders": [{"name": k, "value": str(v)} for k, v in msg.items()],
            "uniqueBody": {"contentType": "text", "content": _text_of(msg)},
        })
        item.fields["from"] = item.fields["from"][0] if item.fields["from"] else None
        item.fields["sender"] = item.fields["from"]
        with self.lock:
            self._touch(item)
            self.messages[item.id] = item
        return item.id

    def fail(self, method: str, path_re: str, status: int, code: str, message: str = "", headers: dict[str, str] | None = None, times: int = 1) -> None:
        self.faults.append(Fault(method, path_re, status, code, message or code, headers or {}, times))

    def expire_sync_state(self) -> None:
        with self.lock:
            self.seq += 1
            self.min_delta = self.seq

    def expire_access_tokens(self) -> None:
        with self.lock:
            self.tokens = {t: (0.0, aud) for t, (_, aud) in self.tokens.items()}

    def in_folder(self, folder: str) -> list[FakeMessage]:
        fid = self.well_known.get(folder, folder)
        if fid not in self.folders:
            fid = next((k for k, v in self.folders.items() if v == folder), fid)
        return [m for m in self.messages.values() if m.folder == fid]

    # --- dispatch ------------------------------------------------------------------
    def handle(self, req: Request) -> Response:
        with self.lock:
            self.requests.append(req)
            for fault in self.faults:
                if fault.remaining > 0 and fault.method == req.method and re.search(fault.path_re, req.path):
                    fault.remaining -= 1
                    return graph_error(fault.status, fault.code, fault.message, fault.headers)
            if req.path.endswith("/.well-known/openid-configuration"):
                return self.openid_configuration(req)
            if req.path.endswith("/oauth2/v2.0/token"):
                return self.token(req)
            if req.path.startswith("/v1.0/"):
                return self.graph(req)
        return graph_error(404, "UnknownPath", f"no route for {req.path}")

    # --- Entra ID ------------------------------------------------------------------
    def openid_configuration(self, req: Request) -> Response:
        tenant = req.path.split("/")[1]
        if tenant != self.tenant:
            return Response(400, json.dumps({"error": "invalid_tenant", "error_description": f"AADSTS90002: Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud."}).encode(), {"Content-Type": "application/json"})
        base = f"{self.base_url}/{self.tenant}"
        return ok({
            "token_endpoint": f"{base}/oauth2/v2.0/token",
            "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt", "client_secret_basic"],
            "jwks_uri": f"{base}/discovery/v2.0/keys",
            "response_modes_supported": ["query", "fragment", "form_post"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
            "scopes_supported": ["openid", "profile", "email", "offline_access"],
            "issuer": f"{base}/v2.0",
            "request_uri_parameter_supported": False,
            "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
            "device_authorization_endpoint": f"{base}/oauth2/v2.0/devicecode",
            "end_session_endpoint": f"{base}/oauth2/v2.0/logout",
            "tenant_region_scope": "EU",
            "cloud_instance_name": "microsoftonline.com",
        })

    def token(self, req: Request) -> Response:
        self.token_requests += 1
        form = {k: v[-1] for k, v in parse_qs(req.body.decode()).items()}
        if form.get("grant_type") != "client_credentials":
            return _aad_error(400, "unsupported_grant_type", "AADSTS70003: The app requested an unsupported grant type.")
        if form.get("client_id") != self.client_id:
            return _aad_error(400, "unauthorized_client", f"AADSTS700016: Application with identifier '{form.get('client_id')}' was not found in the directory '{self.tenant}'.")
        scope = form.get("scope", "")
        audience = scope.removesuffix("/.default")
        if audience not in (GRAPH_AUDIENCE, EWS_AUDIENCE):
            return _aad_error(400, "invalid_scope", f"AADSTS1002012: The provided value for scope {scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier.")
        if self.credential_revoked:
            return _aad_error(401, "invalid_client", "AADSTS7000222: The provided client secret keys for app are expired. Visit the Azure portal to create new keys for your app.")
        if "client_assertion" in form:
            problem = self._check_assertion(form)
            if problem:
                return _aad_error(401, "invalid_client", problem)
        elif self.secret is None or form.get("client_secret") != self.secret:
            return _aad_error(401, "invalid_client", f"AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{self.client_id}'.")
        token = "eyJ0eXAiOiJKV1QiLCJub25jZSI6" + secrets.token_urlsafe(24)
        self.tokens[token] = (time.time() + 3599, audience)
        return ok({"token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599, "access_token": token})

    def _check_assertion(self, form: dict[str, str]) -> str:
        if form.get("client_assertion_type") != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" or self.client_cert is None:
            return "AADSTS700027: Client assertion contains an invalid signature."
        try:
            head_b64, body_b64, sig_b64 = form["client_assertion"].split(".")
            header, claims = json.loads(_unb64url(head_b64)), json.loads(_unb64url(body_b64))
        except ValueError:
            return "AADSTS50027: JWT token is invalid or malformed."
        sha256_thumb = _b64url(self.client_cert.fingerprint(hashes.SHA256()))
        sha1_thumb = _b64url(self.client_cert.fingerprint(hashes.SHA1()))
        # msal pads its base64url thumbprints; Entra accepts both forms.
        if (header.get("x5t#S256") or "").rstrip("=") != sha256_thumb and (header.get("x5t") or "").rstrip("=") != sha1_thumb:
            return f"AADSTS700027: The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '{header.get('x5t#S256') or header.get('x5t')}']"
        signed = f"{head_b64}.{body_b64}".encode()
        alg = header.get("alg")
        pad = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.DIGEST_LENGTH) if alg == "PS256" else padding.PKCS1v15()
        try:
            self.client_cert.public_key().verify(_unb64url(sig_b64), signed, pad, hashes.SHA256())  # type: ignore[union-attr, call-arg]
        except InvalidSignature:
            return "AADSTS700027: Client assertion contains an invalid signature."
        if claims.get("aud") != f"{self.base_url}/{self.tenant}/oauth2/v2.0/token":
            return f"AADSTS700212: No matching federated identity record found for presented assertion audience '{claims.get('aud')}'."
        if claims.get("iss") != self.client_id or claims.get("sub") != self.client_id:
            return "AADSTS700021: Client assertion application identifier doesn't match 'client_id' parameter."
        if int(claims.get("exp", 0)) < time.time():
            return "AADSTS700024: Client assertion is not within its valid time range."
        return ""

    def valid_token(self, req: Request, audience: str) -> bool:
        auth = req.headers.get("authorization", "")
        if not auth.startswith("Bearer "):
            return False
        expiry, aud = self.tokens.get(auth[7:], (0.0, ""))
        return expiry > time.time() and aud == audience

    # --- Graph -----------------------------------------------------------------------
    def graph(self, req: Request) -> Response:
        if not self.valid_token(req, GRAPH_AUDIENCE):
            return graph_error(401, "InvalidAuthenticationToken", "Access token has expired or is not yet valid.",
                               {"WWW-Authenticate": 'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", error="invalid_token"'})
        if 'IdType="ImmutableId"' not in req.headers.get("prefer", ""):
            return graph_error(400, "FakeMissingImmutableIdPreference", "mqtriage must send Prefer: IdType=\"ImmutableId\" on every request")
        match = re.match(r"^/v1\.0/users/([^/]+)/(.*)$", req.path)
        if not match:
            return graph_error(400, "BadRequest", "Resource not found for the segment.")
        if match.group(1).lower() != self.mailbox:
            return graph_error(403, "ErrorAccessDenied", "Access is denied. Check credentials and try again.")
        rest = match.group(2)
        op = f"{req.method} {re.sub(r'messages/(?!delta$)[^/]+', 'messages/{id}', rest)}"
        if any(re.fullmatch(d, op) for d in self.denied):
            return graph_error(403, "ErrorAccessDenied", "Access is denied. Check credentials and try again.")
        folder_delta = re.fullmatch(r"mailFolders(?:/|\(')([^/']+)'?\)?/messages/delta", rest)
        if req.method == "GET" and folder_delta:
            return self.delta(req, folder_delta.group(1))
        if rest == "mailFolders":
            return self.list_folders(req) if req.method == "GET" else self.create_folder(req)
        one_folder = re.fullmatch(r"mailFolders/([^/]+)", rest)
        if one_folder and req.method == "GET":
            fid = self.well_known.get(one_folder.group(1).lower(), one_folder.group(1))
            if fid not in self.folders:
                return graph_error(404, "ErrorItemNotFound", "The specified object was not found in the store.")
            count = len([m for m in self.messages.values() if m.folder == fid])
            return ok({"id": fid, "displayName": self.folders[fid], "totalItemCount": count, "unreadItemCount": count})
        if rest == "messages":
            return self.search_messages(req) if req.method == "GET" else self.create_message(req)
        item = re.fullmatch(r"messages/([^/]+)(?:/(\$value|createReply|send|move))?", rest)
        if item:
            message = self.messages.get(item.group(1))
            if message is None:
                return graph_error(404, "ErrorItemNotFound", "The specified object was not found in the store.")
            action = item.group(2)
            if action is None and req.method == "GET":
                return ok(self.project(message, req.query.get("$select")))
            if action is None and req.method == "PATCH":
                return self.patch(message, req)
            if action == "$value" and req.method == "GET":
                return Response(200, message.raw or self.mime_of(message), {"Content-Type": "text/plain"})
            if action == "createReply" and req.method == "POST":
                return self.create_reply(message, req)
            if action == "send" and req.method == "POST":
                return self.send(message)
            if action == "move" and req.method == "POST":
                return self.move(message, req)
        return graph_error(400, "BadRequest", f"Unsupported request {req.method} {rest}")

    def project(self, m: FakeMessage, select: str | None, expand: str | None = None) -> dict[str, Any]:
        full = {"@odata.etag": f'W/"CQAAABYAAAC{m.changed:08d}"', "id": m.id, **m.fields, "categories": list(m.categories), "isDraft": m.is_draft,
                "parentFolderId": m.folder}
        if select:
            wanted = {s.strip() for s in select.split(",")} | {"id"}
            full = {k: v for k, v in full.items() if k in wanted or k.startswith("@")}
        # $expand=singleValueExtendedProperties($filter=id eq '...'): listed only on items that have it.
        expanded = re.fullmatch(r"singleValueExtendedProperties\(\$filter=id eq '([^']+)'\)", expand or "")
        if expanded and expanded.group(1).lower() in m.props:
            full["singleValueExtendedProperties"] = [{"id": expanded.group(1), "value": m.props[expanded.group(1).lower()]}]
        return full

    def _touch(self, m: FakeMessage) -> None:
        self.seq += 1
        m.changed = self.seq

    def delta(self, req: Request, folder: str) -> Response:
        fid = self.well_known.get(folder.lower(), folder)
        page_size = 10
        prefer = req.headers.get("prefer", "")
        size = re.search(r"odata\.maxpagesize=(\d+)", prefer)
        if size:
            page_size = int(size.group(1))
        # Like Graph, the links carry the first request's query options ($select, $expand,
        # $filter). A message delta takes one $filter: "receivedDateTime ge|gt {instant}".
        if "$skiptoken" in req.query:
            since, snapshot, offset, select, expand, flt = json.loads(_unb64url(req.query["$skiptoken"]))
        elif "$deltatoken" in req.query:
            since, select, expand, flt = json.loads(_unb64url(req.query["$deltatoken"]))
            snapshot, offset = self.seq, 0
        else:
            since, snapshot, offset, select, expand, flt = 0, self.seq, 0, req.query.get("$select"), req.query.get("$expand"), req.query.get("$filter")
        received = re.fullmatch(r"receivedDateTime (ge|gt) (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)", flt or "")
        if flt and not received:
            return graph_error(400, "ErrorInvalidUrlQueryFilter", "The query filter contains one or more invalid nodes.")

        def wanted(m: FakeMessage) -> bool:
            if not received:
                return True
            at = m.fields.get("receivedDateTime", "")
            return at >= received.group(2) if received.group(1) == "ge" else at > received.group(2)
        if since < self.min_delta and ("$skiptoken" in req.query or "$deltatoken" in req.query):
            return graph_error(410, "SyncStateNotFound", "The sync state generation is not found. The delta token is expired and data must be synchronized again.")
        changes: list[dict[str, Any]] = []
        for m in sorted(self.messages.values(), key=lambda x: x.changed):
            if m.folder == fid and since < m.changed <= snapshot and wanted(m):
                changes.append({"@odata.type": "#microsoft.graph.message", **self.project(m, select, expand)})
        if since:
            for mid, left_folder, seq in self.left:
                if left_folder == fid and since < seq <= snapshot and (mid not in self.messages or self.messages[mid].folder != fid):
                    changes.append({"@odata.type": "#microsoft.graph.message", "id": mid, "@removed": {"reason": "deleted"}})
        page = changes[offset:offset + page_size]
        base = f"{self.graph_url}/users/{quote(self.mailbox)}/mailFolders('{fid}')/messages/delta"
        body: dict[str, Any] = {"@odata.context": f"{self.graph_url}/$metadata#Collection(message)", "value": page}
        if offset + page_size < len(changes):
            body["@odata.nextLink"] = f"{base}?$skiptoken={_b64url(json.dumps([since, snapshot, offset + page_size, select, expand, flt]).encode())}"
        else:
            body["@odata.deltaLink"] = f"{base}?$deltatoken={_b64url(json.dumps([snapshot, select, expand, flt]).encode())}"
        return ok(body)

    def list_folders(self, req: Request) -> Response:
        flt = req.query.get("$filter", "")
        match = re.fullmatch(r"displayName eq '((?:[^']|'')*)'", flt)
        if flt and not match:
            return graph_error(400, "ErrorInvalidUrlQueryFilter", "The query filter contains one or more invalid nodes.")
        name = match.group(1).replace("''", "'") if match else None
        value = [{"id": k, "displayName": v} for k, v in self.folders.items() if name is None or v.lower() == name.lower()]
        return ok({"@odata.context": f"{self.graph_url}/$metadata#users('{self.mailbox}')/mailFolders", "value": value})

    def create_folder(self, req: Request) -> Response:
        name = json.loads(req.body)["displayName"]
        if name.lower() in (v.lower() for v in self.folders.values()):
            return graph_error(409, "ErrorFolderExists", "A folder with the specified name already exists.")
        fid = "folder-" + secrets.token_hex(6)
        self.folders[fid] = name
        return ok({"id": fid, "displayName": name, "parentFolderId": "folder-msgfolderroot", "childFolderCount": 0,
                   "unreadItemCount": 0, "totalItemCount": 0}, 201)

    def patch(self, m: FakeMessage, req: Request) -> Response:
        body = json.loads(req.body or b"{}")
        unknown = set(body) - WRITABLE
        if unknown:
            return graph_error(400, "ErrorInvalidPropertyUpdateSentAsUpdate", f"The property {sorted(unknown)[0]} cannot be updated.")
        if not m.is_draft and set(body) - {"categories", "flag", "isRead", "importance", "singleValueExtendedProperties"}:
            return graph_error(400, "ErrorInvalidPropertyUpdateSentAsUpdate", "Only draft messages can have their content changed.")
        for key, value in body.items():
            if key == "categories":
                m.categories = list(value)
            elif key == "singleValueExtendedProperties":
                for prop in value:
                    m.props[prop["id"].lower()] = prop["value"]
            else:
                m.fields[key] = value
        self._touch(m)
        return ok(self.project(m, None))

    def create_message(self, req: Request) -> Response:
        body = json.loads(req.body or b"{}")
        m = FakeMessage(id=new_id(), folder=self.well_known["drafts"], raw=None, is_draft=True, fields={
            "subject": body.get("subject", ""), "toRecipients": body.get("toRecipients", []), "ccRecipients": [], "bccRecipients": [],
            "body": body.get("body", {"contentType": "text", "content": ""}), "from": {"emailAddress": {"address": self.mailbox}},
            "receivedDateTime": _now(), "sentDateTime": _now(), "internetMessageId": f"<{secrets.token_hex(8)}@fake.prod.outlook.com>",
            "conversationId": "AAQkAGI2" + secrets.token_hex(8)})
        for prop in body.get("singleValueExtendedProperties", []):
            m.props[prop["id"].lower()] = prop["value"]
        self._touch(m)
        self.messages[m.id] = m
        return ok(self.project(m, None), 201)

    def create_reply(self, original: FakeMessage, req: Request) -> Response:
        body = json.loads(req.body or b"{}")
        if body.get("comment") and (body.get("message") or {}).get("body"):
            return graph_error(400, "ErrorInvalidRequest", "Cannot specify both comment and body in message.")
        sender = original.fields.get("from")
        m = FakeMessage(id=new_id(), folder=self.well_known["drafts"], raw=None, is_draft=True, fields={
            "subject": "RE: " + original.fields.get("subject", ""),
            "toRecipients": [sender] if sender else [], "ccRecipients": [], "bccRecipients": [],
            "body": {"contentType": "html", "content": "<html><body><hr><b>From:</b> ... quoted original ...</body></html>"},
            "from": {"emailAddress": {"address": self.mailbox}},
            "receivedDateTime": _now(), "sentDateTime": _now(), "conversationId": original.fields.get("conversationId"),
            "internetMessageId": f"<{secrets.token_hex(8)}@fake.prod.outlook.com>",
            "inReplyTo": original.fields.get("internetMessageId")})
        for prop in (body.get("message") or {}).get("singleValueExtendedProperties", []):
            m.props[prop["id"].lower()] = prop["value"]
        self._touch(m)
        self.messages[m.id] = m
        return ok(self.project(m, None), 201)

    def send(self, m: FakeMessage) -> Response:
        if not m.is_draft:
            return graph_error(400, "ErrorInvalidOperation", "Only drafts can be sent.")
        headers = {pid.split(" name ", 1)[1]: v for pid, v in m.props.items() if "{00020386-0000-0000-c000-000000000046}" in pid}
        self.sent.append({"to": [r["emailAddress"]["address"] for r in m.fields.get("toRecipients", [])],
                          "cc": [r["emailAddress"]["address"] for r in m.fields.get("ccRecipients", [])],
                          "subject": m.fields.get("subject"), "body": m.fields.get("body"), "headers": headers,
                          "in_reply_to": m.fields.get("inReplyTo")})
        # Sending creates a new item in Sent Items (ImmutableIds are not kept across a send).
        del self.messages[m.id]
        self.left.append((m.id, m.folder, self.seq + 1))
        copy = FakeMessage(id=new_id(), folder=self.well_known["sentitems"], raw=None, fields=dict(m.fields), props=dict(m.props), is_draft=False)
        self._touch(copy)
        self.messages[copy.id] = copy
        return Response(202)

    def move(self, m: FakeMessage, req: Request) -> Response:
        dest = json.loads(req.body)["destinationId"]
        fid = self.well_known.get(dest.lower(), dest)
        if fid not in self.folders:
            return graph_error(404, "ErrorItemNotFound", "The specified object was not found in the store.")
        old = m.folder
        m.folder = fid
        self._touch(m)
        self.left.append((m.id, old, m.changed))  # ImmutableId: the id survives the move
        return ok(self.project(m, None), 201)

    def search_messages(self, req: Request) -> Response:
        flt = req.query.get("$filter", "")
        match = re.fullmatch(r"singleValueExtendedProperties/Any\(ep: ep/id eq '([^']+)' and ep/value eq '([^']*)'\)", flt)
        if not match:
            return graph_error(400, "ErrorInvalidUrlQueryFilter", f"The query filter contains one or more invalid nodes: {flt}")
        pid, value = match.group(1).lower(), match.group(2)
        found = [m for m in self.messages.values() if m.props.get(pid) == value]
        values = [self.project(m, req.query.get("$select"), req.query.get("$expand")) for m in found]
        return ok({"@odata.context": f"{self.graph_url}/$metadata#users('{self.mailbox}')/messages", "value": values})

    def mime_of(self, m: FakeMessage) -> bytes:
        msg = EmailMessage()
        msg["Subject"] = m.fields.get("subject", "")
        msg["To"] = ", ".join(r["emailAddress"]["address"] for r in m.fields.get("toRecipients", []))
        msg.set_content(str((m.fields.get("body") or {}).get("content", "")))
        return bytes(msg)


def _aad_error(status: int, error: str, description: str) -> Response:
    trace = secrets.token_hex(8)
    body = {"error": error, "error_description": f"{description}\r\nTrace ID: {trace}\r\nCorrelation ID: {secrets.token_hex(8)}\r\nTimestamp: {_now()}",
            "error_codes": [int(re.search(r"AADSTS(\d+)", description).group(1))] if "AADSTS" in description else [],  # type: ignore[union-attr]
            "timestamp": _now(), "trace_id": trace, "correlation_id": secrets.token_hex(8)}
    return Response(status, json.dumps(body).encode(), {"Content-Type": "application/json; charset=utf-8"})


def _recipients(header: str) -> list[dict[str, Any]]:
    return [{"emailAddress": {"name": name, "address": addr}} for name, addr in email.utils.getaddresses([header]) if addr]


def _text_of(msg: Any) -> str:
    part = msg.get_body(preferencelist=("plain", "html"))
    return part.get_content() if part is not None else ""
