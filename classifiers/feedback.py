"""Staff corrections (from the dashboard) as training examples for ``mqtriage train``."""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import select

from classifiers.nlp import TEXT_LABELS
from classifiers.train import TextExample
from storage.models import Correction, SeenMessage
from storage.store import Store


class Corrections(NamedTuple):
    examples: list[TextExample]
    not_read: int  # corrected messages left out: the model never reads them (see below)


def corrections_as_examples(store: Store) -> Corrections:
    """The latest correction per message and label wins; other labels keep the bot's value.

    Mail the bot knew from its headers to be automatic, bulk or an officer's own was never
    read by the text classifier (``Detectors.without_text``), and never will be: a
    correction there says the headers misled the bot, which training the classifier on the
    text would not change, and its text (an out-of-office, a bounce) would teach it words
    it never sees at work. Such messages are left out and counted. Messages stored before
    this was recorded count as read."""
    by_message: dict[int, dict[str, float]] = {}
    texts: dict[int, str] = {}
    members: dict[int, bool] = {}
    business: dict[int, bool] = {}
    signed: dict[int, float] = {}
    not_read: set[int] = set()
    with store.session() as s:
        rows = s.execute(select(Correction, SeenMessage).join(SeenMessage, Correction.message_pk == SeenMessage.id).order_by(Correction.id))
        for corr, msg in rows:
            if corr.field not in TEXT_LABELS:
                continue
            if msg.labels.get("read_by_model", True) is False:
                not_read.add(msg.id)
                continue
            labels = by_message.setdefault(msg.id, {k: float(bool(msg.labels.get(k))) for k in TEXT_LABELS})
            labels[corr.field] = float(corr.new_value.lower() in ("true", "1", "yes"))
            texts[msg.id] = corr.text or f"{msg.excerpt}\n\n{msg.subject}"
            members[msg.id] = bool(msg.labels.get("sender_is_member", True))
            business[msg.id] = msg.labels.get("address_kind") == "business"
            signed[msg.id] = float(msg.labels.get("signed_stake") or 0.0)
    examples = [TextExample(texts[pk], cats, members[pk], business[pk], signed[pk]) for pk, cats in by_message.items()]
    return Corrections(examples, len(not_read))
