"""``gracious doctor``: check everything a pass needs, and say in plain words what to fix.

Each check is a function that returns findings; nothing here writes to a mailbox or the journal
(it only opens folders read-only and looks for the Drafts folder).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from detector.config import AccountConfig, Config, default_config_path, load_config
from detector.credentials import resolve_credentials
from detector.errors import GraciousError
from detector.imap import ImapMailbox
from detector.maildir import MaildirMailbox
from detector.service import active_model

__all__ = ["Finding", "diagnose"]


@dataclass(frozen=True)
class Finding:
    """One check's outcome; ``fix`` says what to do when it failed."""

    ok: bool
    what: str
    detail: str = ""
    fix: str = ""

    def line(self) -> str:
        """``ok    model: version ...`` or ``FAIL  ...  -> what to do``."""
        mark = "ok  " if self.ok else "FAIL"
        text = f"{mark}  {self.what}" + (f": {self.detail}" if self.detail else "")
        return text + (f"\n      -> {self.fix}" if self.fix and not self.ok else "")


def diagnose(config_path: Path | None) -> Iterator[Finding]:
    """Every finding, in the order a pass would meet the problems."""
    try:
        config = load_config(config_path)
    except GraciousError as err:
        yield Finding(False, "config", str(err), "fix the file and run gracious doctor again")
        return
    where = str(config.source) if config.source else f"none (looked for {default_config_path()})"
    yield Finding(config.source is not None, "config", where, "create one from config.example.toml")
    if config.identity.is_placeholder:
        yield Finding(
            False, "identity", "placeholder name or address", "set [identity] name and email"
        )
    else:
        yield Finding(True, "identity", f"{config.identity.name} <{config.identity.email}>")
    yield from _model(config)
    yield from _journal(config)
    if not config.accounts:
        yield Finding(False, "accounts", "none configured", "add an [[accounts]] table")
    for account in config.accounts:
        if account.is_maildir:
            yield from _maildir(account)
        else:
            yield from _imap(account, config)


def _model(config: Config) -> Iterator[Finding]:
    try:
        model = active_model(config)
    except GraciousError as err:
        yield Finding(False, "model", str(err), "run gracious train")
        return
    yield Finding(True, "model", f"version {model.version}, threshold {model.threshold}")


def _journal(config: Config) -> Iterator[Finding]:
    path = config.state.resolved()
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if os.access(folder, os.W_OK):
        yield Finding(True, "journal", str(path))
    else:
        yield Finding(
            False, "journal", f"{folder} is not writable", "set [state] path to a writable place"
        )


def _maildir(account: AccountConfig) -> Iterator[Finding]:
    name = f"account {account.name}"
    box = MaildirMailbox(account)
    try:
        box.open()
        for folder in account.folders:
            box.folder_path(folder)
    except GraciousError as err:
        yield Finding(False, name, str(err), "point maildir at the folder that holds cur/ and new/")
        return
    yield Finding(True, name, f"Maildir {account.maildir}, folders {', '.join(account.folders)}")
    drafts = box.drafts_path()
    exists = (drafts / "cur").is_dir()
    yield Finding(True, f"{name} drafts", f"{drafts}" + ("" if exists else " (will be created)"))


def _imap(account: AccountConfig, config: Config) -> Iterator[Finding]:
    name = f"account {account.name}"
    try:
        creds = resolve_credentials(account, config_file=config.source)
    except GraciousError as err:
        yield Finding(
            False, f"{name} credentials", str(err), "fix the password source in the config"
        )
        return
    kind = "OAuth2 token" if creds.oauth2_token else "password"
    yield Finding(True, f"{name} credentials", f"{kind} for {creds.username} obtained")
    security = account.security or "ssl"
    box = ImapMailbox(account, lambda: creds)
    try:
        box.open()
    except GraciousError as err:
        yield Finding(False, f"{name} connection", str(err), _connection_fix(str(err)))
        return
    try:
        tls = "TLS with certificate checks" if security != "plain" else "NO TLS (plain)"
        yield Finding(
            security != "plain" or _loopback(account),
            f"{name} login",
            f"{account.host}:{account.port}, {tls}",
            'use security = "ssl" or "starttls" off this machine',
        )
        for folder in account.folders:
            try:
                box.scan(folder, uidvalidity=None, after_uid=0, since=None)
                yield Finding(True, f"{name} folder {folder}", "readable (read-only)")
            except GraciousError as err:
                yield Finding(
                    False, f"{name} folder {folder}", str(err), "check folders in the config"
                )
        try:
            yield Finding(True, f"{name} drafts", box.drafts_folder())
        except GraciousError as err:
            yield Finding(False, f"{name} drafts", str(err), "set drafts_folder in the config")
        yield from _side_folders(box, account, config)
        idle = box.supports_idle()
        yield Finding(
            True,
            f"{name} IDLE",
            "supported: new mail is drafted within seconds"
            if idle
            else f"not supported: polled every {account.poll_minutes:g} minutes",
        )
    except Exception as err:  # a server that drops us mid-check: report, do not crash
        yield Finding(
            False, name, f"{type(err).__name__}: {str(err)[:160]}", "try again; check the server"
        )
    finally:
        box.close()


def _side_folders(box: ImapMailbox, account: AccountConfig, config: Config) -> Iterator[Finding]:
    """The Sent folder (to see which notes were sent) and the training folders, if set."""
    name = f"account {account.name}"
    sent = box.sent_folder()
    yield Finding(
        True,
        f"{name} sent",
        f"{sent} (read-only: shows which notes you sent)"
        if sent
        else "no Sent folder found: sent notes will not be tracked (set sent_folder)",
    )
    training = config.training
    for folder in (training.rejection_folder, training.not_rejection_folder):
        if folder is not None:
            there = box.has_folder(folder)
            yield Finding(
                True,
                f"{name} training folder {folder}",
                "found (read-only)" if there else "not in this account (create it to label here)",
            )


def _connection_fix(message: str) -> str:
    if "refused" in message and "login" in message:
        return "check username and password (for Gmail/Microsoft 365 use an app password or OAuth2)"
    if "certificate" in message:
        return "the server's TLS certificate is not trusted; set tls_ca_file for a private CA"
    return "check host, port and security, and that the server is reachable"


def _loopback(account: AccountConfig) -> bool:
    return (account.host or "") in ("127.0.0.1", "::1", "localhost")
