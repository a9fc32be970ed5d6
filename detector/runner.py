"""One pass over a mailbox: new mail in, one draft per rejection out, the journal kept exact.

The decisions (classify, extract, compose) are the pure core; this module is the shell that
orders the side effects so that no crash, reconnect or UIDVALIDITY change ever yields a
duplicate draft or a message never looked at:

1. the message's record, its source and the folder cursor are written in one transaction,
   with the draft's bytes when it is a rejection (status ``draft_intent``);
2. the Drafts folder is searched for the draft's Message-ID, and the draft appended if absent;
3. the record is confirmed (``drafted``).

A crash after 1 is finished by the next pass from the journal alone; a crash after 2 finds the
draft in 2 and only confirms it.
"""

from __future__ import annotations

import contextlib
import email
import email.policy
import hashlib
import logging
import sqlite3
import sys
import threading
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage

from detector.classifier import Model, Verdict, classify, classify_many
from detector.compose import compose
from detector.config import AccountConfig, Config
from detector.contacts import Contact, ContactIndex, Recipient, contact_of, thread_ids
from detector.credentials import CredentialsError, resolve_credentials
from detector.errors import GraciousError, MessageError
from detector.facts import Facts, extract
from detector.followup import FollowUp, address, note_answered_by
from detector.imap import ImapError, ImapMailbox
from detector.mailbox import Mailbox, MailboxError, Pending, RawMail, Scan, chunks
from detector.maildir import MaildirMailbox
from detector.message import Message, parse
from detector.stage import stage
from detector.state import Cursor, Entry, Journal, Record, Status
from detector.weekly import save_weekly_note
from drafts import as_bytes

__all__ = ["PassOptions", "Runner", "Summary", "open_mailbox"]

log = logging.getLogger(__name__)


@dataclass
class Summary:
    """What a pass did, for the one-line report."""

    checked: int = 0
    rejections: int = 0
    drafts_saved: int = 0
    skipped: int = 0
    errors: int = 0
    uncertain: int = 0
    labeled: int = 0
    sent: int = 0
    answers: int = 0
    planned: list[str] = field(default_factory=list)
    saved: list[str] = field(default_factory=list)

    def add(self, other: Summary) -> None:
        """Fold another account's figures into these."""
        self.checked += other.checked
        self.rejections += other.rejections
        self.drafts_saved += other.drafts_saved
        self.skipped += other.skipped
        self.errors += other.errors
        self.uncertain += other.uncertain
        self.labeled += other.labeled
        self.sent += other.sent
        self.answers += other.answers
        self.planned.extend(other.planned)
        self.saved.extend(other.saved)

    def line(self, *, dry_run: bool = False) -> str:
        """``checked 12, rejections 2, drafts saved 2, skipped 1, errors 0``."""
        saved = "drafts that would be saved" if dry_run else "drafts saved"
        extra = f", uncertain {self.uncertain}" if self.uncertain else ""
        extra += f", labels {self.labeled}" if self.labeled else ""
        extra += f", notes sent {self.sent}" if self.sent else ""
        extra += f", answers {self.answers}" if self.answers else ""
        return (
            f"checked {self.checked}, rejections {self.rejections}, {saved} "
            f"{len(self.planned) if dry_run else self.drafts_saved}, skipped {self.skipped}, "
            f"errors {self.errors}{extra}"
        )


@dataclass(frozen=True)
class PassOptions:
    """How far back to look and whether to write anything."""

    dry_run: bool = False
    since: date | None = None
    everything: bool = False
    progress: bool = False


def open_mailbox(account: AccountConfig, config: Config) -> Mailbox:
    """The backend for ``account``; IMAP credentials are fetched only when it connects."""
    if account.is_maildir:
        return MaildirMailbox(account)
    return ImapMailbox(account, lambda: resolve_credentials(account, config_file=config.source))


@dataclass
class _Prepared:
    """A fetched message parsed (or why not) and, when new, its verdict."""

    message: Message | None
    error: str | None = None
    verdict: Verdict | None = None


@dataclass(frozen=True)
class _Decision:
    """What the core decided about a new message, before anything is written."""

    verdict: Verdict
    found: Facts  # as extracted from the mail itself
    facts: Facts  # with the person to thank and the interview evidence from earlier mail
    stage: str
    note: Record | None  # the user's note this message answers
    recipient: Recipient | None
    reply: EmailMessage | None
    status: str


@dataclass(frozen=True)
class _Folder:
    """What every step of one folder's pass needs to know."""

    account: AccountConfig
    mailbox: Mailbox
    scan: Scan
    since: date | None
    summary: Summary


class Runner:
    """Processes accounts with one model and one journal; one thread at a time."""

    def __init__(
        self,
        config: Config,
        model: Model,
        journal: Journal,
        *,
        options: PassOptions | None = None,
        stop: threading.Event | None = None,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.config = config
        self.model = model
        self.journal = journal
        self.options = options or PassOptions()
        self.stop = stop or threading.Event()
        self.now = now
        self.followup = FollowUp(config, journal, stop=self.stop)
        self._contact_index: ContactIndex | None = None
        band = config.detector.uncertain_below
        if band is not None and band >= model.threshold:
            log.warning(
                "detector.uncertain_below (%s) is not below the model's threshold (%s); "
                "no mail will be marked uncertain",
                band,
                model.threshold,
            )

    def run_account(self, account: AccountConfig, mailbox: Mailbox) -> Summary:
        """One pass over the account's watched folders; mailbox errors end it, state intact."""
        summary = Summary()
        lock = (
            contextlib.nullcontext()
            if self.options.dry_run
            else self.journal.account_lock(account.name)
        )
        with lock:
            try:
                mailbox.open()
                if not self.options.dry_run:
                    self._finish_pending(account, mailbox, summary)
                for folder in account.folders:
                    if self.stop.is_set():
                        break
                    self._run_folder(account, mailbox, folder, summary)
                if not self.options.dry_run and not self.stop.is_set():
                    tally = self.followup.run(account, mailbox)
                    summary.labeled += tally.labeled
                    summary.sent += tally.sent
                    summary.skipped += tally.skipped
                    self._weekly_note(account, mailbox, summary)
            except (MailboxError, CredentialsError, OSError, ImapError, EOFError) as err:
                summary.errors += 1
                log.error("%s", _describe(account.name, err))
            except (GraciousError, sqlite3.Error) as err:  # a broken template, the journal
                summary.errors += 1
                log.error("account %s: %s", account.name, err)
            finally:
                mailbox.close()
        return summary

    # --- a folder ------------------------------------------------------------------------------

    def _run_folder(
        self, account: AccountConfig, mailbox: Mailbox, folder: str, summary: Summary
    ) -> None:
        cursor = self.journal.cursor(account.name, folder)
        since = self._since(account, cursor)
        # A backfill (--all, --since) searches by date: older mail lies below the cursor.
        backfill = self.options.everything or self.options.since is not None
        resume = cursor if cursor is not None and not backfill else None
        scan = mailbox.scan(
            folder,
            uidvalidity=resume.uidvalidity if resume else None,
            after_uid=resume.last_uid if resume else 0,
            since=since,
        )
        if cursor and cursor.uidvalidity != scan.uidvalidity:
            log.warning(
                "account %s: %s changed UIDVALIDITY (%s -> %s); rescanning it since %s, "
                "nothing already drafted will be drafted again",
                account.name,
                folder,
                cursor.uidvalidity,
                scan.uidvalidity,
                since,
            )
        seen = self.journal.seen_sources(account.name, folder)
        todo = [p for p in scan.pending if p.source_id not in seen]
        if not todo:
            log.debug("account %s: %s has nothing new", account.name, folder)
            return
        log.info("account %s: %s has %d new messages", account.name, folder, len(todo))
        limit = account.max_message_kb * 1024
        ctx = _Folder(account, mailbox, scan, since, summary)
        progress = _Progress(f"{account.name}/{folder}", len(todo), self.options.progress)
        # In UID order, batch by batch: the cursor only ever passes messages that are recorded.
        for batch in chunks(todo, max(1, account.batch_size)):
            fetched = {
                r.source_id: r for r in mailbox.fetch(folder, [p for p in batch if p.size <= limit])
            }
            prepared = self._prepare(fetched.values())
            for item in batch:
                if self.stop.is_set():
                    progress.done()
                    return
                if item.size > limit:
                    self._skip_large(ctx, item)
                elif item.source_id in fetched:
                    self._process(ctx, fetched[item.source_id], prepared[item.source_id])
                progress.step()
        progress.done()

    def _since(self, account: AccountConfig, cursor: Cursor | None) -> date | None:
        """The first pass looks back ``since_days``; later passes keep the date they started at."""
        if self.options.everything:
            return None
        if self.options.since is not None:
            return self.options.since
        if cursor is not None:
            return cursor.since
        return (self.now() - timedelta(days=account.since_days)).date()

    # --- a message -----------------------------------------------------------------------------

    def _prepare(self, raws: Iterable[RawMail]) -> dict[str, _Prepared]:
        """Parse a batch, and classify the messages not yet in the journal in one model call."""
        prepared: dict[str, _Prepared] = {}
        for raw in raws:
            try:
                prepared[raw.source_id] = _Prepared(parse(raw.raw))
            except MessageError as err:
                prepared[raw.source_id] = _Prepared(None, error=str(err))
        new = [p for p in prepared.values() if p.message and not self.journal.entry(p.message.key)]
        messages = [p.message for p in new if p.message is not None]
        for item, verdict in zip(new, classify_many(self.model, messages), strict=True):
            item.verdict = verdict
        return prepared

    def _process(self, ctx: _Folder, raw: RawMail, prepared: _Prepared) -> None:
        account, summary = ctx.account, ctx.summary
        summary.checked += 1
        where = f"account {account.name}: {raw.folder} {_id(raw)}"
        message = prepared.message
        if message is None:
            summary.skipped += 1
            log.warning("%s: skipped, %s", where, prepared.error)
            self._remember(ctx, raw, key=_content_key(raw.raw), reason=prepared.error)
            return
        existing = self.journal.entry(message.key)
        if existing is not None:
            # Seen before: in another folder or account, or before a UIDVALIDITY change.
            self._remember(ctx, raw, key=message.key, reason=None, new=False)
            # Only the account that recorded the intent finishes it: its Drafts may hold it.
            mine = existing.account == account.name
            if existing.status == Status.DRAFT_INTENT and mine and not self.options.dry_run:
                self._complete(ctx.mailbox, existing, summary)
            return
        try:
            decision = self._decide(message, prepared.verdict)
        except (GraciousError, sqlite3.Error):
            # A broken template or a journal error: the pass stops with one clear error and the
            # message is looked at again next time, never recorded as skipped.
            raise
        except Exception as err:  # hostile input must not stop the pass: log, record, go on
            summary.skipped += 1
            log.warning("%s: skipped, could not process it (%s)", where, type(err).__name__)
            reason = f"internal error: {type(err).__name__}"
            self._remember(ctx, raw, key=message.key, reason=reason)
            return
        verdict, note, reply = decision.verdict, decision.note, decision.reply
        summary.rejections += verdict.is_rejection and note is None
        summary.uncertain += decision.status == Status.UNCERTAIN
        if self.options.dry_run:
            if note is not None:
                summary.planned.append(f"{where}: an answer to your note (ref {note.ref})")
            if reply is not None:
                summary.planned.append(f"{where}: would save\n{describe_draft(as_bytes(reply))}")
            return
        with self.journal.transaction() as db:
            inserted = self._record(db, ctx, raw, message, decision)
            if note is not None and inserted:
                when = (message.date or self.now()).isoformat()
                self.journal.mark_answered(db, note.key, by=message.key, when=when)
                summary.answers += 1
        log.info(
            "%s: %s (p=%.2f)",
            where,
            "rejection" if verdict.is_rejection else "not a rejection",
            verdict.probability,
        )
        # Another account's pass may have recorded the same rejection first: its draft, not ours.
        entry = self.journal.entry(message.key) if reply is not None and inserted else None
        if entry is not None:
            self._complete(ctx.mailbox, entry, summary)

    def _decide(self, message: Message, verdict: Verdict | None) -> _Decision:
        """Classify, extract, find who to thank and compose: everything but the side effects."""
        verdict = verdict or classify(self.model, message)
        found = extract(message)
        note = note_answered_by(self.journal, message)
        facts, recipient, reply = found, None, None
        if verdict.is_rejection and note is None:
            facts, recipient = address(self._contacts(), message, found, own=self._own())
            reply = compose(message, facts, self.config, now=self.now())
        band = self.config.detector.uncertain_below
        if note is not None:
            status = Status.ANSWER
        elif reply is not None:
            status = Status.DRAFT_INTENT
        elif band is not None and verdict.probability >= band:
            status = Status.UNCERTAIN
        else:
            status = Status.NOT_REJECTION
        return _Decision(
            verdict=verdict,
            found=found,
            facts=facts,
            stage=stage(message, rejection=verdict.is_rejection),
            note=note,
            recipient=recipient,
            reply=reply,
            status=status,
        )

    def _record(
        self,
        db: sqlite3.Connection,
        ctx: _Folder,
        raw: RawMail,
        message: Message,
        decision: _Decision,
    ) -> bool:
        """Step 1: the record, its source, the cursor and the sender as a contact, together."""
        reply, note = decision.reply, decision.note
        inserted = self.journal.record(
            db,
            key=message.key,
            account=ctx.account.name,
            folder=raw.folder,
            source_id=raw.source_id,
            status=decision.status,
            reason=f"an answer to your note (ref {note.ref})" if note is not None else None,
            stage=decision.stage,
            thread=thread_ids(message),
            recipient_rule=decision.recipient.rule if decision.recipient is not None else None,
            sender=message.sender.email if message.sender else None,
            subject=message.subject,
            received=message.date,
            verdict=decision.verdict.is_rejection,
            probability=decision.verdict.probability,
            model_version=self.model.version,
            facts=asdict(decision.facts),
            draft_message_id=str(reply["Message-ID"]) if reply is not None else None,
            draft=as_bytes(reply) if reply is not None else None,
        )
        self.journal.add_source(db, ctx.account.name, raw.folder, raw.source_id, message.key)
        self._advance(db, ctx, raw)
        contact = contact_of(message, decision.found, decision.stage, own=self._own())
        if contact is not None:
            self.journal.add_contact(db, **asdict(contact))
            if self._contact_index is not None:
                self._contact_index.add(contact)
        return inserted

    def _complete(self, mailbox: Mailbox, entry: Entry, summary: Summary) -> None:
        """Steps 2 and 3: save the recorded draft unless the Drafts folder already has it."""
        if entry.draft is None or entry.draft_message_id is None:
            return
        if mailbox.has_draft(entry.draft_message_id):
            log.info("draft %s was already in Drafts; recorded", entry.draft_message_id)
            self.journal.set_status(entry.key, Status.DRAFTED, reason="found in Drafts")
            return
        folder = mailbox.append_draft(entry.draft)
        self.journal.set_status(entry.key, Status.DRAFTED)
        summary.drafts_saved += 1
        summary.saved.append(f"saved to {mailbox.account}/{folder}\n{describe_draft(entry.draft)}")
        log.info("saved draft %s to %s for %s", entry.draft_message_id, folder, entry.key)

    def _finish_pending(self, account: AccountConfig, mailbox: Mailbox, summary: Summary) -> None:
        for entry in self.journal.pending_drafts(account.name):
            log.info("finishing draft %s left by an interrupted pass", entry.draft_message_id)
            self._complete(mailbox, entry, summary)

    def _weekly_note(self, account: AccountConfig, mailbox: Mailbox, summary: Summary) -> None:
        """With ``[digest] weekly``, last week's note, into the first account's Drafts."""
        if not self.config.digest.weekly or account.name != self.config.accounts[0].name:
            return
        week = save_weekly_note(self.config, self.journal, mailbox, now=self.now())
        if week is not None:
            summary.saved.append(f"saved the weekly note for {week} to {mailbox.account}")

    def _own(self) -> frozenset[str]:
        """The user's own addresses: never a contact, never a draft's recipient."""
        names = [self.config.identity.email, *(a.username or "" for a in self.config.accounts)]
        return frozenset(n.lower() for n in names if "@" in n)

    def _contacts(self) -> ContactIndex:
        """The contacts index, read from the journal once per runner and kept up to date."""
        if self._contact_index is None:
            self._contact_index = ContactIndex(Contact(*row) for row in self.journal.contacts())
        return self._contact_index

    def close(self) -> None:
        """Close what the pass opened besides the journal (the labeled store)."""
        self.followup.close()

    # --- bookkeeping ---------------------------------------------------------------------------

    def _remember(
        self,
        ctx: _Folder,
        raw: RawMail | Pending,
        *,
        key: str,
        reason: str | None,
        new: bool = True,
    ) -> None:
        if self.options.dry_run:
            return
        account, folder = ctx.account.name, ctx.scan.folder
        with self.journal.transaction() as db:
            if new:
                self.journal.record(
                    db,
                    key=key,
                    account=account,
                    folder=folder,
                    source_id=raw.source_id,
                    status=Status.SKIPPED,
                    reason=reason,
                    model_version=self.model.version,
                )
            self.journal.add_source(db, account, folder, raw.source_id, key)
            self._advance(db, ctx, raw)

    def _advance(self, db: sqlite3.Connection, ctx: _Folder, raw: RawMail | Pending) -> None:
        account, scan = ctx.account.name, ctx.scan
        cursor = self.journal.cursor(account, scan.folder)
        last = cursor.last_uid if cursor and cursor.uidvalidity == scan.uidvalidity else 0
        self.journal.set_cursor(
            db, account, scan.folder, Cursor(scan.uidvalidity, max(last, raw.uid), ctx.since)
        )

    def _skip_large(self, ctx: _Folder, item: Pending) -> None:
        ctx.summary.checked += 1
        ctx.summary.skipped += 1
        limit = ctx.account.max_message_kb
        reason = f"larger than the limit ({item.size // 1024} KB > {limit} KB)"
        log.warning(
            "account %s: %s %s: skipped, %s",
            ctx.account.name,
            ctx.scan.folder,
            item.source_id,
            reason,
        )
        key = f"source:{ctx.account.name}/{ctx.scan.folder}/{item.source_id}"
        self._remember(ctx, item, key=key, reason=reason)


def describe_draft(raw: bytes) -> str:
    """A draft as a person reads it: To, Subject and the body, indented."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    body = message.get_body(("plain",))
    text = body.get_content() if isinstance(body, EmailMessage) else ""
    to = message.get("To") or "(nobody found: fill in the recipient before sending)"
    lines = [f"  To: {to}", f"  Subject: {message.get('Subject', '')}", ""]
    lines += [f"    {line}" if line else "" for line in str(text).splitlines()]
    return "\n".join(lines)


def _id(raw: RawMail) -> str:
    return f"UID {raw.uid}" if raw.uid else raw.source_id


def _content_key(raw: bytes) -> str:
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def _describe(account: str, err: BaseException) -> str:
    if isinstance(err, MailboxError | CredentialsError):
        return str(err)  # already names the account
    return (
        f"account {account}: connection lost or server error "
        f"({type(err).__name__}: {str(err)[:160]}); will retry"
    )


class _Progress:
    """A one-line progress counter on a terminal, for long backfills."""

    def __init__(self, label: str, total: int, enabled: bool) -> None:
        self.label = label
        self.total = total
        self.count = 0
        self.enabled = enabled and total >= 20 and sys.stderr.isatty()

    def step(self) -> None:
        self.count += 1
        if self.enabled and (self.count % 10 == 0 or self.count == self.total):
            sys.stderr.write(f"\r{self.label}: {self.count}/{self.total}")
            sys.stderr.flush()

    def done(self) -> None:
        if self.enabled:
            sys.stderr.write("\n")
