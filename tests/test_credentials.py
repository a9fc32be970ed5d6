"""Secrets for IMAP logins (detector/credentials.py): every source, and never a secret in sight.

Accounts come from real config files (``load_config``), as gracious reads them.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from dovecot import write_config

from detector.config import AccountConfig, Config, load_config
from detector.credentials import CredentialsError, resolve_credentials

SECRET = "correct horse battery staple"


def load(tmp_path: Path, mode: int = 0o600, **source: object) -> tuple[Config, AccountConfig]:
    account = {
        "name": "work",
        "host": "imap.example.com",
        "username": "alex@example.com",
        **source,
    }
    path = write_config(tmp_path, [account])
    path.chmod(mode)
    config = load_config(path)
    return config, config.accounts[0]


def test_password_command_gives_the_first_line_of_its_output(tmp_path: Path) -> None:
    _, account = load(tmp_path, password_command=f"printf '{SECRET}\\nsecond line\\n'")
    creds = resolve_credentials(account)
    assert (creds.username, creds.password, creds.oauth2_token) == (
        "alex@example.com",
        SECRET,
        None,
    )
    assert SECRET not in repr(creds)
    assert "printf" not in repr(account)


@pytest.mark.parametrize(
    ("command", "problem"),
    [
        (f"echo '{SECRET}'; echo oops >&2; exit 2", "failed with exit status 2"),
        ("/nonexistent/pass-helper show mail", "failed with exit status 127"),
        ("printf '\\n\\n'", "printed nothing"),
    ],
)
def test_a_failing_password_command_says_so_without_its_output(
    tmp_path: Path, command: str, problem: str
) -> None:
    _, account = load(tmp_path, password_command=command)
    with pytest.raises(CredentialsError) as caught:
        resolve_credentials(account)
    assert str(caught.value) == f"account 'work': password_command {problem}"
    assert SECRET not in str(caught.value)
    assert caught.value.__cause__ is None


def test_oauth2_token_command_gives_a_token_not_a_password(tmp_path: Path) -> None:
    _, account = load(tmp_path, oauth2_token_command="echo ya29.token")
    creds = resolve_credentials(account)
    assert (creds.password, creds.oauth2_token) == (None, "ya29.token")
    assert "ya29" not in repr(creds)


def test_password_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _, account = load(tmp_path, password_env="GRACIOUS_TEST_PASSWORD")
    monkeypatch.setenv("GRACIOUS_TEST_PASSWORD", SECRET)
    assert resolve_credentials(account).password == SECRET
    monkeypatch.setenv("GRACIOUS_TEST_PASSWORD", "")
    with pytest.raises(CredentialsError) as empty:
        resolve_credentials(account)
    monkeypatch.delenv("GRACIOUS_TEST_PASSWORD")
    with pytest.raises(CredentialsError) as unset:
        resolve_credentials(account)
    expected = "account 'work': environment variable GRACIOUS_TEST_PASSWORD is not set or empty"
    assert str(empty.value) == str(unset.value) == expected


@pytest.mark.parametrize(("mode", "warned"), [(0o600, False), (0o640, True), (0o604, True)])
def test_an_inline_password_is_warned_about_when_others_can_read_the_file(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, mode: int, warned: bool
) -> None:
    config, account = load(tmp_path, mode, password=SECRET)

    creds = resolve_credentials(account, config_file=config.source)

    assert creds.password == SECRET
    assert SECRET not in repr(account)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings == (
        [
            f"account 'work': the password is inline and {config.source} is readable by other "
            "users; run chmod 600 on it, or use password_command"
        ]
        if warned
        else []
    )
    assert SECRET not in caplog.text
