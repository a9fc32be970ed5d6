"""The IMAP backend (imapclient): EXAMINE and BODY.PEEK[] for reading, APPEND for drafts.

Watched folders are only ever opened read-only, so the server itself refuses any flag change;
bodies are fetched with BODY.PEEK[] so nothing is marked seen. TLS with certificate and
hostname checks is the default; plain text is only used when asked, with a warning off loopback.
"""

from __future__ import annotations

import contextlib
import imaplib
import ipaddress
import logging
import re
import socket
import ssl
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from typing import Any

import imapclient
from imapclient.exceptions import IMAPClientError, LoginError

from detector.config import AccountConfig
from detector.credentials import Credentials
from detector.mailbox import (
    DRAFTS_NAMES,
    SENT_NAMES,
    MailboxError,
    Pending,
    RawMail,
    Scan,
    chunks,
    draft_token,
    tokens_in,
)

__all__ = ["TRANSIENT_ERRORS", "ImapError", "ImapMailbox"]

ImapError = IMAPClientError  # re-exported so callers need not import imapclient

log = logging.getLogger(__name__)

# What a dropped connection or a hiccuping server raises: retry later, never lose state.
TRANSIENT_ERRORS = (OSError, socket.timeout, ssl.SSLError, IMAPClientError, EOFError)
_DRAFT_FLAGS = (b"\\Draft", b"\\Seen")


class ImapMailbox:
    """One IMAP account; not thread-safe (the daemon gives each thread its own)."""

    def __init__(self, account: AccountConfig, credentials: Callable[[], Credentials]) -> None:
        self.account = account.name
        self._config = account
        self._credentials = credentials
        self._client: imapclient.IMAPClient | None = None
        self._drafts: str | None = account.drafts_folder
        self._selected: str | None = None
        self._uidnext: int | None = None  # UIDNEXT of the IDLE folder when last looked at
        self._listed: list[tuple[tuple[bytes, ...], bytes, str]] | None = None

    # --- connection ----------------------------------------------------------------------------

    def open(self) -> None:
        """Connect with the configured security and log in."""
        cfg = self._config
        host, port = cfg.host or "", cfg.port or 993
        if cfg.security == "plain" and not _is_loopback(host):
            log.warning(
                "account %s: connecting to %s without TLS; the password crosses the network "
                'in clear text (set security = "ssl" or "starttls")',
                self.account,
                host,
            )
        context = None if cfg.security == "plain" else _tls_context(cfg)
        creds = self._credentials()  # before connecting: a failing source leaves no socket open
        client: imapclient.IMAPClient | None = None
        try:
            client = imapclient.IMAPClient(
                host,
                port=port,
                ssl=cfg.security == "ssl",
                ssl_context=context,
                timeout=cfg.timeout_seconds,
            )
            if cfg.security == "starttls":
                client.starttls(context)
        except ssl.SSLCertVerificationError as err:
            _discard(client)
            raise MailboxError(
                f"account {self.account}: the TLS certificate of {host} is not trusted "
                f"({err.verify_message}); fix the server certificate or set tls_ca_file"
            ) from None
        except (OSError, IMAPClientError) as err:
            _discard(client)
            raise MailboxError(
                f"account {self.account}: cannot connect to {host}:{port} ({_reason(err)})"
            ) from None
        try:
            if creds.oauth2_token is not None:
                client.oauth2_login(creds.username, creds.oauth2_token)
            elif (creds.password or "").isascii() and creds.username.isascii():
                client.login(creds.username, creds.password or "")
            else:
                # LOGIN carries ASCII only; AUTHENTICATE PLAIN sends UTF-8 (RFC 4616).
                client.plain_login(creds.username, creds.password or "")
        except UnicodeError:
            _discard(client)
            raise MailboxError(
                f"account {self.account}: the server could not take the username or password "
                "as sent (non-ASCII characters); try an ASCII password or OAuth2"
            ) from None
        except LoginError as err:
            _discard(client)
            # imapclient turns every error during LOGIN into LoginError, a dropped line too.
            if isinstance(err.__context__, imaplib.IMAP4.abort):
                raise MailboxError(
                    f"account {self.account}: the connection to {host}:{port} was lost "
                    f"during login ({_reason(err)})"
                ) from None
            raise MailboxError(
                f"account {self.account}: login as {creds.username} on {host} was refused "
                f"({_reason(err)}); check the username and password"
            ) from None
        except (OSError, IMAPClientError) as err:
            _discard(client)
            raise MailboxError(
                f"account {self.account}: login on {host} failed ({_reason(err)})"
            ) from None
        self._client = client
        self._selected = None
        log.info("account %s: logged in to %s:%s as %s", self.account, host, port, creds.username)

    def close(self) -> None:
        """Log out; errors on the way out do not matter."""
        if self._client is not None:
            _discard(self._client)
        self._client = None
        self._selected = None
        self._listed = None

    @property
    def client(self) -> imapclient.IMAPClient:
        """The logged-in client; opening first if needed."""
        if self._client is None:
            self.open()
        assert self._client is not None  # noqa: S101 - open() sets it or raises
        return self._client

    def supports_idle(self) -> bool:
        """Whether the server announces IDLE (RFC 2177)."""
        return bool(self.client.has_capability("IDLE"))

    # --- reading -------------------------------------------------------------------------------

    def _examine(self, folder: str) -> dict[bytes, Any]:
        """Open ``folder`` read-only (EXAMINE): the server then refuses any change to it."""
        try:
            status: dict[bytes, Any] = self.client.select_folder(folder, readonly=True)
        except IMAPClientError as err:
            if "doesn't exist" in str(err).lower() or "nonexistent" in str(err).lower():
                raise MailboxError(
                    f"account {self.account}: folder {folder!r} does not exist"
                ) from None
            raise
        self._selected = folder
        return status

    def has_folder(self, folder: str) -> bool:
        """Whether the server lists ``folder``."""
        return any(str(name) == folder for _, _, name in self._list())

    def _list(self) -> list[tuple[tuple[bytes, ...], bytes, str]]:
        """LIST, once per connection: Drafts, Sent and the training folders all need it."""
        if self._listed is None:
            self._listed = list(self.client.list_folders())
        return self._listed

    def scan(
        self, folder: str, *, uidvalidity: int | None, after_uid: int, since: date | None
    ) -> Scan:
        """UIDs above the cursor (one EXAMINE when nothing is new), else those since a date."""
        status = self._examine(folder)
        current = int(status.get(b"UIDVALIDITY", 0))
        uidnext = int(status.get(b"UIDNEXT", 0) or 0)
        same = uidvalidity is not None and uidvalidity == current
        if same and uidnext and uidnext - 1 <= after_uid:
            return Scan(folder, current, ())
        if same:
            criteria: list[Any] = ["UID", f"{after_uid + 1}:*"]
        elif since is not None:
            criteria = ["SINCE", since]
        else:
            criteria = ["ALL"]
        uids = sorted(u for u in self.client.search(criteria) if not same or u > after_uid)
        sizes: dict[int, int] = {}
        for part in chunks(uids, 500):  # imapclient 4 wants lists of UIDs, not ranges
            for uid, data in self.client.fetch(list(part), ["RFC822.SIZE"]).items():
                sizes[uid] = int(data.get(b"RFC822.SIZE", 0))
        pending = tuple(Pending(f"{current}/{uid}", uid, sizes.get(uid, 0)) for uid in uids)
        return Scan(folder, current, pending)

    def fetch(self, folder: str, pending: Sequence[Pending]) -> Iterator[RawMail]:
        """Bodies with BODY.PEEK[], in batches, so the user still sees the mail unread."""
        if self._selected != folder:
            self._examine(folder)
        for batch in chunks(pending, max(1, self._config.batch_size)):
            data = self.client.fetch([p.uid for p in batch], ["BODY.PEEK[]"])
            for item in batch:
                raw = data.get(item.uid, {}).get(b"BODY[]")
                if raw is None:
                    log.info(
                        "account %s: %s UID %s vanished before it was read",
                        self.account,
                        folder,
                        item.uid,
                    )
                    continue
                yield RawMail(folder, item.source_id, item.uid, bytes(raw))

    # --- drafts --------------------------------------------------------------------------------

    def drafts_folder(self) -> str:
        """The \\Drafts folder (RFC 6154), else a usual name, else the configured one."""
        if self._drafts:
            return self._drafts
        listed = self._list()
        for flags, _, name in listed:
            if b"\\Drafts" in flags:
                self._drafts = str(name)
                return self._drafts
        names = {str(name).casefold(): str(name) for _, _, name in listed}
        for candidate in DRAFTS_NAMES:
            if candidate.casefold() in names:
                self._drafts = names[candidate.casefold()]
                return self._drafts
        raise MailboxError(
            f"account {self.account}: no Drafts folder found (no \\Drafts special-use flag and "
            f"none of the usual names); set drafts_folder in the config"
        )

    def has_draft(self, message_id: str) -> bool:
        """Search the Drafts folder for the draft's Message-ID (substring search)."""
        folder = self.drafts_folder()
        self._examine(folder)
        found = self.client.search(["HEADER", "Message-ID", draft_token(message_id)])
        return bool(found)

    def append_draft(self, raw: bytes) -> str:
        """APPEND to Drafts with \\Draft and \\Seen, as a mail client saves a draft."""
        folder = self.drafts_folder()
        self.client.append(folder, raw, flags=_DRAFT_FLAGS)
        return folder

    def drafts_state(self) -> str:
        """UIDVALIDITY, UIDNEXT and EXISTS: any message added or removed changes one of them."""
        status = self._examine(self.drafts_folder())
        return "/".join(str(status.get(k, "")) for k in (b"UIDVALIDITY", b"UIDNEXT", b"EXISTS"))

    def draft_tokens(self) -> set[str]:
        """One SEARCH and one header FETCH (PEEK) over Drafts, however many drafts there are."""
        self._examine(self.drafts_folder())
        uids = self.client.search(["HEADER", "Message-ID", "gracious."])
        found: set[str] = set()
        for part in chunks(list(uids), 500):
            data = self.client.fetch(list(part), ["BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]"])
            for row in data.values():
                head = next((v for k, v in row.items() if k.startswith(b"BODY[HEADER")), b"")
                found |= tokens_in(bytes(head or b""))
        return found

    def sent_folder(self) -> str | None:
        """The \\Sent folder (RFC 6154), else a usual name, else the configured one, else None."""
        if self._config.sent_folder:
            if self.has_folder(self._config.sent_folder):
                return self._config.sent_folder
            log.warning(
                "account %s: sent_folder %r does not exist; sent notes are not tracked",
                self.account,
                self._config.sent_folder,
            )
            return None
        listed = self._list()
        for flags, _, name in listed:
            if b"\\Sent" in flags:
                return str(name)
        names = {str(name).casefold(): str(name) for _, _, name in listed}
        return next((names[n.casefold()] for n in SENT_NAMES if n.casefold() in names), None)

    # --- push ----------------------------------------------------------------------------------

    def idle_wait(
        self,
        folder: str,
        seconds: float,
        stop: Callable[[], bool],
        on_idle: Callable[[], None] | None = None,
    ) -> bool:
        """IDLE on ``folder`` for up to ``seconds``; True when there may be new mail.

        Mail that arrives while no IDLE is running (between two waits, or before the first)
        is never announced, so the folder's UIDNEXT is compared on each entry: a change, or the
        first entry on a connection, counts as new mail without waiting.
        """
        status = self._examine(folder)
        uidnext = int(status.get(b"UIDNEXT", 0) or 0)
        previous, self._uidnext = self._uidnext, uidnext
        if previous is None or uidnext != previous:
            return True
        client = self.client
        client.idle()
        if on_idle is not None:
            on_idle()
        try:
            waited = 0.0
            while waited < seconds and not stop():
                step = min(1.0, seconds - waited)
                responses = client.idle_check(timeout=step)
                waited += step
                if any(len(r) > 1 and r[1] in (b"EXISTS", b"RECENT") for r in responses):
                    self._uidnext = None  # re-read on the next entry
                    return True
            return False
        finally:
            _quietly(client.idle_done)


def _tls_context(cfg: AccountConfig) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=str(cfg.tls_ca_file) if cfg.tls_ca_file else None)
    context.check_hostname = True
    context.verify_mode = ssl.CERT_REQUIRED
    return context


def _is_loopback(host: str) -> bool:
    if host in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _reason(err: BaseException) -> str:
    text = str(err).strip() or type(err).__name__
    # imapclient often carries the server's bytes: show b'[AUTHENTICATIONFAILED] ...' as text.
    quoted = re.fullmatch(r"b(['\"])(.*)\1", text, re.DOTALL)
    return (quoted.group(2) if quoted else text)[:200]


def _discard(client: imapclient.IMAPClient | None) -> None:
    """LOGOUT, or, when the connection is already broken, just close the socket."""
    if client is None:
        return
    try:
        client.logout()
    except (OSError, ssl.SSLError, IMAPClientError, EOFError, ValueError, AttributeError):
        _quietly(client.shutdown)


def _quietly(action: Callable[[], Any]) -> None:
    with contextlib.suppress(
        OSError, ssl.SSLError, IMAPClientError, EOFError, ValueError, AttributeError
    ):
        action()
