"""Reply composition: a frozen context in, a threaded RFC 5322 draft out (jinja2 templates)."""

from __future__ import annotations

from drafts.digest import DigestContext, DigestItem, digest_subject, render_digest
from drafts.reply import (
    LANGUAGES,
    RenderError,
    ReplyContext,
    as_bytes,
    render_reply,
    reply_message_id,
    reply_subject,
)

__all__ = [
    "LANGUAGES",
    "DigestContext",
    "DigestItem",
    "RenderError",
    "ReplyContext",
    "as_bytes",
    "digest_subject",
    "render_digest",
    "render_reply",
    "reply_message_id",
    "reply_subject",
]
