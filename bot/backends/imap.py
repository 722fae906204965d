"""IMAP (IMAPClient) for reading and marking, SMTP submission for sending.

The cursor is ``imap1:<UIDVALIDITY>:<last UID>[:<HIGHESTMODSEQ>]``. The watched folder
stays selected between polls, so a poll is a NOOP (the server notices new deliveries)
and ``UID SEARCH UID <last+1>:*``: both touch only what is above the cursor, so a poll
that finds nothing costs the same on a folder of 1,000 messages as on one of 100,000
(re-SELECTing a 20,000-message folder costs Dovecot ~50 ms; see bench/RESULTS.md).
A changed UIDVALIDITY (the folder was recreated or restored) makes every stored UID
meaningless: the batch starts again from the first message with ``resync=True``; the
store recognises mail it has seen by Message-ID, and mail older than the first poll is
pre-existing, so nothing is answered twice. QRESYNC (else CONDSTORE) is enabled where
offered — Dovecot then re-SELECTs in constant time — and HIGHESTMODSEQ is kept in the
cursor for diagnosis; new mail itself is detected by UID, which every server has.

Backend ids are ``<UIDVALIDITY>:<UID>``, so a UID reused under a new UIDVALIDITY can
never be mistaken for a message already handled.

Processed state is the keyword ``$MQProcessed`` (the one the Maildir backend writes, so
a Maildir served by Dovecot keeps it). Quarantined messages get ``$MQQuarantined`` and
``\\Flagged`` and move to the Quarantine folder. Drafts are APPENDed to Drafts with
``\\Draft``. Sending is SMTP submission plus an APPENDed copy in Sent; see
:meth:`ImapMailbox.send` for how that stays exactly-once. :meth:`find_outgoing` looks
the ``X-MQ-Idempotency-Key`` header up in an index of Drafts and Sent that is refreshed
incrementally (STATUS, then only new UIDs), not by a header search through years of
Sent mail on every delivery.
"""

from __future__ import annotations

import logging
import os
import re
import socket
import ssl
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable, TypeVar

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientAbortError, IMAPClientError, LoginError

from bot.backends.base import AuthenticationFailed, BackendError, FetchBatch, Outgoing, RawItem, TransientBackendError
from bot.backends.retry import FAIL_FAST, RetryPolicy
from bot.backends.smtp import SmtpSubmission, require_tls_off_loopback
from bot.outgoing import KEY_HEADER, build_mime

log = logging.getLogger("mqtriage.backends.imap")

KEYWORD = "$MQProcessed"
QUARANTINE_KEYWORD = "$MQQuarantined"
SENDING_KEYWORD = "$MQSending"  # on a Sent copy whose SMTP hand-over is not yet confirmed
CURSOR_PREFIX = "imap1"
_APPENDUID = re.compile(rb"APPENDUID (\d+) (\d+)")
T = TypeVar("T")


@dataclass
class _KeyIndex:
    validity: int
    next_uid: int = 1  # every UID below this has been looked at
    keys: dict[str, int] = field(default_factory=dict)


class ImapMailbox:
    """See :class:`bot.backends.base.Mailbox`."""

    def __init__(
        self,
        *,
        address: str,
        host: str,
        port: int,
        username: str,
        password_env: str,
        tls: str = "implicit",
        name: str = "",
        folder: str = "INBOX",
        drafts_folder: str = "Drafts",
        sent_folder: str = "Sent",
        quarantine_folder: str = "Quarantine",
        smtp: SmtpSubmission | None = None,
        ssl_context: ssl.SSLContext | None = None,
        timeout: float = 30.0,
        retry: RetryPolicy = FAIL_FAST,
    ) -> None:
        require_tls_off_loopback(host, tls, "mailbox.imap.tls")
        self.address = address
        self.name = name or address
        self.host, self.port, self.tls = host, port, tls
        self.username, self.password_env = username, password_env
        self.folder, self.drafts_folder, self.sent_folder, self.quarantine_folder = folder, drafts_folder, sent_folder, quarantine_folder
        self.smtp = smtp
        self.ssl_context = ssl_context
        self.timeout = timeout
        self.retry = retry
        self._client: IMAPClient | None = None
        self._selected: str | None = None
        self._uidvalidity: int | None = None  # of self.folder, from the last SELECT
        self._modseq: Any = None  # HIGHESTMODSEQ at that SELECT (CONDSTORE), kept in the cursor for diagnosis
        self._condstore = False
        self._indexes: dict[str, _KeyIndex] = {}  # Drafts/Sent: idempotency key → UID

    @classmethod
    def from_config(cls, config: Any, retry: RetryPolicy | None = None) -> "ImapMailbox":
        from bot.backends.factory import retry_policy_for

        section = config.mailbox.imap
        context = ssl.create_default_context(cafile=str(config.resolve(section.ca_file)) if section.ca_file else None)
        smtp = None
        if section.smtp_host:
            smtp = SmtpSubmission(
                host=section.smtp_host, port=section.smtp_port, tls=section.smtp_tls,
                username=section.smtp_username, password_env=section.smtp_password_env,
                ssl_context=context, timeout=section.timeout_seconds,
            )
        return cls(
            address=config.mailbox.address, name=config.mailbox.name, host=section.host, port=section.port,
            username=section.username, password_env=section.password_env, tls=section.tls, folder=section.folder,
            drafts_folder=section.drafts_folder, sent_folder=section.sent_folder, quarantine_folder=section.quarantine_folder,
            smtp=smtp, ssl_context=context, timeout=section.timeout_seconds, retry=retry or retry_policy_for(config),
        )

    # --- reading ---------------------------------------------------------------
    def fetch_new(self, cursor: str | None, limit: int) -> FetchBatch:
        return self._call(lambda c: self._fetch_new(c, cursor, limit), "fetch new mail")

    def _fetch_new(self, c: IMAPClient, cursor: str | None, limit: int) -> FetchBatch:
        # The folder stays selected between polls: a SELECT costs time in proportion to the
        # folder's size on Dovecot, while a UIDVALIDITY cannot change under a selection
        # (the server ends the session instead, and we SELECT again on reconnecting).
        if self._selected != self.folder or self._uidvalidity is None:
            self._select(c, self.folder, force=True)
        else:
            c.noop()  # lets the server notice mail delivered since the last command (Dovecot syncs here)
        validity = self._uidvalidity
        assert validity is not None
        stored_validity, last_uid = _parse_cursor(cursor)
        resync = False
        if stored_validity is not None and stored_validity != validity:
            log.warning("%s: UIDVALIDITY changed (%s → %s): stored UIDs are void, resynchronising the folder", self.folder, stored_validity, validity)
            last_uid, resync = 0, True
        # NOOP + one UID-range SEARCH is the whole "nothing new" poll: it touches only UIDs above the
        # cursor, so it costs the same on 1,000 messages as on 100,000. ("n:*" always matches
        # the highest UID even below n, hence the filters.)
        above = [u for u in c.search(["UID", f"{last_uid + 1}:*"]) if u > last_uid]
        if not above:
            return FetchBatch(items=[], cursor=_cursor(validity, last_uid, self._modseq), resync=resync)
        found = c.search(["UID", f"{last_uid + 1}:*", "UNKEYWORD", KEYWORD, "UNKEYWORD", QUARANTINE_KEYWORD])
        uids = sorted(u for u in found if u > last_uid)
        page, more = uids[:limit], len(uids) > limit
        modseq = self._modseq
        items: list[RawItem] = []
        if page:
            data = c.fetch(page, ["BODY.PEEK[]", "INTERNALDATE"])  # PEEK: people still see it unread
            for uid in page:
                entry = data.get(uid)
                if entry is None:
                    continue  # expunged between SEARCH and FETCH
                items.append(RawItem(backend_id=f"{validity}:{uid}", raw=entry[b"BODY[]"], received=_aware(entry.get(b"INTERNALDATE"))))
        newest = page[-1] if more else max(above + page)  # skip past mail already marked (by us, or another worker)
        return FetchBatch(items=items, cursor=_cursor(validity, newest, modseq), resync=resync, more=more)

    def fetch_sent(self, cursor: str | None, limit: int, since: datetime | None = None) -> FetchBatch:
        """Officers' replies that left the mailbox (the Sent folder), for the case clock.

        Optional (see ``bot.case_clock``). A STATUS of the Sent folder answers "nothing
        new" without selecting it, so the inbox stays selected and an idle poll stays
        cheap; our own automatic mail (it carries the key header) is skipped, and so is
        mail that reached the folder before ``since`` (a SEARCH SINCE: it is never fetched).
        """
        return self._call(lambda c: self._fetch_sent(c, cursor, limit, since), "read sent mail")

    def _fetch_sent(self, c: IMAPClient, cursor: str | None, limit: int, since: datetime | None = None) -> FetchBatch:
        try:
            status = c.folder_status(self.sent_folder, [b"UIDNEXT", b"UIDVALIDITY"])
        except IMAPClientError:
            return FetchBatch(items=[], cursor=cursor)  # no Sent folder yet: nothing has left

        validity, uidnext = int(status[b"UIDVALIDITY"]), int(status[b"UIDNEXT"])
        stored_validity, last_uid = _parse_cursor(cursor)
        if stored_validity is not None and stored_validity != validity:
            last_uid = 0  # the clock only ever moves forward: re-reading old replies changes nothing
        if uidnext - 1 <= last_uid:
            return FetchBatch(items=[], cursor=_cursor(validity, last_uid, None))
        self._select(c, self.sent_folder, force=True)
        # SINCE compares the internal date's day, so a day's grace is already in ``since``.
        criteria = ["UID", f"{last_uid + 1}:*"] + (["SINCE", since.date()] if since is not None else [])
        uids = sorted(u for u in c.search(criteria) if u > last_uid)
        page, more = uids[:limit], len(uids) > limit
        items: list[RawItem] = []
        if page:
            data = c.fetch(page, ["BODY.PEEK[]", "INTERNALDATE"])
            for uid in page:
                entry = data.get(uid)
                if entry is None or _key_of(entry[b"BODY[]"].split(b"\r\n\r\n", 1)[0]):
                    continue  # expunged, or our own acknowledgement or warning
                items.append(RawItem(backend_id=f"sent:{validity}:{uid}", raw=entry[b"BODY[]"], received=_aware(entry.get(b"INTERNALDATE"))))
        # Nothing to read up to UIDNEXT (expunged, or all from before ``since``): the cursor moves
        # past it, so that the STATUS shortcut above answers the next polls again.
        newest = page[-1] if page else uidnext - 1
        return FetchBatch(items=items, cursor=_cursor(validity, newest, None), more=more)

    def fetch_one(self, backend_id: str) -> RawItem:
        def op(c: IMAPClient) -> RawItem:
            uid = self._uid_in_folder(c, backend_id)
            entry = c.fetch([uid], ["BODY.PEEK[]", "INTERNALDATE"]).get(uid)
            if entry is None:
                raise BackendError(f"{self.folder}: message {backend_id} has gone")
            return RawItem(backend_id=backend_id, raw=entry[b"BODY[]"], received=_aware(entry.get(b"INTERNALDATE")))

        return self._call(op, f"fetch {backend_id}")

    # --- marking ---------------------------------------------------------------
    def mark_processed(self, backend_id: str) -> None:
        self._call(lambda c: c.add_flags([self._uid_in_folder(c, backend_id)], [KEYWORD], silent=True), f"mark {backend_id}")

    def quarantine(self, backend_id: str) -> None:
        def op(c: IMAPClient) -> None:
            uid = self._uid_in_folder(c, backend_id)
            c.add_flags([uid], [QUARANTINE_KEYWORD, b"\\Flagged"], silent=True)
            self._move_uid(c, uid, self.quarantine_folder)

        self._call(op, f"quarantine {backend_id}")

    def move(self, backend_id: str, folder: str) -> None:
        self._call(lambda c: self._move_uid(c, self._uid_in_folder(c, backend_id), folder), f"move {backend_id}")

    # --- writing ---------------------------------------------------------------
    def create_draft(self, item: Outgoing) -> str:
        def op(c: IMAPClient) -> str:
            existing = self._find(c, item.key, (self.drafts_folder, self.sent_folder))
            if existing:
                return existing[0]
            return self._append(c, self.drafts_folder, bytes(build_mime(item)), [b"\\Draft", b"\\Seen"])

        return self._call(op, f"draft {item.key}")

    def send(self, item: Outgoing) -> str:
        """SMTP submission, with the Sent copy written *first* and marked ``$MQSending``.

        A crash between SMTP's 250 and clearing the keyword leaves a Sent copy still
        marked; :meth:`find_outgoing` does not count it, so the next attempt submits the
        message again. Its Message-ID is derived from the idempotency key, so the
        receiving Exchange drops the repeat as a duplicate: at-least-once on the wire,
        once in the member's inbox. A final SMTP refusal removes the copy.
        """
        if self.smtp is None:
            raise BackendError("mailbox.imap.smtp_host is not set: this mailbox can draft but not send (use bot.mode = \"draft\")")
        msg = build_mime(item)
        data = bytes(msg)

        def prepare(c: IMAPClient) -> tuple[str, bool]:
            found = self._find(c, item.key, (self.sent_folder,), include_sending=True)
            if found:
                return found
            return self._append(c, self.sent_folder, data, [b"\\Seen", SENDING_KEYWORD.encode()]), True

        ref, pending = self._call(prepare, f"send {item.key}")
        if not pending:
            return ref
        try:
            self.retry.run(lambda: self.smtp.send(msg, self.address, item.to), f"SMTP submission of {item.key}")  # type: ignore[union-attr]
        except (TransientBackendError, AuthenticationFailed):
            raise  # the marked copy stays; the next attempt resubmits
        except BackendError:
            self._call(lambda c: self._delete_ref(c, ref), f"remove unsent copy {ref}")
            raise
        self._call(lambda c: self._clear_sending(c, ref), f"confirm {ref}")
        return ref

    def find_outgoing(self, key: str) -> str | None:
        found = self._call(lambda c: self._find(c, key, (self.drafts_folder, self.sent_folder)), f"look up {key}")
        return found[0] if found else None

    def close(self) -> None:
        client, self._client, self._selected = self._client, None, None
        if client is not None:
            try:
                client.logout()
            except (IMAPClientError, OSError):
                pass

    # --- diagnostics (doctor) --------------------------------------------------------
    def check_login(self) -> dict[str, Any]:
        def op(c: IMAPClient) -> dict[str, Any]:
            info = self._select(c, self.folder, force=True)
            return {"capabilities": sorted(x.decode() for x in c.capabilities()), "exists": info.get(b"EXISTS"), "uidnext": info.get(b"UIDNEXT")}

        return self._call(op, "log in")

    def check_mark(self, ref: str) -> None:
        """Set the processed keyword on one of our own outgoing items (doctor: never on real mail)."""
        def op(c: IMAPClient) -> None:
            folder, uid = self._ref_target(c, ref)
            if uid is None:
                raise BackendError(f"{ref}: not found (UIDVALIDITY changed?)")
            c.add_flags([uid], [KEYWORD], silent=True)
            if KEYWORD.encode() not in c.get_flags([uid]).get(uid, ()):
                raise BackendError(f"{folder}: the server did not keep the keyword {KEYWORD} (PERMANENTFLAGS lacks \\*?)")
            self._leave(c)

        self._call(op, f"mark {ref}")

    # --- internals -------------------------------------------------------------
    def _call(self, operation: Callable[[IMAPClient], T], what: str) -> T:
        def attempt() -> T:
            try:
                return operation(self._connection())
            except LoginError as exc:
                self._drop()
                if "UNAVAILABLE" in _text(exc):  # RFC 5530: the server's auth backend is down, not our password
                    raise TransientBackendError(f"IMAP {self.host}:{self.port}: login temporarily unavailable: {_text(exc)}") from exc
                raise AuthenticationFailed(f"IMAP {self.host}:{self.port}: login as {self.username!r} refused: {_text(exc)}") from exc
            except (IMAPClientAbortError, ConnectionError, socket.timeout, TimeoutError, ssl.SSLEOFError) as exc:
                self._drop()
                raise TransientBackendError(f"IMAP {self.host}:{self.port}: connection lost during {what}: {type(exc).__name__}: {_text(exc)}") from exc
            except ssl.SSLError as exc:
                self._drop()
                raise BackendError(f"IMAP {self.host}:{self.port}: TLS failed ({_text(exc)}); check mailbox.imap.tls and ca_file") from exc
            except OSError as exc:
                self._drop()
                raise TransientBackendError(f"IMAP {self.host}:{self.port}: {type(exc).__name__}: {exc}") from exc
            except IMAPClientError as exc:
                text = _text(exc)
                if "UNAVAILABLE" in text or "SERVERBUG" in text or "LIMIT" in text:
                    raise TransientBackendError(f"IMAP {self.host}: {what}: {text}") from exc
                raise BackendError(f"IMAP {self.host}: {what}: {text}") from exc

        return self.retry.run(attempt, f"IMAP {what}")

    def _connection(self) -> IMAPClient:
        if self._client is not None:
            return self._client
        password = os.environ.get(self.password_env, "")
        if not password:
            raise AuthenticationFailed(f"IMAP password: environment variable {self.password_env} (mailbox.imap.password_env) is empty or missing")
        client = IMAPClient(self.host, port=self.port, ssl=self.tls == "implicit", ssl_context=self.ssl_context, timeout=self.timeout)
        try:
            # imaplib writes a literal and its closing CRLF as two sends; with Nagle on, the
            # second waits for the server's delayed ACK (~40 ms) on every APPEND.
            client.socket().setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            client.normalise_times = False  # keep INTERNALDATE's zone, never the host's
            if self.tls == "starttls":
                client.starttls(self.ssl_context)
            client.login(self.username, password)
            caps = client.capabilities()
            for extension in (b"QRESYNC", b"CONDSTORE"):
                if extension in caps:
                    client.enable(extension.decode())
                    self._condstore = True
                    break
        except BaseException:
            try:
                client.shutdown()
            except OSError:
                pass
            raise
        self._client, self._selected = client, None
        return client

    def _drop(self) -> None:
        client, self._client, self._selected = self._client, None, None
        if client is not None:
            try:
                client.shutdown()
            except OSError:
                pass

    def _select(self, c: IMAPClient, folder: str, force: bool = False) -> dict[bytes, Any]:
        if self._selected == folder and not force:
            return {}
        info = c.select_folder(folder)
        self._selected = folder
        if folder == self.folder:
            self._uidvalidity = int(info[b"UIDVALIDITY"])
            self._modseq = info.get(b"HIGHESTMODSEQ")
        return info

    def _uid_in_folder(self, c: IMAPClient, backend_id: str) -> int:
        validity, _, uid = backend_id.partition(":")
        if not (validity.isdigit() and uid.isdigit()):
            raise BackendError(f"{self.folder}: {backend_id!r} is not an IMAP backend id (UIDVALIDITY:UID)")
        self._select(c, self.folder)
        if self._uidvalidity is None:
            self._select(c, self.folder, force=True)
        if int(validity) != self._uidvalidity:
            raise BackendError(f"{self.folder}: message {backend_id} has gone (UIDVALIDITY is now {self._uidvalidity})")
        return int(uid)

    def _ensure_folder(self, c: IMAPClient, folder: str) -> None:
        if not c.folder_exists(folder):
            try:
                c.create_folder(folder)
            except IMAPClientError:
                if not c.folder_exists(folder):  # another worker may have created it meanwhile
                    raise
            try:
                c.subscribe_folder(folder)
            except IMAPClientError:
                pass

    def _move_uid(self, c: IMAPClient, uid: int, folder: str) -> None:
        self._ensure_folder(c, folder)
        self._select(c, self.folder)
        if c.has_capability("MOVE"):
            c.move([uid], folder)
            return
        c.copy([uid], folder)
        c.add_flags([uid], [b"\\Deleted"], silent=True)
        if c.has_capability("UIDPLUS"):
            c.uid_expunge([uid])
        # Without UIDPLUS an EXPUNGE could remove other people's deletions: leave it \Deleted.

    def _append(self, c: IMAPClient, folder: str, data: bytes, flags: list[bytes]) -> str:
        when = datetime.now(timezone.utc)
        try:
            response = c.append(folder, data, flags=flags, msg_time=when)
        except IMAPClientError as exc:
            if "TRYCREATE" not in _text(exc) and "NONEXISTENT" not in _text(exc):
                raise
            self._ensure_folder(c, folder)
            response = c.append(folder, data, flags=flags, msg_time=when)
        key = _key_of(data)
        match = _APPENDUID.search(response if isinstance(response, bytes) else str(response).encode())
        if match:
            validity, uid = int(match.group(1)), int(match.group(2))
            index = self._indexes.get(folder)
            if index is not None and index.validity == validity and uid == index.next_uid:
                index.keys.setdefault(key, uid)  # our own write: no rescan needed to know it
                index.next_uid = uid + 1
            return f"{folder}:{validity}:{uid}"
        # No UIDPLUS: find what we just wrote by its key (it is in the headers).
        found = self._find(c, key, (folder,), include_sending=True) if key else None
        return found[0] if found else f"{folder}:?"

    def _index(self, c: IMAPClient, folder: str) -> _KeyIndex | None:
        """Which idempotency keys ``folder`` holds, kept up to date incrementally.

        STATUS tells whether anything arrived since the last look; only new UIDs have
        their one header fetched. A lookup is therefore one STATUS per folder, not a
        header search through years of Sent mail. Keys of items a person has since
        deleted stay known: what we delivered once is never delivered again.
        """
        try:
            status = c.folder_status(folder, [b"UIDNEXT", b"UIDVALIDITY"])
        except IMAPClientError:
            self._indexes.pop(folder, None)
            return None  # no such folder yet
        validity, uidnext = int(status[b"UIDVALIDITY"]), int(status[b"UIDNEXT"])
        index = self._indexes.get(folder)
        if index is None or index.validity != validity:
            index = self._indexes[folder] = _KeyIndex(validity)
        if uidnext > index.next_uid:
            c.select_folder(folder, readonly=True)
            self._selected = None  # EXAMINE: the inbox must be selected again before marking
            uids = sorted(u for u in c.search(["UID", f"{index.next_uid}:*"]) if u >= index.next_uid)
            for start in range(0, len(uids), 1000):
                fetched = c.fetch(uids[start:start + 1000], [f"BODY.PEEK[HEADER.FIELDS ({KEY_HEADER})]"])
                for uid, entry in fetched.items():
                    header = next((v for k, v in entry.items() if isinstance(k, bytes) and k.startswith(b"BODY[HEADER")), b"")
                    key = _key_of(header or b"")
                    if key:
                        index.keys.setdefault(key, uid)
            index.next_uid = max(uidnext, (uids[-1] + 1) if uids else 0)
            self._leave(c)
        return index

    def _leave(self, c: IMAPClient) -> None:
        """Unselect an EXAMINEd folder: STATUS on the selected folder may answer from stale state."""
        if c.has_capability("UNSELECT"):
            c.unselect_folder()
            self._selected = None
        else:
            self._select(c, self.folder, force=True)  # never CLOSE: it would expunge other people's deletions

    def _find(self, c: IMAPClient, key: str, folders: tuple[str, ...], include_sending: bool = False) -> tuple[str, bool] | None:
        """(ref, still-sending) of the item carrying ``key`` in its header, if any."""
        for folder in folders:
            index = self._index(c, folder)
            uid = index.keys.get(key) if index is not None else None
            if index is None or uid is None:
                continue
            sending = False
            if folder == self.sent_folder:
                c.select_folder(folder, readonly=True)
                self._selected = None
                flags = c.get_flags([uid])
                self._leave(c)
                if uid not in flags:  # removed after a refused submission
                    index.keys.pop(key, None)
                    continue
                sending = SENDING_KEYWORD.encode() in flags[uid]
                if sending and not include_sending:
                    continue
            return f"{folder}:{index.validity}:{uid}", sending
        return None

    def _clear_sending(self, c: IMAPClient, ref: str) -> None:
        folder, uid = self._ref_target(c, ref)
        if uid is not None:
            c.remove_flags([uid], [SENDING_KEYWORD], silent=True)
        self._leave(c)

    def _delete_ref(self, c: IMAPClient, ref: str) -> None:
        folder, uid = self._ref_target(c, ref)
        index = self._indexes.get(folder)
        if index is not None and uid is not None:
            index.keys = {k: u for k, u in index.keys.items() if u != uid}
        if uid is not None:
            c.add_flags([uid], [b"\\Deleted"], silent=True)
            if c.has_capability("UIDPLUS"):
                c.uid_expunge([uid])
        self._leave(c)

    def _ref_target(self, c: IMAPClient, ref: str) -> tuple[str, int | None]:
        folder, validity, uid = ref.rsplit(":", 2) if ref.count(":") >= 2 else (ref, "", "")
        info = c.select_folder(folder)
        self._selected = folder
        if not (uid.isdigit() and validity.isdigit()) or int(validity) != int(info[b"UIDVALIDITY"]):
            return folder, None
        return folder, int(uid)


def _parse_cursor(cursor: str | None) -> tuple[int | None, int]:
    if not cursor:
        return None, 0
    parts = cursor.split(":")
    if len(parts) >= 3 and parts[0] == CURSOR_PREFIX and parts[1].isdigit() and parts[2].isdigit():
        return int(parts[1]), int(parts[2])
    log.warning("ignoring a stored cursor this backend did not write: %r", cursor[:80])
    return None, 0


def _cursor(validity: int, last_uid: int, modseq: Any) -> str:
    base = f"{CURSOR_PREFIX}:{validity}:{last_uid}"
    return f"{base}:{int(modseq)}" if modseq is not None else base


def _aware(value: Any) -> datetime | None:
    if not isinstance(value, datetime):
        return None
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def _key_of(data: bytes) -> str:
    match = re.search(rb"^" + KEY_HEADER.encode() + rb":\s*(\S+)", data, re.MULTILINE | re.IGNORECASE)
    return match.group(1).decode() if match else ""


def _text(exc: BaseException) -> str:
    value = exc.args[0] if exc.args else str(exc)
    return value.decode(errors="replace") if isinstance(value, bytes) else str(value)
