"""The embedded default: a local Maildir folder, read and written with :mod:`mailbox`.

Processed state is a Dovecot-compatible keyword (``$MQProcessed`` as the lowercase
flag letter recorded in ``dovecot-keywords``), so the same folder can later be served
by Dovecot without losing it. Drafts, Sent and Quarantine are Maildir++ subfolders;
outgoing files are named after their idempotency key, which makes
:meth:`find_outgoing` a file-existence check.
"""

from __future__ import annotations

import mailbox
import os
import time
from datetime import datetime
from pathlib import Path

from bot.backends.base import BackendError, FetchBatch, Outgoing, RawItem
from bot.outgoing import KEY_HEADER, build_mime

KEYWORD = "$MQProcessed"
QUARANTINE_KEYWORD = "$MQQuarantined"


class MaildirMailbox:
    """See :class:`bot.backends.base.Mailbox`."""

    def __init__(self, path: Path, address: str, name: str = "") -> None:
        self.path = Path(path)
        self.address = address
        self.name = name or address
        if not (self.path / "cur").is_dir() and not (self.path / "new").is_dir():
            raise BackendError(f"{self.path}: not a Maildir folder (no cur/ or new/)")
        self._box = mailbox.Maildir(str(self.path), factory=None, create=False)
        self._letters = self._keyword_letters()

    # --- reading ---------------------------------------------------------------
    def fetch_new(self, cursor: str | None, limit: int) -> FetchBatch:
        processed = self._letters[KEYWORD]
        quarantined = self._letters[QUARANTINE_KEYWORD]
        pending: list[tuple[float, str]] = []
        self._box._refresh()  # another process (or Dovecot) may have delivered since
        for key in self._box.keys():
            if key.startswith("."):
                continue  # .gitkeep and editor droppings are not mail
            flags = self._flags(key)
            if processed in flags or quarantined in flags:
                continue
            pending.append((self._mtime(key), key))
        pending.sort()
        items = [self.fetch_one(key) for _, key in pending[:limit]]
        return FetchBatch(items=items, cursor=None, more=len(pending) > limit)

    def fetch_one(self, backend_id: str) -> RawItem:
        try:
            raw = self._box.get_bytes(backend_id)
        except KeyError:
            raise BackendError(f"{self.path}: message {backend_id} has gone") from None
        return RawItem(backend_id=backend_id, raw=raw)

    def fetch_sent(self, cursor: str | None, limit: int, since: datetime | None = None) -> FetchBatch:
        """Officers' replies that left the mailbox (the ``.Sent`` folder), oldest first.

        Optional: see ``bot.case_clock``. Our own automatic mail (it carries
        ``X-MQ-Idempotency-Key``) is skipped. The cursor is the last item's
        ``mtime|name``: items are returned strictly after it, so nothing is read twice.
        Files last changed before ``since`` are not read (``bot.case_clock.sent_since``).
        """
        entries: list[tuple[float, str, Path]] = []
        for sub in ("cur", "new"):
            directory = self.path / ".Sent" / sub
            if not directory.is_dir():
                continue
            for entry in os.scandir(directory):
                if entry.name.startswith(".") or not entry.is_file():
                    continue
                try:
                    entries.append((entry.stat().st_mtime, entry.name.split(":2,")[0], Path(entry.path)))
                except OSError:
                    continue  # moved or deleted while we looked
        after = _sent_cursor(cursor)
        oldest = since.timestamp() if since is not None else float("-inf")
        entries = sorted(e for e in entries if (e[0], e[1]) > after and e[0] >= oldest)
        items: list[RawItem] = []
        last = cursor
        for mtime, name, path in entries:
            if len(items) >= limit:
                return FetchBatch(items=items, cursor=last, more=True)
            last = f"{mtime:.6f}|{name}"
            try:
                raw = path.read_bytes()
            except OSError:
                continue
            if name.endswith(".mqtriage.eml") or _has_key_header(raw):
                continue
            items.append(RawItem(backend_id=f".Sent/{name}", raw=raw))
        return FetchBatch(items=items, cursor=last, more=False)

    # --- marking ---------------------------------------------------------------
    def mark_processed(self, backend_id: str) -> None:
        self._add_flag(backend_id, self._letters[KEYWORD])

    def quarantine(self, backend_id: str) -> None:
        self._add_flag(backend_id, self._letters[QUARANTINE_KEYWORD] + "F")

    def move(self, backend_id: str, folder: str) -> None:
        target = self._folder(folder)
        msg = self._box.get_message(backend_id)
        target.add(msg)
        self._box.discard(backend_id)

    # --- writing ---------------------------------------------------------------
    def create_draft(self, item: Outgoing) -> str:
        return self._write(".Drafts", item, "DS")

    def send(self, item: Outgoing) -> str:
        # A Maildir has no transport: "sent" mail lands in Sent for a person to see.
        return self._write(".Sent", item, "S")

    def find_outgoing(self, key: str) -> str | None:
        for folder in (".Drafts", ".Sent"):
            for sub in ("cur", "new"):
                directory = self.path / folder / sub
                if not directory.is_dir():
                    continue
                for entry in os.scandir(directory):
                    if entry.name.startswith(f"{key}.mqtriage"):
                        return f"{folder}/{sub}/{entry.name}"
        return None

    def close(self) -> None:
        self._box.close()

    # --- internals -------------------------------------------------------------
    def _write(self, folder: str, item: Outgoing, flags: str) -> str:
        existing = self.find_outgoing(item.key)
        if existing:
            return existing
        self._folder(folder)
        data = bytes(build_mime(item))
        name = f"{item.key}.mqtriage.eml"
        tmp = self.path / folder / "tmp" / name
        final = self.path / folder / "cur" / f"{name}:2,{flags}"
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, final)  # atomic: a crash leaves either nothing or the whole file
        return f"{folder}/cur/{final.name}"

    def _folder(self, folder: str) -> mailbox.Maildir:
        name = folder.lstrip(".")
        try:
            return self._box.get_folder(name)
        except mailbox.NoSuchMailboxError:
            return self._box.add_folder(name)

    def _flags(self, key: str) -> str:
        subpath = self._box._toc.get(key, "")
        return subpath.rpartition(":2,")[2] if ":2," in subpath else ""

    def _mtime(self, key: str) -> float:
        try:
            return os.path.getmtime(os.path.join(self._box._path, self._box._lookup(key)))
        except (OSError, KeyError):
            return time.time()

    def _add_flag(self, key: str, letters: str) -> None:
        # A rename, as Maildir intends (new/ → cur/ with flags in the name): the
        # message file itself is never rewritten.
        try:
            subpath = self._box._lookup(key)
        except KeyError:
            raise BackendError(f"{self.path}: message {key} has gone") from None
        name = os.path.basename(subpath)
        base, _, info = name.partition(":2,") if ":2," in name else (name, "", "")
        flags = "".join(sorted(set(info) | set(letters)))
        new_subpath = os.path.join("cur", f"{base}:2,{flags}")
        if new_subpath == subpath:
            return
        try:
            os.rename(os.path.join(self._box._path, subpath), os.path.join(self._box._path, new_subpath))
        except FileNotFoundError:
            raise BackendError(f"{self.path}: message {key} has gone") from None
        self._box._toc[key] = new_subpath

    def _keyword_letters(self) -> dict[str, str]:
        """Read or extend ``dovecot-keywords`` (index N ↔ flag letter chr(ord('a')+N))."""
        path = self.path / "dovecot-keywords"
        known: dict[str, int] = {}
        if path.exists():
            for line in path.read_text().splitlines():
                index, _, word = line.partition(" ")
                if index.isdigit() and word:
                    known[word] = int(index)
        changed = False
        for word in (KEYWORD, QUARANTINE_KEYWORD):
            if word not in known:
                known[word] = max(known.values(), default=-1) + 1
                changed = True
        if changed:
            tmp = path.with_suffix(".tmp")
            tmp.write_text("".join(f"{i} {w}\n" for w, i in sorted(known.items(), key=lambda kv: kv[1])))
            os.replace(tmp, path)
        return {w: chr(ord("a") + i) for w, i in known.items()}


def _sent_cursor(cursor: str | None) -> tuple[float, str]:
    if not cursor:
        return (-1.0, "")
    mtime, _, name = cursor.partition("|")
    try:
        return (float(mtime), name)
    except ValueError:
        return (-1.0, "")


def _has_key_header(raw: bytes) -> bool:
    head = raw.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    return any(line.lower().startswith(KEY_HEADER.lower().encode() + b":") for line in head.splitlines())
