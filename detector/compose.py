"""From a rejection and its facts to the reply draft: the seam between ``detector`` and ``drafts``."""

from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage

from detector.config import Config
from detector.errors import DraftError
from detector.facts import Facts
from detector.message import Message
from drafts import RenderError, ReplyContext, render_reply

__all__ = ["compose"]


def compose(message: Message, facts: Facts, config: Config, *, now: datetime) -> EmailMessage:
    """The threaded reply to ``message``, from the configured identity, in the mail's language."""
    context = ReplyContext(
        sender_name=config.identity.name,
        sender_email=config.identity.email,
        to=facts.reply_to,
        original_subject=message.subject,
        original_key=message.key,
        original_message_id=message.message_id,
        original_references=message.references,
        company=facts.company,
        position=facts.position,
        contact_name=facts.contact_name,
        interviewed=facts.interviewed,
        language=facts.language,
        tone=config.drafts.tone,
        signature=config.identity.signature,
        date=now,
    )
    try:
        return render_reply(context, templates_dir=config.drafts.templates_dir)
    except RenderError as err:  # drafts/ knows nothing of gracious's errors: translate here
        raise DraftError(str(err)) from err
