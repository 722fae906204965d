"""Microsoft Graph (app-only, msal + httpx; no SDK) for Exchange Online.

Reading is the folder's delta query: the first round pages through the folder, every
later round returns only what changed. The cursor handed back is the round's
``@odata.nextLink`` while pages remain, then its ``@odata.deltaLink``; the runner stores
it only after the batch is recorded. A 410 (``syncStateNotFound``: Exchange dropped the
sync state) restarts the round from scratch with ``resync=True``; already-seen ids are
skipped by the store and mail older than the first poll is pre-existing, so nothing is
acknowledged twice. Every request says ``Prefer: IdType="ImmutableId"`` so that ids we
store survive moves between folders.

Delta returns a message again whenever it changes, including when we add our own
category: messages already carrying the processed or quarantined category are
dropped here, as the Maildir and IMAP backends skip their keywords.

The raw RFC 5322 bytes come from ``/messages/{id}/$value``, so the parser sees the same
thing on every backend. ``internetMessageHeaders`` and ``uniqueBody`` (neither is in the
default property set, so they are selected by name) let a message whose MIME Exchange
cannot produce still be triaged from its headers and new text; with
``download_mime = false`` that is the only path, saving one request per message.

Outgoing items carry their idempotency key as a named property in the
PS_INTERNET_HEADERS set (``X-MQ-Idempotency-Key``): Exchange turns it into that header
on the wire, and :meth:`GraphMailbox.find_outgoing` finds it in any folder with
``$filter=singleValueExtendedProperties/Any(...)`` — filtering on
``internetMessageHeaders`` is not supported by Graph. A second, private property records
how far creation got (``creating`` → ``draft`` / ``sending``), so a crash between
createReply and the PATCH that fills the body never leaves a half-made draft counted as
delivered.

Throttling (429) and unavailability (503 …) become :class:`TransientBackendError` with
the Retry-After value; the :class:`RetryPolicy` passed in decides whether to wait. A 401
drops the cached token and tries once more with a fresh one; a refused credential at
the token endpoint, a second 401, or a 403 stop the cycle at once.
"""

from __future__ import annotations

import base64

import email.policy
import email.utils
import logging
import ssl
from dataclasses import dataclass
from datetime import datetime, timezone
from email.message import EmailMessage
from typing import Any, Iterable
from urllib.parse import quote

import httpx

from bot.backends.base import (
    AuthenticationFailed, BackendError, CursorExpired, FetchBatch, Outgoing, PermissionDenied, RawItem, TransientBackendError,
)
from bot.backends.msauth import GRAPH_SCOPE, TokenSource, client_credential
from bot.backends.retry import FAIL_FAST, RetryPolicy

log = logging.getLogger("mqtriage.backends.graph")

PREFER_IMMUTABLE = 'IdType="ImmutableId"'
SELECT = ",".join((
    "id", "receivedDateTime", "sentDateTime", "categories", "conversationId", "internetMessageId", "isDraft",
    "subject", "from", "sender", "toRecipients", "ccRecipients", "internetMessageHeaders", "uniqueBody",
))
PS_INTERNET_HEADERS = "{00020386-0000-0000-C000-000000000046}"
KEY_PROP = f"String {PS_INTERNET_HEADERS} Name X-MQ-Idempotency-Key"
AUTO_SUBMITTED_PROP = f"String {PS_INTERNET_HEADERS} Name Auto-Submitted"
SUPPRESS_PROP = f"String {PS_INTERNET_HEADERS} Name X-Auto-Response-Suppress"
STATE_PROP = "String {6f0a3d0e-6c1b-4d49-9a53-1d4a9b0c7e21} Name MQState"
WELL_KNOWN_FOLDERS = frozenset({"inbox", "drafts", "sentitems", "deleteditems", "archive", "junkemail", "outbox", "msgfolderroot"})
TRANSIENT_STATUS = frozenset({429, 500, 502, 503, 504})


class ItemGone(BackendError):
    """404: the message was deleted or moved out of reach by a person."""


@dataclass(frozen=True, slots=True)
class _Found:
    id: str
    is_draft: bool
    state: str | None


class GraphMailbox:
    """See :class:`bot.backends.base.Mailbox`."""

    def __init__(
        self,
        *,
        address: str,
        tokens: TokenSource,
        http: httpx.Client,
        graph_url: str = "https://graph.microsoft.com/v1.0",
        name: str = "",
        folder: str = "inbox",
        quarantine_folder: str = "Quarantine",
        processed_category: str = "MQ Processed",
        quarantine_category: str = "MQ Quarantined",
        page_size: int = 50,
        download_mime: bool = True,
        retry: RetryPolicy = FAIL_FAST,
    ) -> None:
        self.address = address
        self.name = name or address
        self.tokens = tokens
        self.http = http
        self.graph_url = graph_url.rstrip("/")
        self.folder = folder
        self.quarantine_folder = quarantine_folder
        self.processed_category = processed_category
        self.quarantine_category = quarantine_category
        self.page_size = page_size
        self.download_mime = download_mime
        self.retry = retry
        self._categories: dict[str, list[str]] = {}  # from the last delta page: saves a GET per mark
        self._folder_ids: dict[str, str] = {}

    @classmethod
    def from_config(cls, config: Any, retry: RetryPolicy | None = None) -> "GraphMailbox":
        from bot.backends.factory import retry_policy_for

        s = config.mailbox.graph
        ca_file = str(config.resolve(s.ca_file)) if s.ca_file else None
        credential = client_credential(
            certificate_path=config.resolve(s.certificate_path) if s.certificate_path else None,
            certificate_thumbprint=s.certificate_thumbprint, certificate_password_env=s.certificate_password_env,
            client_secret_env=s.client_secret_env, section="mailbox.graph",
        )
        tokens = TokenSource(tenant_id=s.tenant_id, client_id=s.client_id, authority_host=s.authority_host, scope=GRAPH_SCOPE,
                             credential=credential, ca_file=ca_file, timeout=s.timeout_seconds)
        verify: Any = ssl.create_default_context(cafile=ca_file) if ca_file else True
        http = httpx.Client(verify=verify, timeout=s.timeout_seconds, headers={"User-Agent": "mqtriage"})
        return cls(address=config.mailbox.address, name=config.mailbox.name, tokens=tokens, http=http, graph_url=s.graph_url,
                   folder=s.folder, quarantine_folder=s.quarantine_folder, processed_category=s.processed_category,
                   quarantine_category=s.quarantine_category, page_size=s.page_size, download_mime=s.download_mime,
                   retry=retry or retry_policy_for(config))

    # --- reading ---------------------------------------------------------------
    def fetch_new(self, cursor: str | None, limit: int) -> FetchBatch:
        self._categories.clear()
        page, resync = self._delta_page(cursor, limit, self._initial_delta_url(), self.folder)
        items: list[RawItem] = []
        for entry in _changed(page):
            categories = list(entry.get("categories") or [])
            self._categories[entry["id"]] = categories
            if self.processed_category in categories or self.quarantine_category in categories:
                continue
            item = self._raw_item(entry)
            if item is not None:
                items.append(item)
        return self._batch(page, items, resync)

    def fetch_sent(self, cursor: str | None, limit: int, since: datetime | None = None) -> FetchBatch:
        """Officers' replies that left the mailbox (Sent Items), for the case clock.

        Optional (see ``bot.case_clock``): the Sent Items folder's own delta query, with
        the idempotency-key property expanded, so that our own acknowledgements and
        warnings are skipped here whatever MIME Exchange makes of them (one of them
        counted as an officer's reply would mark its case answered). A new round asks only
        for mail since ``since`` (the one ``$filter`` a message delta takes, and the links
        carry it on), so the first round does not page through years of Sent Items.
        """
        initial = self._initial_delta_url("sentitems", expand_key=True, received_since=since)
        page, resync = self._delta_page(cursor, limit, initial, "sentitems")
        items: list[RawItem] = []
        for entry in _changed(page):
            if _property(entry, KEY_PROP) is not None:
                continue  # our own automatic mail
            item = self._raw_item(entry, sent=True)
            if item is not None:
                items.append(item)
        return self._batch(page, items, resync)

    def _delta_page(self, cursor: str | None, limit: int, initial: str, folder: str) -> tuple[dict[str, Any], bool]:
        """One page of a folder's delta round: the stored link's, or a new round's if it expired."""
        prefer = (f"odata.maxpagesize={max(1, min(limit, self.page_size))}",)
        resync = False
        if cursor and httpx.URL(cursor).host != httpx.URL(self.graph_url).host:
            # The stored link would carry our bearer token to another host: never follow it.
            log.warning("stored delta link points at %s, not %s; starting a full resync", httpx.URL(cursor).host, httpx.URL(self.graph_url).host)
            cursor, resync = None, True
        try:
            page = self._json("GET", cursor or initial, what=f"{folder} delta query", prefer=prefer, delta=True)
        except CursorExpired as exc:
            log.warning("%s: delta state expired (%s); starting a full resync of the folder", folder, exc)
            page = self._json("GET", initial, what=f"{folder} delta query (resync)", prefer=prefer, delta=True)
            resync = True
        return page, resync

    @staticmethod
    def _batch(page: dict[str, Any], items: list[RawItem], resync: bool) -> FetchBatch:
        next_link, delta_link = page.get("@odata.nextLink"), page.get("@odata.deltaLink")
        if not (next_link or delta_link):
            raise BackendError("Graph delta page carried neither @odata.nextLink nor @odata.deltaLink")
        items.sort(key=lambda i: i.received or datetime.min.replace(tzinfo=timezone.utc))
        return FetchBatch(items=items, cursor=next_link or delta_link, resync=resync, more=bool(next_link))

    def fetch_one(self, backend_id: str) -> RawItem:
        entry = self._json("GET", self._msg(backend_id), what=f"read {backend_id}", params={"$select": SELECT})
        item = self._raw_item(entry)
        if item is None:
            raise ItemGone(f"Graph: message {backend_id} has gone")
        return item

    def _raw_item(self, entry: dict[str, Any], sent: bool = False) -> RawItem | None:
        item_id = entry["id"]
        # A sent reply counts from when it left; received mail from when it arrived.
        received = _parse_time(entry.get("sentDateTime") if sent else None) or _parse_time(entry.get("receivedDateTime"))
        raw: bytes | None = None
        if self.download_mime:
            try:
                raw = self._request("GET", self._msg(item_id) + "/$value", what=f"download {item_id}").content
            except ItemGone:
                return None
            except (TransientBackendError, AuthenticationFailed):
                raise
            except BackendError as exc:
                log.warning("Graph could not produce MIME for %s (%s); triaging from its headers and new text", item_id, exc)
        if raw is None:
            raw = mime_from_json(entry)
        return RawItem(backend_id=item_id, raw=raw, received=received)

    # --- marking ---------------------------------------------------------------
    def mark_processed(self, backend_id: str) -> None:
        categories = self._current_categories(backend_id)
        if self.processed_category in categories:
            return
        updated = [*categories, self.processed_category]
        self._request("PATCH", self._msg(backend_id), what=f"categorise {backend_id}", json={"categories": updated})
        self._categories[backend_id] = updated

    def quarantine(self, backend_id: str) -> None:
        categories = self._current_categories(backend_id)
        updated = categories if self.quarantine_category in categories else [*categories, self.quarantine_category]
        self._request("PATCH", self._msg(backend_id), what=f"flag {backend_id}",
                      json={"categories": updated, "flag": {"flagStatus": "flagged"}})
        self.move(backend_id, self.quarantine_folder)

    def move(self, backend_id: str, folder: str) -> None:
        destination = self._folder_id(folder)
        self._request("POST", self._msg(backend_id) + "/move", what=f"move {backend_id}", json={"destinationId": destination})

    def _current_categories(self, backend_id: str) -> list[str]:
        if backend_id not in self._categories:
            entry = self._json("GET", self._msg(backend_id), what=f"read categories of {backend_id}", params={"$select": "categories"})
            self._categories[backend_id] = list(entry.get("categories") or [])
        return self._categories[backend_id]

    # --- writing ---------------------------------------------------------------
    def create_draft(self, item: Outgoing) -> str:
        found = self._find(item.key)
        done = [f for f in found if not f.is_draft or f.state in ("draft", None)]
        if done:
            return done[0].id
        draft_id = found[0].id if found else self._new_draft(item)
        self._fill(draft_id, item, "draft")
        return draft_id

    def send(self, item: Outgoing) -> str:
        found = self._find(item.key)
        sent = [f for f in found if not f.is_draft]
        if sent:
            return sent[0].id
        draft_id = found[0].id if found else self._new_draft(item)
        self._fill(draft_id, item, "sending")
        self._request("POST", self._msg(draft_id) + "/send", what=f"send {item.key}")
        return draft_id

    def find_outgoing(self, key: str) -> str | None:
        for found in self._find(key):
            if not found.is_draft or found.state in ("draft", None):
                return found.id
        return None

    def close(self) -> None:
        self.http.close()

    def _find(self, key: str) -> list[_Found]:
        """Every item in the mailbox (Drafts, Sent Items, anywhere) carrying ``key``."""
        if not key.replace("-", "").isalnum():
            raise BackendError(f"unexpected characters in idempotency key {key!r}")
        page = self._json("GET", self._user("messages"), what=f"look up {key}", params={
            "$filter": f"singleValueExtendedProperties/Any(ep: ep/id eq '{KEY_PROP}' and ep/value eq '{key}')",
            "$select": "id,isDraft",
            "$expand": _expand(STATE_PROP),
            "$top": "10",
        })
        found = []
        for entry in page.get("value", []):
            found.append(_Found(entry["id"], bool(entry.get("isDraft")), _property(entry, STATE_PROP)))
        return found

    def _new_draft(self, item: Outgoing) -> str:
        """createReply (keeps Outlook's conversation threading) or, for a new thread, a plain draft.

        The key goes in at creation with state ``creating``, so a crash before the body
        is filled leaves a draft that the next attempt finds and completes.
        """
        props = [{"id": KEY_PROP, "value": item.key}, {"id": STATE_PROP, "value": "creating"}]
        if item.reply_to_backend_id:
            try:
                created = self._json("POST", self._msg(item.reply_to_backend_id) + "/createReply", what=f"createReply for {item.key}",
                                     json={"message": {"singleValueExtendedProperties": props}})
                return str(created["id"])
            except ItemGone:
                log.info("the message being answered has gone; drafting %s as a new message", item.key)
        created = self._json("POST", self._user("messages"), what=f"draft {item.key}",
                             json={"subject": item.subject, "toRecipients": [_recipient(item.to)], "singleValueExtendedProperties": props})
        return str(created["id"])

    def _fill(self, draft_id: str, item: Outgoing, state: str) -> None:
        self._attach_inline(draft_id, item)
        body = {"contentType": "HTML", "content": item.html} if item.html else {"contentType": "Text", "content": item.text}
        self._request("PATCH", self._msg(draft_id), what=f"fill draft {item.key}", json={
            "subject": item.subject,
            "body": body,
            "toRecipients": [_recipient(item.to)],  # the member alone: createReply's recipients are replaced
            "ccRecipients": [],
            "bccRecipients": [],
            "singleValueExtendedProperties": [
                {"id": KEY_PROP, "value": item.key},
                {"id": STATE_PROP, "value": state},
                {"id": AUTO_SUBMITTED_PROP, "value": "auto-replied"},
                {"id": SUPPRESS_PROP, "value": "All"},
            ],
        })

    def _attach_inline(self, draft_id: str, item: Outgoing) -> None:
        """Inline images as fileAttachments with contentId; skipped if a retry finds them there."""
        if not item.inline_images:
            return
        present = self._json("GET", self._msg(draft_id) + "/attachments", what=f"list attachments of {item.key}",
                             params={"$select": "contentId"})
        have = {a.get("contentId") for a in present.get("value", [])}
        for image in item.inline_images:
            if image.cid in have:
                continue
            self._json("POST", self._msg(draft_id) + "/attachments", what=f"attach {image.cid} to {item.key}", json={
                "@odata.type": "#microsoft.graph.fileAttachment", "name": image.cid.split("@")[0] + ".png",
                "contentType": image.content_type, "contentBytes": base64.b64encode(image.data).decode(),
                "isInline": True, "contentId": image.cid,
            })

    # --- diagnostics (doctor) --------------------------------------------------------
    def check_login(self) -> dict[str, Any]:
        result = self.tokens.result()
        folder = self._json("GET", self._user(f"mailFolders/{quote(self.folder, safe='')}"), what="read the folder",
                            params={"$select": "id,displayName,totalItemCount,unreadItemCount"})
        return {"token_expires_in": result.get("expires_in"), "folder": folder.get("displayName"), "total": folder.get("totalItemCount")}

    def check_mark(self, ref: str) -> None:
        """Doctor: categorise one of our own outgoing items, never real mail."""
        self.mark_processed(ref)

    # --- HTTP ----------------------------------------------------------------------
    def _user(self, path: str) -> str:
        return f"{self.graph_url}/users/{quote(self.address, safe='@')}/{path}"

    def _msg(self, item_id: str) -> str:
        return self._user(f"messages/{quote(item_id, safe='-_=')}")

    def _initial_delta_url(self, folder: str | None = None, expand_key: bool = False, received_since: datetime | None = None) -> str:
        url = self._user(f"mailFolders/{quote(folder or self.folder, safe='')}/messages/delta") + "?$select=" + quote(SELECT, safe=",")
        if expand_key:
            url += "&$expand=" + quote(_expand(KEY_PROP), safe="")
        if received_since is not None:
            instant = received_since.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
            url += "&$filter=" + quote(f"receivedDateTime ge {instant}", safe="")
        return url

    def _folder_id(self, name: str) -> str:
        if name.lower() in WELL_KNOWN_FOLDERS:
            return name.lower()
        if name in self._folder_ids:
            return self._folder_ids[name]
        literal = name.replace("'", "''")
        for attempt in range(2):
            page = self._json("GET", self._user("mailFolders"), what=f"find folder {name!r}",
                              params={"$filter": f"displayName eq '{literal}'", "$select": "id,displayName"})
            if page.get("value"):
                self._folder_ids[name] = str(page["value"][0]["id"])
                return self._folder_ids[name]
            if attempt == 0:
                try:
                    created = self._json("POST", self._user("mailFolders"), what=f"create folder {name!r}", json={"displayName": name})
                    self._folder_ids[name] = str(created["id"])
                    return self._folder_ids[name]
                except BackendError as exc:
                    if "ErrorFolderExists" not in str(exc):
                        raise
        raise BackendError(f"Graph: folder {name!r} could not be found or created")

    def _json(self, method: str, url: str, *, what: str, **kwargs: Any) -> dict[str, Any]:
        response = self._request(method, url, what=what, **kwargs)
        try:
            return response.json() if response.content else {}
        except ValueError as exc:
            raise BackendError(f"Graph {what}: response is not JSON ({response.headers.get('content-type')})") from exc

    def _request(self, method: str, url: str, *, what: str, params: dict[str, str] | None = None, json: Any = None,
                 prefer: Iterable[str] = (), delta: bool = False) -> httpx.Response:
        headers = {"Prefer": ", ".join((PREFER_IMMUTABLE, *prefer))}

        def attempt() -> httpx.Response:
            response = self._send(method, url, params, json, headers)
            if response.status_code == 401:
                # The token may have been revoked or expired early: one fresh token, one more try.
                self.tokens.invalidate()
                response = self._send(method, url, params, json, headers)
            _raise_for_status(response, method, url, what, delta, self.address)
            return response

        return self.retry.run(attempt, f"Graph {what}")

    def _send(self, method: str, url: str, params: dict[str, str] | None, json: Any, headers: dict[str, str]) -> httpx.Response:
        auth = {"Authorization": f"Bearer {self.tokens.token()}"}
        try:
            return self.http.request(method, url, params=params, json=json, headers={**headers, **auth})
        except httpx.TimeoutException as exc:
            raise TransientBackendError(f"Graph {method} timed out: {exc}") from exc
        except httpx.TransportError as exc:
            raise TransientBackendError(f"Graph {method} failed: {type(exc).__name__}: {exc}") from exc


def _expand(property_id: str) -> str:
    """``$expand`` for one single-value extended property (returned only on items that have it)."""
    return f"singleValueExtendedProperties($filter=id eq '{property_id}')"


def _property(entry: dict[str, Any], property_id: str) -> str | None:
    """The value of an expanded single-value property, or None when the item lacks it."""
    for prop in entry.get("singleValueExtendedProperties") or []:
        if str(prop.get("id", "")).lower() == property_id.lower():
            return prop.get("value")  # type: ignore[no-any-return]
    return None


def _changed(page: dict[str, Any]) -> Iterable[dict[str, Any]]:
    """The page's messages that are there now, once each (not deleted or moved out)."""
    seen: set[str] = set()
    for entry in page.get("value", []):
        item_id = entry.get("id")
        if not item_id or "@removed" in entry or item_id in seen:
            continue
        seen.add(item_id)
        yield entry


def _raise_for_status(response: httpx.Response, method: str, url: str, what: str, delta: bool, mailbox: str) -> None:
    status = response.status_code
    if status < 400:
        return
    code, message = _error_of(response)
    path = httpx.URL(url).path
    text = f"Graph {what}: {method} {path} → {status} {code}: {message}".rstrip(": ")
    if status == 401:
        raise AuthenticationFailed(f"{text} (a fresh token was refused too: the app's credential or consent has been revoked)")
    if status == 403:
        raise PermissionDenied(f"{text} (the app is not allowed this on {mailbox}: check its Exchange RBAC for Applications role assignments)")
    if status == 404:
        raise ItemGone(text)
    if status == 410 or (delta and code.lower() in ("syncstatenotfound", "syncstateinvalid", "resyncrequired")):
        raise CursorExpired(text)
    if status in TRANSIENT_STATUS:
        raise TransientBackendError(text, retry_after=_retry_after(response))
    raise BackendError(text)


def _error_of(response: httpx.Response) -> tuple[str, str]:
    try:
        error = response.json().get("error", {})
    except ValueError:
        return "", response.text[:200]
    if isinstance(error, dict):
        return str(error.get("code", "")), str(error.get("message", ""))[:300]
    return str(error), ""


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


def _recipient(address: str) -> dict[str, Any]:
    return {"emailAddress": {"address": address}}


def _parse_time(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


_SKIP_HEADERS = frozenset({"content-type", "content-transfer-encoding", "mime-version", "content-disposition"})


def mime_from_json(entry: dict[str, Any]) -> bytes:
    """RFC 5322 from Graph's JSON: the transport headers as received and the new text only.

    Messages sent inside the tenant may have no ``internetMessageHeaders`` at all; then
    the addressing comes from the JSON fields.
    """
    msg = EmailMessage(policy=email.policy.SMTP)
    headers = entry.get("internetMessageHeaders") or []
    for header in headers:
        name, value = str(header.get("name", "")), str(header.get("value", ""))
        if name and name.lower() not in _SKIP_HEADERS:
            try:
                msg[name] = " ".join(value.split())
            except (ValueError, TypeError):
                continue
    if not headers:
        def addresses(field: str) -> str:
            items = entry.get(field) or []
            items = items if isinstance(items, list) else [items]
            return ", ".join(email.utils.formataddr((i["emailAddress"].get("name", ""), i["emailAddress"].get("address", "")))
                             for i in items if i and i.get("emailAddress"))

        for header, field in (("From", "from"), ("To", "toRecipients"), ("Cc", "ccRecipients")):
            if addresses(field):
                msg[header] = addresses(field)
        if entry.get("subject"):
            msg["Subject"] = " ".join(str(entry["subject"]).split())
        sent = _parse_time(entry.get("sentDateTime") or entry.get("receivedDateTime"))
        if sent:
            msg["Date"] = email.utils.format_datetime(sent)
        if entry.get("internetMessageId"):
            msg["Message-ID"] = str(entry["internetMessageId"])
    body = entry.get("uniqueBody") or {}
    content = str(body.get("content") or "")
    msg.set_content(content, subtype="html" if str(body.get("contentType", "")).lower() == "html" else "plain")
    return bytes(msg)


__all__ = ["GraphMailbox", "ItemGone", "mime_from_json", "KEY_PROP", "STATE_PROP", "PREFER_IMMUTABLE"]
