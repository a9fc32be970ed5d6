"""What came of a draft, and the folders read besides the watched ones.

After a draft is saved, gracious watches (read-only) what the user does with it: the Sent folder
tells whether it was sent as drafted or after edits, the Drafts folder whether it was deleted
unsent (recorded, never recreated), and incoming mail whether someone answered the note. The
training folders are read the same way, for labels. Each such folder has its own cursor in the
journal, so every message in it is looked at once.
"""

from __future__ import annotations

import email
import email.policy
import logging
import threading
from collections.abc import Callable, Collection
from dataclasses import dataclass, replace
from datetime import date, timedelta
from email.message import EmailMessage
from functools import partial

from detector.config import AccountConfig, Config
from detector.contacts import ContactIndex, Recipient, choose_recipient, had_interview
from detector.errors import MessageError
from detector.facts import Facts
from detector.labels import LabelStore, UnreadableMail
from detector.mailbox import Mailbox, Pending, RawMail, Scan, chunks, draft_token
from detector.message import Message, parse
from detector.state import Cursor, Journal, Record, Status

__all__ = ["FollowUp", "Tally", "address"]

log = logging.getLogger(__name__)


@dataclass
class Tally:
    """What the side folders yielded in one pass."""

    labeled: int = 0
    sent: int = 0
    skipped: int = 0


def address(
    contacts: ContactIndex, message: Message, facts: Facts, *, own: Collection[str] = ()
) -> tuple[Facts, Recipient]:
    """The facts with the person to thank (see :mod:`detector.contacts`) and stage evidence.

    "Thank you for the interview" only when there was one: the rejection says so, or earlier
    mail from the same thread or company invited to or scheduled one.
    """
    recipient = choose_recipient(message, facts, contacts, own=own)
    # The greeting names the person the draft goes to, never the relay mail's signer.
    name = facts.contact_name if recipient.rule in ("sender", "role") else recipient.name
    interviewed = facts.interviewed
    if not interviewed and had_interview(message, facts, contacts):
        interviewed = True
    updated = replace(facts, reply_to=recipient.email, contact_name=name, interviewed=interviewed)
    return updated, recipient


def note_answered_by(journal: Journal, message: Message) -> Record | None:
    """The user's note that ``message`` replies to, if it replies to one."""
    ids = {i for i in (message.in_reply_to, *message.references) if i}
    if not ids:
        return None
    tokens = sorted({draft_token(i) for i in ids if draft_token(i) != i.strip("<>")})
    return journal.note_replied_to(sorted(ids), tokens)


class FollowUp:
    """Reads an account's side folders: training folders, Sent, and the Drafts it wrote to."""

    def __init__(
        self,
        config: Config,
        journal: Journal,
        *,
        stop: threading.Event,
    ) -> None:
        self.config = config
        self.journal = journal
        self.stop = stop
        self._labels: LabelStore | None = None

    def close(self) -> None:
        """Close the labeled store, if a pass opened it."""
        if self._labels is not None:
            self._labels.close()
            self._labels = None

    def run(self, account: AccountConfig, mailbox: Mailbox) -> Tally:
        """Labels from the training folders, then what became of the drafts."""
        tally = Tally()
        training = self.config.training
        for folder, rejection in (
            (training.rejection_folder, True),
            (training.not_rejection_folder, False),
        ):
            if folder is not None and not self.stop.is_set() and mailbox.has_folder(folder):
                # A training folder is read whole, however old the mail in it.
                label = partial(self._label, account, rejection=rejection, tally=tally)
                self._read(account, mailbox, folder, None, label)
        notes = self.journal.notes()
        unsent = [n for n in notes if n.status in (Status.DRAFTED, Status.DELETED)]
        # Sent is only read while a note may still be sent, and never further back than the
        # first note: the user's years of sent mail are none of gracious's business.
        sent = mailbox.sent_folder() if unsent and not self.stop.is_set() else None
        if sent is not None and sent not in account.folders:
            cursor = self.journal.cursor(account.name, sent)
            since = cursor.since if cursor is not None else _earliest(unsent)
            by_draft = {draft_token(n.draft_message_id): n for n in notes if n.draft_message_id}
            by_original = {n.key: n for n in notes}
            self._read(
                account,
                mailbox,
                sent,
                since,
                lambda raw: self._sent(raw, by_draft, by_original, tally),
            )
        self._deleted(account, mailbox)
        return tally

    # --- one side folder -----------------------------------------------------------------------

    def _read(
        self,
        account: AccountConfig,
        mailbox: Mailbox,
        folder: str,
        since: date | None,
        handle: Callable[[RawMail], str | None],
    ) -> None:
        """Hand each message new in ``folder`` to ``handle`` once, then record it as read."""
        cursor = self.journal.cursor(account.name, folder)
        scan = mailbox.scan(
            folder,
            uidvalidity=cursor.uidvalidity if cursor else None,
            after_uid=cursor.last_uid if cursor else 0,
            since=since,
        )
        seen = self.journal.seen_sources(account.name, folder)
        todo = [p for p in scan.pending if p.source_id not in seen]
        limit = account.max_message_kb * 1024
        for batch in chunks(todo, max(1, account.batch_size)):
            fetched = {
                r.source_id: r for r in mailbox.fetch(folder, [p for p in batch if p.size <= limit])
            }
            for item in batch:
                if self.stop.is_set():
                    return
                raw = fetched.get(item.source_id)
                if item.size > limit:
                    log.warning(
                        "account %s: %s %s: not read, larger than max_message_kb (%d KB)",
                        account.name,
                        folder,
                        item.source_id,
                        item.size // 1024,
                    )
                key = handle(raw) if raw is not None else None
                self._done(account.name, scan, since, item, key)

    def _done(
        self, account: str, scan: Scan, since: date | None, item: Pending, key: str | None
    ) -> None:
        folder = scan.folder
        with self.journal.transaction() as db:
            key = key or f"source:{account}/{folder}/{item.source_id}"
            self.journal.add_source(db, account, folder, item.source_id, key)
            cursor = self.journal.cursor(account, folder)
            last = cursor.last_uid if cursor and cursor.uidvalidity == scan.uidvalidity else 0
            self.journal.set_cursor(
                db, account, folder, Cursor(scan.uidvalidity, max(last, item.uid), since)
            )

    # --- training folders ----------------------------------------------------------------------

    def _label(
        self, account: AccountConfig, raw: RawMail, rejection: bool, tally: Tally
    ) -> str | None:
        """Label a message found in a training folder; moving it to the other one relabels it."""
        if self._labels is None:
            self._labels = LabelStore(self.config.state.data_dir())
        where = f"{account.name}/{raw.folder} " + (f"UID {raw.uid}" if raw.uid else raw.source_id)
        try:
            label = self._labels.put(raw.raw, rejection, route="folder", origin=where)
        except UnreadableMail as err:
            tally.skipped += 1
            log.warning("%s: not labeled, %s", where, err)
            return None
        tally.labeled += 1
        log.info("%s: labeled %s", where, "rejection" if rejection else "not a rejection")
        return label.key

    # --- Sent and Drafts -----------------------------------------------------------------------

    def _sent(
        self,
        raw: RawMail,
        by_draft: dict[str, Record],
        by_original: dict[str, Record],
        tally: Tally,
    ) -> str | None:
        try:
            sent = parse(raw.raw)
        except MessageError:
            return None
        note = by_draft.get(draft_token(sent.message_id)) if sent.message_id else None
        if note is None:  # some clients give the sent message a new Message-ID
            replied = [sent.in_reply_to, *sent.references]
            note = next((by_original[i] for i in replied if i and i in by_original), None)
        if note is None or note.status in (Status.SENT, Status.SENT_EDITED):
            return sent.key
        edited = not _contains_draft(sent, note.draft)
        when = sent.date.isoformat() if sent.date else ""
        self.journal.mark_sent(note.key, edited=edited, message_id=sent.message_id, when=when)
        # The lookups were built before this pass: a follow-up in the same thread later in
        # Sent must not count as a second sending of the same note.
        marked = replace(note, status=Status.SENT_EDITED if edited else Status.SENT)
        for lookup in (by_draft, by_original):
            for key, value in list(lookup.items()):
                if value.key == note.key:
                    lookup[key] = marked
        tally.sent += 1
        log.info("note %s was sent%s", note.ref, " after edits" if edited else "")
        return sent.key

    def _deleted(self, account: AccountConfig, mailbox: Mailbox) -> None:
        """Drafts gone from Drafts without being sent: recorded, and never recreated.

        Seen after Sent, so a draft sent since the last pass is already marked sent. A client
        that saves an edited draft under a new Message-ID makes it look deleted until it is
        sent; then Sent corrects it.
        """
        waiting = [n for n in self.journal.notes(account.name) if n.status == Status.DRAFTED]
        if not waiting:
            return
        # Unchanged since the last look (nothing added or removed): nothing was deleted.
        name = f"drafts-state:{account.name}"
        state = mailbox.drafts_state()
        if state == self.journal.meta(name):
            return
        present = mailbox.draft_tokens()
        for note in waiting:
            if note.draft_message_id and draft_token(note.draft_message_id) not in present:
                self.journal.set_status(
                    note.key, Status.DELETED, reason="deleted from Drafts without being sent"
                )
                log.info("the draft for %s was deleted without being sent", note.ref)
        self.journal.set_meta(name, state)


def _earliest(notes: list[Record]) -> date:
    """The day before the first of ``notes`` was recorded (a day's margin for time zones)."""
    return min(date.fromisoformat(n.created[:10]) for n in notes) - timedelta(days=1)


def _plain(raw: bytes) -> str:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    body = message.get_body(("plain",))
    return str(body.get_content()) if isinstance(body, EmailMessage) else ""


def _contains_draft(sent: Message, draft: bytes | None) -> bool:
    """Whether the sent mail still holds the draft's text (whitespace aside: clients re-wrap)."""
    if not draft:
        return False
    want = " ".join(_plain(draft).split())
    return bool(want) and want in " ".join(sent.body.split())
