"""Run every detector over a message: the "classify" stage.

One spaCy ``Doc`` per message (new text, then the subject) is shared by the text
detectors. Header detectors need no NLP at all, which is why ``third_party_cc`` and
the sender facts are exact.
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
from classifiers.findings import Finding
from classifiers.doc_runner import DocRunner
from classifiers.hits import keep_texts
from classifiers.named_kin import mark_named_kin
from classifiers.nlp import load_pipeline, model_text
from classifiers.recipients import ThirdPartyDetector
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
        texts = [text_for(m) for m in messages]
        reads = [model_text(t) for t in texts]  # what spaCy reads: lower-cased
        pairs = ((read, (text, read)) for text, read in zip(texts, reads))
        for message, (doc, (text, read)) in zip(messages, self.runner(pairs, batch_size=batch_size)):
            keep_texts(doc, text, read)  # evidence quotes the text as written
            yield self.with_doc(message, doc)

    def with_doc(self, message: Message, doc: Doc) -> Classification:
        """The findings for a message whose Doc the pipeline has made (its texts stored by ``hits.keep_texts``)."""
        mark_named_kin(doc)  # "our Connor": needs the text as written, which the pipeline did not read
        is_member, personal, member = self.sender(message, self.directory)
        doc.user_data[combine.BUSINESS_KEY] = personal.kind == "business"
        signed = signature_stake(message) if is_member.value else None
        doc.user_data[combine.SIGNED_KEY] = signed.strength if signed else 0.0
        t = self.thresholds
        combined = self.combiner(doc)
        findings = {
            "sender_is_member": is_member,
            "personal_address": personal,
            "third_party_cc": self.third_party(message, self.directory, is_member.value),
            "enquiry": self.enquiry(message, doc, self.directory, combined, t["enquiry"]),
            "personal_interest": self.interest(message, doc, combined, t["personal_interest"], sender_is_member=is_member.value, signed=signed),
            "complaint": self.complaint(message, doc, self.directory, combined, t["complaint"]),
        }
        return Classification(findings=findings, member=member, doc=doc)
