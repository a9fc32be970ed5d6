"""Secrets for an IMAP login: from a command, the environment, the keyring, or (warned) inline.

No secret is ever logged, put into an error message or kept in a repr: errors say where the
secret was to come from and what went wrong with that source, never what it returned.
"""

from __future__ import annotations

import logging
import os
import stat
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from detector.config import AccountConfig
from detector.errors import GraciousError

__all__ = ["Credentials", "CredentialsError", "resolve_credentials"]

log = logging.getLogger(__name__)
COMMAND_TIMEOUT = 60
KEYRING_SERVICE = "gracious"


class CredentialsError(GraciousError):
    """The secret could not be obtained; the message names the source, never the secret."""


@dataclass(frozen=True)
class Credentials:
    """A username with either a password or an OAuth2 access token."""

    username: str
    password: str | None = field(default=None, repr=False)
    oauth2_token: str | None = field(default=None, repr=False)


def resolve_credentials(account: AccountConfig, *, config_file: Path | None = None) -> Credentials:
    """Fetch the account's secret from wherever the config says it lives."""
    username = account.username or ""
    where = f"account {account.name!r}"
    if account.oauth2_token_command:
        token = _run(account.oauth2_token_command, f"{where}: oauth2_token_command")
        return Credentials(username, oauth2_token=token)
    if account.password_command:
        return Credentials(
            username, password=_run(account.password_command, f"{where}: password_command")
        )
    if account.password_env:
        value = os.environ.get(account.password_env)
        if not value:
            raise CredentialsError(
                f"{where}: environment variable {account.password_env} is not set or empty"
            )
        return Credentials(username, password=value)
    if account.password_keyring:
        return Credentials(username, password=_keyring(username, where))
    if account.password is not None:
        _warn_if_readable(config_file, where)
        return Credentials(username, password=account.password)
    raise CredentialsError(f"{where}: no password source configured")


def _run(command: str, where: str) -> str:
    """First line of a command's output, like mbsync's PassCmd (run by the shell)."""
    try:
        done = subprocess.run(  # noqa: S602 - the user's own configured command, as PassCmd
            command,
            shell=True,
            capture_output=True,
            timeout=COMMAND_TIMEOUT,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        raise CredentialsError(f"{where} did not finish within {COMMAND_TIMEOUT} s") from None
    except OSError as err:
        raise CredentialsError(f"{where} could not be started ({err.strerror})") from None
    if done.returncode != 0:
        raise CredentialsError(f"{where} failed with exit status {done.returncode}")
    secret = done.stdout.decode("utf-8", "replace").split("\n", 1)[0].strip()
    if not secret:
        raise CredentialsError(f"{where} printed nothing")
    return secret


def _keyring(username: str, where: str) -> str:
    try:
        import keyring  # noqa: PLC0415 - optional backend, imported only when configured
        from keyring.errors import KeyringError  # noqa: PLC0415
    except ImportError:
        raise CredentialsError(
            f"{where}: password_keyring needs the keyring package (pip install keyring)"
        ) from None
    try:
        secret = keyring.get_password(KEYRING_SERVICE, username)
    except KeyringError as err:
        raise CredentialsError(
            f"{where}: the system keyring is not usable ({type(err).__name__})"
        ) from None
    if not secret:
        raise CredentialsError(
            f"{where}: no keyring entry for service {KEYRING_SERVICE!r} and user {username!r}; "
            f"add one with: keyring set {KEYRING_SERVICE} {username}"
        )
    return str(secret)


def _warn_if_readable(config_file: Path | None, where: str) -> None:
    if config_file is None:
        return
    try:
        mode = config_file.stat().st_mode
    except OSError:
        return
    if mode & (stat.S_IRGRP | stat.S_IROTH):
        log.warning(
            "%s: the password is inline and %s is readable by other users; "
            "run chmod 600 on it, or use password_command",
            where,
            config_file,
        )
