"""Run every detector over a message: the "classify" stage.

One spaCy ``Doc`` per message (new text, then the subject) is shared by the text
detectors. Header detectors need no NLP at all, which is why ``third_party_cc`` and
the sender facts are exact. Mail whose headers or structure show it is automatic, bulk
or an officer's own (``EnquiryDetector.structural``) gets no Doc: the text detectors'
findings for it are false with that reason, and nothing is tokenized.
"""

from __future__ import annotations

from dataclasses import InitVar, dataclass, field
from pathlib import Path
from typing import Iterable, Mapping

from spacy.language import Language
from spacy.tokens import Doc

from bot.config import Config
from bot.directory import Directory, Member
from bot.message import Message
from classifiers import combine
from classifiers.findings import NOT_READ, Evidence, Finding
from classifiers.doc_runner import DocRunner
from classifiers.hits import keep_texts
from classifiers.named_kin import mark_named_kin
from classifiers.nlp import load_pipeline, model_text
from classifiers.recipients import ThirdPartyDetector, own_addresses
from classifiers.sender import SenderDetector
from classifiers.signature_stake import signature_stake
from classifiers.text import ComplaintDetector, EnquiryDetector, InterestDetector

MAX_CHARS = 6000  # long reply chains are cut: the new text comes first
DEFAULT_THRESHOLDS = {"enquiry": 0.5, "personal_interest": 0.5, "complaint": 0.5}


def text_for(message: Message) -> str:
    return f"{message.new_text[:MAX_CHARS]}\n\n{message.subject}"


@dataclass
class Classification:
    findings: dict[str, Finding]
    member: Member | None
    doc: Doc | None = None  # tokens and lemmas, re-used by the routing rules


@dataclass
class Detectors:
    nlp: Language
    directory: Directory
    thresholds: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_THRESHOLDS))
    weights: dict[str, list[float]] = field(default_factory=dict)
    shared_runner: InitVar[DocRunner | None] = None  # another council's, for the same ``nlp``
    model_thresholds: dict[str, float] = field(default_factory=dict)  # the model's own, before a council's overrides
    runner: DocRunner = field(init=False)

    def __post_init__(self, shared_runner: DocRunner | None) -> None:
        self.model_thresholds = self.model_thresholds or dict(self.thresholds)
        self.sender = SenderDetector()
        self.third_party = ThirdPartyDetector()
        self.enquiry = EnquiryDetector()
        self.interest = InterestDetector()
        self.complaint = ComplaintDetector()
        self.runner = shared_runner or DocRunner(self.nlp)
        self.combiner = combine.Combiner(self.weights)

    @classmethod
    def load(cls, directory: Directory, model: Path | None = None, base: str = "", thresholds: Mapping[str, float] | None = None) -> "Detectors":
        """The model's pipeline, weights and thresholds; ``thresholds`` (a council's own) override the model's."""
        nlp, chosen, weights = load_pipeline(model, base)
        own = {**DEFAULT_THRESHOLDS, **chosen}
        return cls(nlp=nlp, directory=directory, thresholds={**own, **(thresholds or {})}, weights=weights, model_thresholds=own)

    @classmethod
    def from_config(cls, directory: Directory, config: Config) -> "Detectors":
        settings = config.classifiers
        model = config.resolve(settings.model) if settings.model else None
        return cls.load(directory, model, settings.base_pipeline, settings.thresholds)

    def with_directory(self, directory: Directory, thresholds: Mapping[str, float] | None = None) -> "Detectors":
        """The same loaded model for another council's rosters and threshold overrides (evaluation over corpora)."""
        return Detectors(nlp=self.nlp, directory=directory, thresholds={**self.model_thresholds, **(thresholds or {})}, weights=self.weights,
                         shared_runner=self.runner, model_thresholds=self.model_thresholds)

    def classify(self, message: Message) -> Classification:
        return next(iter(self.classify_many([message])))

    def classify_many(self, messages: Iterable[Message], batch_size: int = 64) -> Iterable[Classification]:
        messages = list(messages)
        # Robots, receipts, invitations, lists and officers' own replies are known from their
        # headers: LABELS.md makes none of them an enquiry, and none states a member's stake
        # or a complaint (all 484 in the corpus are labelled so), so their text is never
        # tokenized: about a tenth of a mailbox's mail, and of classify's time.
        gates = [self.enquiry.structural(m, self.directory) for m in messages]
        texts = [text_for(m) for m, gate in zip(messages, gates) if gate is None]
        reads = [model_text(t) for t in texts]  # what spaCy reads: lower-cased
        docs = self.runner(((read, (text, read)) for text, read in zip(texts, reads)), batch_size=batch_size)
        for message, gate in zip(messages, gates):
            if gate is not None:
                yield self.without_text(message, gate)
                continue
            doc, (text, read) = next(docs)
            keep_texts(doc, text, read)  # evidence quotes the text as written
            yield self.with_doc(message, doc, headers_checked=True)

    def header_findings(self, message: Message) -> tuple[dict[str, Finding], Member | None]:
        is_member, personal, member = self.sender(message, self.directory)
        # The member the sender detector matched (by address, display name or sign-off), so a
        # member copying their council address from webmail is not a third party, without
        # looking them up a second time.
        findings = {
            "sender_is_member": is_member,
            "personal_address": personal,
            "third_party_cc": self.third_party(message, self.directory, is_member.value, own_addresses(message, member)),
        }
        return findings, member

    def without_text(self, message: Message, gate: Evidence) -> Classification:
        """The findings for a message its headers or structure mark as automatic, bulk or an officer's own."""
        findings, member = self.header_findings(message)
        reason = {"reason": f"not read: {gate.detail}", NOT_READ: True}
        findings["enquiry"] = self.enquiry.machine_or_officer(gate)
        findings["enquiry"].details[NOT_READ] = True
        findings["personal_interest"] = Finding("personal_interest", False, 0.0, self.interest.name, details=dict(reason))
        findings["complaint"] = Finding("complaint", False, 0.0, self.complaint.name, details=dict(reason))
        return Classification(findings=findings, member=member)

    def with_doc(self, message: Message, doc: Doc, headers_checked: bool = False) -> Classification:
        """The findings for a message whose Doc the pipeline has made (its texts stored by ``hits.keep_texts``);
        ``headers_checked``: its structure was already found not to be automatic (``classify_many``)."""
        mark_named_kin(doc)  # "our Connor": needs the text as written, which the pipeline did not read
        findings, member = self.header_findings(message)
        is_member, personal = findings["sender_is_member"], findings["personal_address"]
        doc.user_data[combine.BUSINESS_KEY] = personal.kind == "business"
        signed = signature_stake(message) if is_member.value else None
        doc.user_data[combine.SIGNED_KEY] = signed.strength if signed else 0.0
        t = self.thresholds
        combined = self.combiner(doc)
        findings["enquiry"] = self.enquiry(message, doc, self.directory, combined, t["enquiry"], headers_checked=headers_checked)
        findings["personal_interest"] = self.interest(message, doc, combined, t["personal_interest"], sender_is_member=is_member.value, signed=signed)
        findings["complaint"] = self.complaint(message, doc, self.directory, combined, t["complaint"])
        return Classification(findings=findings, member=member, doc=doc)
