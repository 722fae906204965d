"""Exchange Web Services (exchangelib) for on-premises Exchange Server and hybrid.

Authentication: OAuth with an app-only token from msal (scope
``https://outlook.office365.com/.default``; hybrid and Exchange Online until EWS is
switched off there), or NTLM/basic with a service account whose username and password
come from environment variables (on-premises). The service account reaches the shared
mailbox by impersonation (``ApplicationImpersonation``) or as a delegate (Full Access).

Reading is ``SyncFolderItems``: one call per batch, its SyncState is the cursor, stored
by the runner after the batch is recorded; ``IncludesLastItemInRange = false`` means
another page is waiting. An invalid sync state restarts from scratch with
``resync=True``. The raw MIME (and the received time and categories) come from one
``GetItem`` per batch, which answers per item, so one vanished message does not abort
the others. Items already carrying our processed or quarantined category are skipped:
adding the category is itself a change the next sync reports.

Drafts and sent mail are built from fields (subject, body, the member alone in To,
In-Reply-To/References for threading) with one ``CreateItem`` (SaveOnly to Drafts, or
SendAndSaveCopy to Sent Items), so a draft can never exist half-made. The idempotency
key rides in the ``X-MQ-Idempotency-Key`` internet-header property and is found again
with ``FindItem`` over Drafts and Sent Items.

Retries: exchangelib's ``FaultTolerance`` (with a small ``max_wait``) handles
ErrorServerBusy and its BackOffMilliseconds. exchangelib treats HTTP 401 as "server
busy" under FaultTolerance and would back off and try again for as long as max_wait
allows; :class:`_NoSpinOn401` turns a 401 into an immediate error instead. With OAuth
the token is renewed once (Exchange may reject a token before msal thinks it expired);
a second refusal is :class:`AuthenticationFailed`.
"""

from __future__ import annotations

import logging
import os
import time
from datetime import datetime, timezone
from typing import Any, Callable, TypeVar

import requests
from exchangelib import (
    BASIC, DELEGATE, IMPERSONATION, NTLM, OAUTH2, Account, Build, Configuration, Credentials, ExtendedProperty,
    FaultTolerance, FileAttachment, Folder, FolderCollection, HTMLBody, Mailbox, Message, Version,
)
from exchangelib import errors as ews_errors
from exchangelib.credentials import OAuth2AuthorizationCodeCredentials
from exchangelib.items import ALWAYS_OVERWRITE, ID_ONLY, SHALLOW
from exchangelib.properties import Body
from exchangelib.protocol import BaseProtocol
from exchangelib.services import SyncFolderItems
from oauthlib.oauth2 import OAuth2Token

from bot.backends.base import (
    AuthenticationFailed, BackendError, CursorExpired, FetchBatch, Outgoing, PermissionDenied, RawItem, TransientBackendError,
)
from bot.backends.msauth import EWS_SCOPE, TokenSource, client_credential
from bot.backends.retry import FAIL_FAST, RetryPolicy

log = logging.getLogger("mqtriage.backends.ews")
T = TypeVar("T")


# --- the idempotency key and friends as internet-header properties --------------------
class _KeyProperty(ExtendedProperty):
    distinguished_property_set_id = "InternetHeaders"
    property_name = "X-MQ-Idempotency-Key"
    property_type = "String"


class _AutoSubmittedProperty(ExtendedProperty):
    distinguished_property_set_id = "InternetHeaders"
    property_name = "Auto-Submitted"
    property_type = "String"


class _SuppressProperty(ExtendedProperty):
    distinguished_property_set_id = "InternetHeaders"
    property_name = "X-Auto-Response-Suppress"
    property_type = "String"


_PROPERTIES = {"mq_key": _KeyProperty, "mq_auto_submitted": _AutoSubmittedProperty, "mq_suppress": _SuppressProperty}


def _register_properties() -> None:
    """exchangelib registers extended properties on the Message class itself (process-wide)."""
    for name, cls in _PROPERTIES.items():
        try:
            Message.register(name, cls)
        except ValueError:
            pass  # already registered by an earlier EwsMailbox


# --- authentication --------------------------------------------------------------------
class MsalCredentials(OAuth2AuthorizationCodeCredentials):
    """exchangelib OAuth credentials whose token always comes from one msal app (its cache)."""

    def __init__(self, tokens: TokenSource, identity: Any = None) -> None:
        super().__init__(access_token=None, identity=identity)
        self._tokens = tokens

    def _fresh(self) -> OAuth2Token:
        result = self._tokens.result()
        lifetime = int(result.get("expires_in") or 3599)
        return OAuth2Token({"access_token": result["access_token"], "token_type": "Bearer", "expires_in": lifetime,
                            "expires_at": time.time() + lifetime})

    def session_params(self) -> dict[str, Any]:
        with self.lock:
            token = self.access_token
            if token is None or float(token.get("expires_at", 0)) - 60 < time.time():
                self.access_token = self._fresh()
            return {"token": self.access_token}

    def refresh(self, session: Any) -> None:
        with self.lock:
            self.access_token = self._fresh()

    def renew_after_rejection(self) -> None:
        self._tokens.invalidate()
        with self.lock:
            self.access_token = self._fresh()


class _NoSpinOn401(FaultTolerance):
    """FaultTolerance, except that refused credentials fail at once instead of backing off."""

    def raise_response_errors(self, response: Any) -> None:
        if response.status_code == 401:
            raise ews_errors.UnauthorizedError(f"HTTP 401 from {response.url}")
        return super().raise_response_errors(response)


def _trust_ca_file(ca_file: str) -> None:
    """exchangelib takes TLS settings from a process-wide adapter class; pin our CA file there."""

    class _CaFileAdapter(requests.adapters.HTTPAdapter):
        def cert_verify(self, conn: Any, url: Any, verify: Any, cert: Any) -> None:
            super().cert_verify(conn=conn, url=url, verify=ca_file, cert=cert)

        def get_connection_with_tls_context(self, request: Any, verify: Any, proxies: Any = None, cert: Any = None) -> Any:
            return super().get_connection_with_tls_context(request=request, verify=ca_file, proxies=proxies, cert=cert)

    BaseProtocol.HTTP_ADAPTER_CLS = _CaFileAdapter


# --- the backend ------------------------------------------------------------------------
class EwsMailbox:
    """See :class:`bot.backends.base.Mailbox`."""

    def __init__(
        self,
        *,
        address: str,
        service_endpoint: str,
        credentials: Any,
        auth_type: str,
        name: str = "",
        access: str = "impersonation",
        server_version: str = "15.1.2507.6",
        quarantine_folder: str = "Quarantine",
        processed_category: str = "MQ Processed",
        quarantine_category: str = "MQ Quarantined",
        max_wait_seconds: int = 30,
        timeout: float = 60.0,
        retry: RetryPolicy = FAIL_FAST,
    ) -> None:
        _register_properties()
        self.address = address
        self.name = name or address
        self.credentials = credentials
        self.quarantine_folder = quarantine_folder
        self.processed_category = processed_category
        self.quarantine_category = quarantine_category
        self.retry = retry
        build = Build(*(int(p) for p in server_version.split(".")))
        self.config = Configuration(
            service_endpoint=service_endpoint, credentials=credentials, auth_type=auth_type,
            version=Version(build=build), retry_policy=_NoSpinOn401(max_wait=max_wait_seconds), max_connections=1,
        )
        self.access_type = IMPERSONATION if access == "impersonation" else DELEGATE
        self.timeout = timeout
        self._account: Account | None = None
        self._known: dict[str, tuple[str | None, list[str]]] = {}  # id → (changekey, categories) from the last batch
        self._folders: dict[str, Any] = {}

    @classmethod
    def from_config(cls, config: Any, retry: RetryPolicy | None = None) -> "EwsMailbox":
        from bot.backends.factory import retry_policy_for

        s = config.mailbox.ews
        ca_file = str(config.resolve(s.ca_file)) if s.ca_file else None
        if ca_file:
            _trust_ca_file(ca_file)
        if s.auth == "oauth":
            credential = client_credential(
                certificate_path=config.resolve(s.certificate_path) if s.certificate_path else None,
                certificate_thumbprint=s.certificate_thumbprint, certificate_password_env=s.certificate_password_env,
                client_secret_env=s.client_secret_env, section="mailbox.ews",
            )
            tokens = TokenSource(tenant_id=s.tenant_id, client_id=s.client_id, authority_host=s.authority_host, scope=EWS_SCOPE,
                                 credential=credential, ca_file=ca_file, timeout=s.timeout_seconds)
            credentials: Any = MsalCredentials(tokens)
            auth_type = OAUTH2
        else:
            credentials = Credentials(_env(s.username_env, "mailbox.ews.username_env"), _env(s.password_env, "mailbox.ews.password_env"))
            auth_type = NTLM if s.auth == "ntlm" else BASIC
        return cls(address=config.mailbox.address, name=config.mailbox.name, service_endpoint=s.service_endpoint,
                   credentials=credentials, auth_type=auth_type, access=s.access, server_version=s.server_version,
                   quarantine_folder=s.quarantine_folder, processed_category=s.processed_category,
                   quarantine_category=s.quarantine_category, max_wait_seconds=s.max_wait_seconds, timeout=s.timeout_seconds,
                   retry=retry or retry_policy_for(config))

    @property
    def account(self) -> Account:
        if self._account is None:
            self._account = Account(primary_smtp_address=self.address, config=self.config, autodiscover=False,
                                    access_type=self.access_type, default_timezone=_utc())
            self._account.protocol.TIMEOUT = self.timeout
        return self._account

    # --- reading ---------------------------------------------------------------
    def fetch_new(self, cursor: str | None, limit: int) -> FetchBatch:
        def op() -> FetchBatch:
            changes, state, last, resync = self._sync_or_restart(cursor, limit, self.account.inbox)
            self._known.clear()
            wanted: list[tuple[str, str | None]] = []
            for change_type, item in changes:
                if change_type not in ("create", "update") or not getattr(item, "id", None):
                    continue
                categories = list(item.categories or [])
                self._known[item.id] = (item.changekey, categories)
                if self.processed_category in categories or self.quarantine_category in categories:
                    continue
                if item.id not in (w[0] for w in wanted):
                    wanted.append((item.id, item.changekey))
            items = self._download(wanted)
            return FetchBatch(items=items, cursor=state, resync=resync, more=not last)

        return self._call(op, "sync the inbox")

    def fetch_sent(self, cursor: str | None, limit: int, since: datetime | None = None) -> FetchBatch:
        """Officers' replies that left the mailbox (Sent Items), for the case clock.

        Optional (see ``bot.case_clock``): the Sent Items folder's own SyncFolderItems
        state. Our own acknowledgements and warnings carry the idempotency-key property
        and are skipped here (one of them taken for an officer's reply would mark its
        case answered). Items that reached the folder before ``since`` are skipped before
        they are downloaded (the sync already returns each one's DateTimeReceived).
        """
        def op() -> FetchBatch:
            changes, state, last, resync = self._sync_or_restart(cursor, limit, self.account.sent)
            wanted: list[tuple[str, str | None]] = []
            for change_type, item in changes:
                if change_type in ("create", "update") and getattr(item, "id", None) and item.id not in (w[0] for w in wanted):
                    received = getattr(item, "datetime_received", None)
                    if since is not None and received is not None and received < since:
                        continue  # from before the bot was enabled: it can answer no case
                    wanted.append((item.id, item.changekey))
            return FetchBatch(items=self._download(wanted, sent=True), cursor=state, resync=resync, more=not last)

        return self._call(op, "sync sent items")

    def _sync_or_restart(self, state: str | None, limit: int, folder: Any) -> tuple[list[tuple[str, Any]], str, bool, bool]:
        """One SyncFolderItems page; a state Exchange no longer honours starts the folder again (resync)."""
        try:
            return (*self._sync(state, limit, folder), False)
        except CursorExpired as exc:
            log.warning("%s: sync state no longer valid (%s); starting a full resync", folder.name, exc)
            return (*self._sync(None, limit, folder), True)

    def _sync(self, state: str | None, limit: int, folder: Any) -> tuple[list[tuple[str, Any]], str, bool]:
        fields = {f for f in folder.normalize_fields(fields=["categories", "datetime_received"]) if not f.field.is_attribute}
        service = SyncFolderItems(account=self.account)
        try:
            changes = list(service.call(folder=folder, shape=ID_ONLY, additional_fields=fields, sync_state=state, ignore=None,
                                        max_changes_returned=max(1, min(limit, 512)), sync_scope=None))
        except ews_errors.ErrorInvalidSyncStateData as exc:
            raise CursorExpired(f"EWS SyncFolderItems: {exc}") from exc
        return changes, service.sync_state, bool(service.includes_last_item_in_range)

    def _download(self, wanted: list[tuple[str, str | None]], sent: bool = False) -> list[RawItem]:
        if not wanted:
            return []
        items: list[RawItem] = []
        fields = ["mime_content", "datetime_received", "categories"] + (["datetime_sent", "mq_key"] if sent else [])
        fetched = self.account.fetch(ids=wanted, only_fields=fields)
        for (item_id, _), result in zip(wanted, fetched):
            if isinstance(result, ews_errors.ErrorItemNotFound):
                continue  # deleted or moved by a person since the sync
            if isinstance(result, Exception):
                raise _translate(result, f"GetItem {item_id}")
            if sent and getattr(result, "mq_key", None):
                continue  # our own automatic mail
            if not result.mime_content:
                log.warning("EWS returned no MIME for %s; skipped", item_id)
                continue
            # A sent reply counts from when it left; received mail from when it arrived.
            when = (getattr(result, "datetime_sent", None) if sent else None) or result.datetime_received
            items.append(RawItem(backend_id=item_id, raw=bytes(result.mime_content), received=_plain_utc(when)))
        items.sort(key=lambda i: i.received.timestamp() if i.received else 0.0)
        return items

    def fetch_one(self, backend_id: str) -> RawItem:
        def op() -> RawItem:
            (result,) = list(self.account.fetch(ids=[(backend_id, None)], only_fields=["mime_content", "datetime_received", "categories"]))
            if isinstance(result, Exception):
                raise _translate(result, f"GetItem {backend_id}")
            return RawItem(backend_id=backend_id, raw=bytes(result.mime_content or b""), received=_plain_utc(result.datetime_received))

        return self._call(op, f"read {backend_id}")

    # --- marking ---------------------------------------------------------------
    def mark_processed(self, backend_id: str) -> None:
        self._call(lambda: self._add_category(backend_id, self.processed_category), f"categorise {backend_id}")

    def quarantine(self, backend_id: str) -> None:
        def op() -> None:
            self._add_category(backend_id, self.quarantine_category)
            self._move(backend_id, self.quarantine_folder)

        self._call(op, f"quarantine {backend_id}")

    def move(self, backend_id: str, folder: str) -> None:
        self._call(lambda: self._move(backend_id, folder), f"move {backend_id}")

    def _add_category(self, backend_id: str, category: str) -> None:
        changekey, categories = self._known.get(backend_id, (None, None))  # type: ignore[assignment]
        if categories is None:
            (current,) = list(self.account.fetch(ids=[(backend_id, None)], only_fields=["categories"]))
            if isinstance(current, Exception):
                raise current
            changekey, categories = current.changekey, list(current.categories or [])
        if category in categories:
            return
        message = Message(account=self.account, id=backend_id, changekey=changekey, categories=[*categories, category])
        message.save(update_fields=["categories"], conflict_resolution=ALWAYS_OVERWRITE)
        self._known[backend_id] = (message.changekey, [*categories, category])

    def _move(self, backend_id: str, folder: str) -> None:
        target = self._folder(folder)
        Message(account=self.account, id=backend_id, changekey=self._known.get(backend_id, (None, []))[0]).move(to_folder=target)

    def _folder(self, name: str) -> Any:
        if name in self._folders:
            return self._folders[name]
        root = self.account.msg_folder_root
        for child in FolderCollection(account=self.account, folders=[root]).find_folders(depth=SHALLOW):
            if isinstance(child, Exception):
                raise child
            if (child.name or "").lower() == name.lower():
                self._folders[name] = child
                return child
        folder = Folder(parent=root, name=name)
        folder.save()
        self._folders[name] = folder
        return folder

    # --- writing ---------------------------------------------------------------
    def create_draft(self, item: Outgoing) -> str:
        def op() -> str:
            existing = self._find(item.key)
            if existing:
                return existing[0][0]
            message = self._message(item, self.account.drafts)
            message.save()  # CreateItem SaveOnly: the whole draft in one call
            return str(message.id)

        return self._call(op, f"draft {item.key}")

    def send(self, item: Outgoing) -> str:
        def op() -> str:
            sent = [ref for ref, is_draft in self._find(item.key) if not is_draft]
            if sent:
                return sent[0]
            message = self._message(item, self.account.sent)
            message.send_and_save()  # CreateItem SendAndSaveCopy; EWS returns no id for it
            return f"sent:{item.key}"

        return self._call(op, f"send {item.key}")

    def find_outgoing(self, key: str) -> str | None:
        found = self._call(lambda: self._find(key), f"look up {key}")
        return found[0][0] if found else None

    def close(self) -> None:
        if self._account is not None:
            self._account.protocol.close()

    def _find(self, key: str) -> list[tuple[str, bool]]:
        folders = FolderCollection(account=self.account, folders=[self.account.drafts, self.account.sent])
        rows = folders.filter(mq_key=key).only("is_draft")
        return [(str(r.id), bool(r.is_draft)) for r in rows if not isinstance(r, Exception)]

    def _message(self, item: Outgoing, folder: Any) -> Message:
        message = Message(
            account=self.account, folder=folder, subject=item.subject,
            body=HTMLBody(item.html) if item.html else Body(item.text),
            to_recipients=[Mailbox(email_address=item.to)],  # the member alone
            in_reply_to=item.in_reply_to or None, references=item.references or None,
            mq_key=item.key, mq_auto_submitted="auto-replied", mq_suppress="All",
        )
        for image in item.inline_images:  # sent with the item in one CreateItem
            message.attach(FileAttachment(name=image.cid.split("@")[0] + ".png", content=image.data,
                                          content_type=image.content_type, is_inline=True, content_id=image.cid))
        return message

    # --- diagnostics (doctor) --------------------------------------------------------
    def check_login(self) -> dict[str, Any]:
        def op() -> dict[str, Any]:
            inbox = self.account.inbox
            return {"folder": inbox.name, "total": inbox.total_count}

        return self._call(op, "open the inbox")

    def check_mark(self, ref: str) -> None:
        """Doctor: categorise one of our own outgoing items, never real mail."""
        self.mark_processed(ref)

    # --- errors ---------------------------------------------------------------------
    def _call(self, operation: Callable[[], T], what: str) -> T:
        def attempt() -> T:
            try:
                return operation()
            except ews_errors.UnauthorizedError as exc:
                if not isinstance(self.credentials, MsalCredentials):
                    raise _translate(exc, what) from exc
                # One fresh token: Exchange can reject a token msal still thinks is valid.
                self.credentials.renew_after_rejection()
                if self._account is not None:
                    self._account.protocol.close()  # sessions hold the old token
                try:
                    return operation()
                except ews_errors.UnauthorizedError as again:
                    raise _translate(again, what) from again
            except ews_errors.EWSError as exc:
                raise _translate(exc, what) from exc
            except requests.RequestException as exc:
                raise TransientBackendError(f"EWS {what}: {type(exc).__name__}: {exc}") from exc

        return self.retry.run(attempt, f"EWS {what}")


_TRANSIENT = (
    ews_errors.ErrorServerBusy, ews_errors.RateLimitError, ews_errors.ErrorTimeoutExpired, ews_errors.ErrorInternalServerTransientError,
    ews_errors.ErrorMailboxStoreUnavailable, ews_errors.ErrorTooManyObjectsOpened, ews_errors.ErrorConnectionFailed,
    ews_errors.ErrorMailboxMoveInProgress, ews_errors.TransportError,
)
_DENIED = (
    ews_errors.ErrorAccessDenied, ews_errors.ErrorImpersonateUserDenied, ews_errors.ErrorImpersonationDenied,
    ews_errors.ErrorImpersonationFailed, ews_errors.ErrorNonExistentMailbox,
)


def _translate(exc: Exception, what: str) -> BackendError:
    text = f"EWS {what}: {type(exc).__name__}: {exc}"
    if isinstance(exc, ews_errors.UnauthorizedError):
        return AuthenticationFailed(f"{text} (credentials refused; a fresh token was refused too if this is OAuth)")
    if isinstance(exc, _DENIED):
        return PermissionDenied(text)
    if isinstance(exc, ews_errors.RateLimitError):
        return TransientBackendError(text, retry_after=float(getattr(exc, "wait", 0) or 0) or None)
    if isinstance(exc, ews_errors.ErrorServerBusy):
        return TransientBackendError(text, retry_after=getattr(exc, "back_off", None))
    if isinstance(exc, _TRANSIENT):
        return TransientBackendError(text)
    if isinstance(exc, ews_errors.ErrorInvalidSyncStateData):
        return CursorExpired(text)
    if isinstance(exc, ews_errors.ErrorItemNotFound):
        return BackendError(f"{text} (the message has gone)")
    return BackendError(text)


def _env(name: str, key: str) -> str:
    value = os.environ.get(name, "") if name else ""
    if not value:
        raise AuthenticationFailed(f"{key}: environment variable {name or '(not set)'} is empty or missing")
    return value


def _plain_utc(value: Any) -> datetime | None:
    """exchangelib's EWSDateTime as a plain aware datetime (the store and parser expect those)."""
    if value is None:
        return None
    return datetime.fromtimestamp(value.timestamp(), timezone.utc)


def _utc() -> Any:
    from exchangelib import UTC

    return UTC
