"""A protocol fake for Exchange Web Services (SOAP over HTTP), for exchangelib to talk to.

Response bodies follow the examples Microsoft publishes for each operation (GetFolder,
FindFolder, CreateFolder, SyncFolderItems, GetItem, UpdateItem, MoveItem, CreateItem,
FindItem): the ``ServerVersionInfo`` header of Exchange 2016 CU (15.1.2507.6),
``ResponseClass``/``ResponseCode`` per response message, per-item errors such as
``ErrorItemNotFound``, ``ErrorInvalidSyncStateData``, the ``ErrorServerBusy`` SOAP fault
with ``BackOffMilliseconds``, and HTTP 401 for refused credentials or tokens.

Authentication is Basic (a service account) or Bearer tokens issued by the Entra fake
(audience ``https://outlook.office365.com``). Impersonation is checked: the
``ExchangeImpersonation`` header must name the shared mailbox.
"""

from __future__ import annotations

import base64
import email
import email.policy
import itertools
import secrets
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable
from xml.etree import ElementTree as ET
from xml.sax.saxutils import escape

from .fake_http import FakeServer, Request, Response

S = "http://schemas.xmlsoap.org/soap/envelope/"
M = "http://schemas.microsoft.com/exchange/services/2006/messages"
T = "http://schemas.microsoft.com/exchange/services/2006/types"
DISTINGUISHED = {"root": ("Root", None), "msgfolderroot": ("Top of Information Store", None), "inbox": ("Inbox", "IPF.Note"),
                 "drafts": ("Drafts", "IPF.Note"), "sentitems": ("Sent Items", "IPF.Note"), "deleteditems": ("Deleted Items", "IPF.Note")}
_ids = itertools.count(1)


def _id(kind: str) -> str:
    return "AAMkADk0N2E4" + kind + base64.b64encode(f"{next(_ids):08d}{secrets.token_hex(6)}".encode()).decode()


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class EwsItem:
    id: str
    folder: str
    raw: bytes | None = None
    subject: str = ""
    categories: list[str] = field(default_factory=list)
    props: dict[str, str] = field(default_factory=dict)  # lower-case "set/name" → value
    is_draft: bool = False
    to: list[str] = field(default_factory=list)
    body: str = ""
    in_reply_to: str = ""
    received: str = field(default_factory=_now)
    changekey_n: int = 1
    changed: int = 0
    created: int = 0

    @property
    def changekey(self) -> str:
        return f"CQAAABYAAAD{self.changekey_n:06d}"


class EwsFake:
    def __init__(self, *, mailbox: str, basic: tuple[str, str] | None = None, token_ok: Callable[[str], bool] | None = None, tls: Any = None) -> None:
        self.mailbox = mailbox.lower()
        self.basic = basic
        self.token_ok = token_ok
        self.lock = threading.RLock()
        self.folders: dict[str, dict[str, Any]] = {}
        for name, (display, cls) in DISTINGUISHED.items():
            parent = None if name == "root" else ("folder-root" if name == "msgfolderroot" else "folder-msgfolderroot")
            self.folders[f"folder-{name}"] = {"name": display, "class": cls, "distinguished": name, "parent": parent}
        self.items: dict[str, EwsItem] = {}
        self.left: list[tuple[str, str, int]] = []
        self.seq = 0
        self.min_state = 0
        self.requests: list[tuple[str, Request]] = []
        self.busy: list[int] = []  # queued ErrorServerBusy faults: BackOffMilliseconds each
        self.reject_all = False  # every request answered 401 (credentials revoked)
        self.reject_tokens: set[str] = set()  # tokens Exchange refuses although they have not expired
        self.sent: list[EwsItem] = []
        self.server = FakeServer(self.handle, tls)

    @property
    def endpoint(self) -> str:
        return self.server.base_url + "/EWS/Exchange.asmx"

    def start(self) -> "EwsFake":
        self.server.start()
        return self

    def stop(self) -> None:
        self.server.stop()

    # --- test controls -------------------------------------------------------------
    def deliver(self, raw: bytes, categories: list[str] | None = None, folder: str = "inbox", received: str | None = None) -> str:
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        with self.lock:
            item = EwsItem(id=_id("AAA"), folder=self._folder_named(folder), raw=raw, subject=str(msg["subject"] or ""), categories=list(categories or []),
                           received=received or _now())
            self._touch(item, created=True)
            self.items[item.id] = item
        return item.id

    def expire_sync_state(self) -> None:
        with self.lock:
            self.seq += 1
            self.min_state = self.seq

    def in_folder(self, name: str) -> list[EwsItem]:
        fid = self._folder_named(name)
        return [i for i in self.items.values() if i.folder == fid]

    def operations(self) -> list[str]:
        return [op for op, _ in self.requests]

    def _folder_named(self, name: str) -> str:
        if f"folder-{name}" in self.folders:
            return f"folder-{name}"
        return next((k for k, f in self.folders.items() if f["name"].lower() == name.lower()), "")

    def _touch(self, item: EwsItem, created: bool = False) -> None:
        self.seq += 1
        item.changed = self.seq
        item.changekey_n += 0 if created else 1
        if created:
            item.created = self.seq

    # --- HTTP ----------------------------------------------------------------------
    def handle(self, req: Request) -> Response:
        with self.lock:
            if req.method != "POST" or not req.path.lower().endswith("/ews/exchange.asmx"):
                return Response(404, b"", {})
            auth = req.headers.get("authorization", "")
            if self.reject_all or not self._authorised(auth):
                headers = {"WWW-Authenticate": 'Bearer client_id="00000002-0000-0ff1-ce00-000000000000", error="invalid_token"'} if auth.startswith("Bearer") else {"WWW-Authenticate": 'Basic realm="mail.brackenford.gov.uk"'}
                if auth.startswith("Bearer"):
                    headers["x-ms-diagnostics"] = '2000001;reason="The token has expired.";error_category="invalid_token"'
                self.requests.append(("401", req))
                return Response(401, b"", headers)
            root = ET.fromstring(req.body)
            header = root.find(f"{{{S}}}Header")
            body = root.find(f"{{{S}}}Body")
            op = body[0]  # type: ignore[index]
            name = op.tag.split("}")[1]
            self.requests.append((name, req))
            if self.busy:
                return self._server_busy(self.busy.pop(0))
            impersonated = header.find(f".//{{{T}}}PrimarySmtpAddress") if header is not None else None
            if impersonated is not None and (impersonated.text or "").lower() != self.mailbox:
                return self._envelope(self._error(name, "ErrorImpersonateUserDenied", "The account does not have permission to impersonate the requested user."))
            handler = getattr(self, f"op_{name}", None)
            if handler is None:
                return self._envelope(self._error(name, "ErrorInvalidRequest", f"The request is invalid ({name} is not in this fake)."))
            return self._envelope(handler(op))

    def _authorised(self, auth: str) -> bool:
        if auth.startswith("Basic ") and self.basic is not None:
            return base64.b64decode(auth[6:]).decode() == f"{self.basic[0]}:{self.basic[1]}"
        if auth.startswith("Bearer ") and self.token_ok is not None:
            token = auth[7:]
            return token not in self.reject_tokens and self.token_ok(token)
        return False

    def _envelope(self, body_xml: str) -> Response:
        text = (
            '<?xml version="1.0" encoding="utf-8"?>'
            f'<s:Envelope xmlns:s="{S}"><s:Header>'
            f'<h:ServerVersionInfo MajorVersion="15" MinorVersion="1" MajorBuildNumber="2507" MinorBuildNumber="6" Version="V2017_07_11" '
            f'xmlns:h="{T}" xmlns="{T}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"/>'
            '</s:Header><s:Body xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">'
            f"{body_xml}</s:Body></s:Envelope>"
        )
        return Response(200, text.encode(), {"Content-Type": "text/xml; charset=utf-8"})

    def _server_busy(self, back_off_ms: int) -> Response:
        text = (
            f'<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="{S}"><s:Body><s:Fault>'
            f'<faultcode xmlns:a="{T}">a:ErrorServerBusy</faultcode>'
            '<faultstring xml:lang="en-US">The server cannot service this request right now. Try again later.</faultstring>'
            '<detail><e:ResponseCode xmlns:e="http://schemas.microsoft.com/exchange/services/2006/errors">ErrorServerBusy</e:ResponseCode>'
            '<e:Message xmlns:e="http://schemas.microsoft.com/exchange/services/2006/errors">The server cannot service this request right now. Try again later.</e:Message>'
            f'<t:MessageXml xmlns:t="{T}"><t:Value Name="BackOffMilliseconds">{back_off_ms}</t:Value></t:MessageXml>'
            "</detail></s:Fault></s:Body></s:Envelope>"
        )
        return Response(500, text.encode(), {"Content-Type": "text/xml; charset=utf-8"})

    @staticmethod
    def _wrap(name: str, messages: list[str]) -> str:
        return (f'<m:{name}Response xmlns:m="{M}" xmlns:t="{T}"><m:ResponseMessages>'
                + "".join(messages) + f"</m:ResponseMessages></m:{name}Response>")

    def _error(self, name: str, code: str, text: str) -> str:
        return self._wrap(name, [self._error_message(name, code, text)])

    @staticmethod
    def _error_message(name: str, code: str, text: str, extra: str = "") -> str:
        return (f'<m:{name}ResponseMessage ResponseClass="Error"><m:MessageText>{escape(text)}</m:MessageText>'
                f"<m:ResponseCode>{code}</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey>{extra}</m:{name}ResponseMessage>")

    # --- folders -------------------------------------------------------------------
    def _folder_ref(self, elem: ET.Element) -> str:
        for child in elem:
            tag = child.tag.split("}")[1]
            if tag == "DistinguishedFolderId":
                mailbox = child.find(f"{{{T}}}Mailbox/{{{T}}}EmailAddress")
                if mailbox is not None and (mailbox.text or "").lower() != self.mailbox:
                    return "denied"
                return f"folder-{child.get('Id')}"
            if tag == "FolderId":
                return str(child.get("Id"))
        return ""

    def _folder_xml(self, fid: str) -> str:
        f = self.folders[fid]
        count = len([i for i in self.items.values() if i.folder == fid])
        children = len([k for k, v in self.folders.items() if v["parent"] == fid])
        parts = [f'<t:FolderId Id="{fid}" ChangeKey="AQAAABYAAAAB"/>']
        if f["parent"]:
            parts.append(f'<t:ParentFolderId Id="{f["parent"]}" ChangeKey="AQAAAA=="/>')
        if f["class"]:
            parts.append(f"<t:FolderClass>{f['class']}</t:FolderClass>")
        parts.append(f"<t:DisplayName>{escape(f['name'])}</t:DisplayName>")
        parts.append(f"<t:TotalCount>{count}</t:TotalCount><t:ChildFolderCount>{children}</t:ChildFolderCount>")
        parts.append("<t:EffectiveRights><t:CreateAssociated>true</t:CreateAssociated><t:CreateContents>true</t:CreateContents>"
                     "<t:CreateHierarchy>true</t:CreateHierarchy><t:Delete>true</t:Delete><t:Modify>true</t:Modify>"
                     "<t:Read>true</t:Read><t:ViewPrivateItems>true</t:ViewPrivateItems></t:EffectiveRights>")
        if f["distinguished"]:
            parts.append(f"<t:DistinguishedFolderId>{f['distinguished']}</t:DistinguishedFolderId>")
        parts.append(f"<t:UnreadCount>{count}</t:UnreadCount>")
        return "<t:Folder>" + "".join(parts) + "</t:Folder>"

    def op_GetFolder(self, op: ET.Element) -> str:
        messages = []
        for ref in op.find(f"{{{M}}}FolderIds"):  # type: ignore[union-attr]
            fid = self._folder_ref(_single(ref))
            if fid == "denied":
                messages.append(self._error_message("GetFolder", "ErrorAccessDenied", "Access is denied. Check credentials and try again."))
            elif fid not in self.folders:
                messages.append(self._error_message("GetFolder", "ErrorFolderNotFound", "The specified folder could not be found in the store."))
            else:
                messages.append('<m:GetFolderResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>'
                                f"<m:Folders>{self._folder_xml(fid)}</m:Folders></m:GetFolderResponseMessage>")
        return self._wrap("GetFolder", messages)

    def op_FindFolder(self, op: ET.Element) -> str:
        parent = self._folder_ref(op.find(f"{{{M}}}ParentFolderIds"))  # type: ignore[arg-type]
        deep = op.get("Traversal") == "Deep"
        found = [k for k, v in self.folders.items() if v["parent"] == parent or (deep and k != parent and self._under(k, parent))]
        return self._wrap("FindFolder", [
            '<m:FindFolderResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>'
            f'<m:RootFolder IndexedPagingOffset="{len(found)}" TotalItemsInView="{len(found)}" IncludesLastItemInRange="true"><t:Folders>'
            + "".join(self._folder_xml(f) for f in found) + "</t:Folders></m:RootFolder></m:FindFolderResponseMessage>"])

    def _under(self, fid: str, ancestor: str) -> bool:
        parent = self.folders[fid]["parent"]
        while parent:
            if parent == ancestor:
                return True
            parent = self.folders[parent]["parent"]
        return False

    def op_CreateFolder(self, op: ET.Element) -> str:
        parent = self._folder_ref(op.find(f"{{{M}}}ParentFolderId"))  # type: ignore[arg-type]
        messages = []
        for folder in op.find(f"{{{M}}}Folders"):  # type: ignore[union-attr]
            name = folder.findtext(f"{{{T}}}DisplayName") or ""
            if any(v["parent"] == parent and v["name"].lower() == name.lower() for v in self.folders.values()):
                messages.append(self._error_message("CreateFolder", "ErrorFolderExists", "A folder with the specified name already exists."))
                continue
            fid = _id("FLD")
            self.folders[fid] = {"name": name, "class": folder.findtext(f"{{{T}}}FolderClass") or "IPF.Note", "distinguished": None, "parent": parent}
            messages.append('<m:CreateFolderResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>'
                            f'<m:Folders><t:Folder><t:FolderId Id="{fid}" ChangeKey="AQAAABYAAAAB"/></t:Folder></m:Folders></m:CreateFolderResponseMessage>')
        return self._wrap("CreateFolder", messages)

    # --- items ---------------------------------------------------------------------
    def _item_xml(self, item: EwsItem, fields: set[str], extended: dict[str, str] | None = None) -> str:
        parts = [f'<t:ItemId Id="{item.id}" ChangeKey="{item.changekey}"/>']
        if "item:MimeContent" in fields:
            parts.insert(0, f'<t:MimeContent CharacterSet="UTF-8">{base64.b64encode(item.raw or self._mime_of(item)).decode()}</t:MimeContent>')
        if "item:ParentFolderId" in fields:
            parts.append(f'<t:ParentFolderId Id="{item.folder}" ChangeKey="AQAAAA=="/>')
        if "item:Subject" in fields:
            parts.append(f"<t:Subject>{escape(item.subject)}</t:Subject>")
        if "item:DateTimeReceived" in fields:
            parts.append(f"<t:DateTimeReceived>{item.received}</t:DateTimeReceived>")
        if "item:Categories" in fields:
            parts.append("<t:Categories>" + "".join(f"<t:String>{escape(c)}</t:String>" for c in item.categories) + "</t:Categories>" if item.categories else "")
        if "item:IsDraft" in fields:
            parts.append(f"<t:IsDraft>{'true' if item.is_draft else 'false'}</t:IsDraft>")
        if "item:DateTimeSent" in fields:
            parts.append(f"<t:DateTimeSent>{item.received}</t:DateTimeSent>")
        for key, uri in (extended or {}).items():  # asked for by ExtendedFieldURI; returned only when set
            if key in item.props:
                parts.append(f"<t:ExtendedProperty>{uri}<t:Value>{escape(item.props[key])}</t:Value></t:ExtendedProperty>")
        return "<t:Message>" + "".join(parts) + "</t:Message>"

    @staticmethod
    def _extended(op: ET.Element) -> dict[str, str]:
        """Extended properties a request asks for: "set/name" (as ``EwsItem.props``) → the URI element to echo."""
        wanted = {}
        for uri in op.iter(f"{{{T}}}ExtendedFieldURI"):
            key = f"{uri.get('DistinguishedPropertySetId') or uri.get('PropertySetId')}/{uri.get('PropertyName')}".lower()
            attrs = " ".join(f'{k}="{escape(v)}"' for k, v in uri.attrib.items())
            wanted[key] = f"<t:ExtendedFieldURI {attrs}/>"
        return wanted

    @staticmethod
    def _fields(op: ET.Element) -> set[str]:
        return {f.get("FieldURI", "") for f in op.iter(f"{{{T}}}FieldURI")}

    def op_SyncFolderItems(self, op: ET.Element) -> str:
        fid = self._folder_ref(op.find(f"{{{M}}}SyncFolderId"))  # type: ignore[arg-type]
        state_text = op.findtext(f"{{{M}}}SyncState")
        limit = int(op.findtext(f"{{{M}}}MaxChangesReturned") or 100)
        since = 0
        if state_text:
            try:
                since = int(base64.b64decode(state_text).decode().removeprefix("mqfake-sync:"))
            except ValueError:
                since = -1
            if since < self.min_state:
                # The error still carries an empty SyncState and IncludesLastItemInRange, as
                # Exchange's does; exchangelib reads them before it looks at ResponseClass.
                return self._wrap("SyncFolderItems", [self._error_message(
                    "SyncFolderItems", "ErrorInvalidSyncStateData", "Synchronization state data is corrupt or otherwise invalid.",
                    "<m:SyncState/><m:IncludesLastItemInRange>true</m:IncludesLastItemInRange>")])
        events: list[tuple[int, str]] = []
        fields = self._fields(op)
        for item in self.items.values():
            if item.folder == fid and item.changed > since:
                kind = "Create" if item.created > since else "Update"
                events.append((item.changed, f"<t:{kind}>{self._item_xml(item, fields)}</t:{kind}>"))
        for item_id, folder, seq in self.left:
            if folder == fid and seq > since and since > 0 and not (item_id in self.items and self.items[item_id].folder == fid):
                events.append((seq, f'<t:Delete><t:ItemId Id="{item_id}" ChangeKey="AAAA"/></t:Delete>'))
        events.sort()
        page = events[:limit]
        new_state = page[-1][0] if len(events) > limit else max([since, self.seq, *(e[0] for e in page)])
        state = base64.b64encode(f"mqfake-sync:{new_state}".encode()).decode()
        return self._wrap("SyncFolderItems", [
            '<m:SyncFolderItemsResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>'
            f"<m:SyncState>{state}</m:SyncState><m:IncludesLastItemInRange>{'false' if len(events) > limit else 'true'}</m:IncludesLastItemInRange>"
            "<m:Changes>" + "".join(e[1] for e in page) + "</m:Changes></m:SyncFolderItemsResponseMessage>"])

    def op_GetItem(self, op: ET.Element) -> str:
        fields, extended = self._fields(op), self._extended(op)
        messages = []
        for ref in op.find(f"{{{M}}}ItemIds"):  # type: ignore[union-attr]
            item = self.items.get(ref.get("Id", ""))
            if item is None:
                messages.append(self._error_message("GetItem", "ErrorItemNotFound", "The specified object was not found in the store.", "<m:Items/>"))
            else:
                messages.append('<m:GetItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>'
                                f"<m:Items>{self._item_xml(item, fields, extended)}</m:Items></m:GetItemResponseMessage>")
        return self._wrap("GetItem", messages)

    def op_UpdateItem(self, op: ET.Element) -> str:
        messages = []
        for change in op.iter(f"{{{T}}}ItemChange"):
            item = self.items.get(change.find(f"{{{T}}}ItemId").get("Id", ""))  # type: ignore[union-attr]
            if item is None:
                messages.append(self._error_message("UpdateItem", "ErrorItemNotFound", "The specified object was not found in the store.", "<m:Items/>"))
                continue
            for update in change.find(f"{{{T}}}Updates"):  # type: ignore[union-attr]
                uri = update.find(f"{{{T}}}FieldURI")
                if uri is None or uri.get("FieldURI") != "item:Categories":
                    return self._error("UpdateItem", "ErrorInvalidPropertySet", "This fake only updates categories.")
                if update.tag.endswith("SetItemField"):
                    item.categories = [s.text or "" for s in update.iter(f"{{{T}}}String")]
                else:
                    item.categories = []
            self._touch(item)
            messages.append('<m:UpdateItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>'
                            f'<m:Items><t:Message><t:ItemId Id="{item.id}" ChangeKey="{item.changekey}"/></t:Message></m:Items>'
                            "<m:ConflictResults><t:Count>0</t:Count></m:ConflictResults></m:UpdateItemResponseMessage>")
        return self._wrap("UpdateItem", messages)

    def op_MoveItem(self, op: ET.Element) -> str:
        target = self._folder_ref(op.find(f"{{{M}}}ToFolderId"))  # type: ignore[arg-type]
        if target not in self.folders:
            return self._error("MoveItem", "ErrorFolderNotFound", "The specified folder could not be found in the store.")
        messages = []
        for ref in op.find(f"{{{M}}}ItemIds"):  # type: ignore[union-attr]
            item = self.items.pop(ref.get("Id", ""), None)
            if item is None:
                messages.append(self._error_message("MoveItem", "ErrorItemNotFound", "The specified object was not found in the store.", "<m:Items/>"))
                continue
            self.left.append((item.id, item.folder, self.seq + 1))
            item.id, item.folder = _id("MVD"), target  # EWS ids change when an item moves
            self._touch(item)
            self.items[item.id] = item
            messages.append('<m:MoveItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>'
                            f'<m:Items><t:Message><t:ItemId Id="{item.id}" ChangeKey="{item.changekey}"/></t:Message></m:Items></m:MoveItemResponseMessage>')
        return self._wrap("MoveItem", messages)

    def op_CreateItem(self, op: ET.Element) -> str:
        disposition = op.get("MessageDisposition", "SaveOnly")
        saved = self._folder_ref(op.find(f"{{{M}}}SavedItemFolderId")) if op.find(f"{{{M}}}SavedItemFolderId") is not None else "folder-drafts"  # type: ignore[arg-type]
        messages = []
        for element in op.find(f"{{{M}}}Items"):  # type: ignore[union-attr]
            props = {}
            for prop in element.iter(f"{{{T}}}ExtendedProperty"):
                uri = prop.find(f"{{{T}}}ExtendedFieldURI")
                key = f"{uri.get('DistinguishedPropertySetId') or uri.get('PropertySetId')}/{uri.get('PropertyName')}".lower()  # type: ignore[union-attr]
                props[key] = prop.findtext(f"{{{T}}}Value") or ""
            item = EwsItem(id=_id("NEW"), folder=saved, subject=element.findtext(f"{{{T}}}Subject") or "", props=props,
                           to=[e.text or "" for e in element.iter(f"{{{T}}}EmailAddress") if _in(element, "ToRecipients", e)],
                           body=element.findtext(f"{{{T}}}Body") or "", in_reply_to=element.findtext(f"{{{T}}}InReplyTo") or "",
                           is_draft=disposition == "SaveOnly")
            item.props["cc"] = ",".join(e.text or "" for e in element.iter(f"{{{T}}}EmailAddress") if _in(element, "CcRecipients", e))
            self._touch(item, created=True)
            if disposition == "SendAndSaveCopy":
                self.sent.append(item)
                self.items[item.id] = item
                messages.append('<m:CreateItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:Items/></m:CreateItemResponseMessage>')
            else:
                self.items[item.id] = item
                messages.append('<m:CreateItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>'
                                f'<m:Items><t:Message><t:ItemId Id="{item.id}" ChangeKey="{item.changekey}"/></t:Message></m:Items></m:CreateItemResponseMessage>')
        return self._wrap("CreateItem", messages)

    def op_FindItem(self, op: ET.Element) -> str:
        parents = [self._folder_ref(_single(ref)) for ref in op.find(f"{{{M}}}ParentFolderIds")]  # type: ignore[union-attr]
        restriction = op.find(f"{{{M}}}Restriction")
        wanted: tuple[str, str] | None = None
        if restriction is not None:
            equal = restriction.find(f"{{{T}}}IsEqualTo")
            uri = equal.find(f"{{{T}}}ExtendedFieldURI") if equal is not None else None
            constant = equal.find(f".//{{{T}}}Constant") if equal is not None else None
            if uri is None or constant is None:
                return self._error("FindItem", "ErrorInvalidRestriction", "This fake only filters on one extended property.")
            wanted = (f"{uri.get('DistinguishedPropertySetId') or uri.get('PropertySetId')}/{uri.get('PropertyName')}".lower(), constant.get("Value", ""))
        fields = self._fields(op)
        messages = []  # one response message per parent folder, in request order
        for parent in parents:
            found = [i for i in self.items.values() if i.folder == parent and (wanted is None or i.props.get(wanted[0]) == wanted[1])]
            messages.append('<m:FindItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>'
                            f'<m:RootFolder IndexedPagingOffset="{len(found)}" TotalItemsInView="{len(found)}" IncludesLastItemInRange="true">'
                            "<t:Items>" + "".join(self._item_xml(i, fields) for i in found) + "</t:Items></m:RootFolder></m:FindItemResponseMessage>")
        return self._wrap("FindItem", messages)

    def _mime_of(self, item: EwsItem) -> bytes:
        return (f"Subject: {item.subject}\r\nTo: {', '.join(item.to)}\r\nContent-Type: text/html; charset=utf-8\r\n\r\n{item.body}\r\n").encode()


def _single(ref: ET.Element) -> ET.Element:
    holder = ET.Element("holder")
    holder.append(ref)
    return holder


def _in(message: ET.Element, container: str, address: ET.Element) -> bool:
    box = message.find(f"{{{T}}}{container}")
    return box is not None and any(a is address for a in box.iter(f"{{{T}}}EmailAddress"))


__all__ = ["EwsFake", "EwsItem"]
