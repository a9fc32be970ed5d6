"""``gracious daemon``: every account polled on a schedule, and woken by IMAP IDLE.

Signal handlers only set events; the work checks them between messages. SIGTERM and SIGINT
finish the current message and exit; SIGHUP reloads the config and the model. A pass that
fails (server down, login refused) is retried with capped exponential back-off and jitter, and
never stops the other accounts. IDLE is re-issued well inside the 29 minutes RFC 2177 allows.
"""

from __future__ import annotations

import logging
import random
import signal
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import FrameType

from apscheduler.schedulers.background import BackgroundScheduler

from detector.classifier import Model
from detector.config import AccountConfig, Config, load_config
from detector.errors import GraciousError
from detector.imap import ImapMailbox
from detector.registry import ModelRegistry
from detector.runner import PassOptions, Runner, open_mailbox
from detector.service import active_model, with_threshold
from detector.state import Journal

__all__ = ["IDLE_REFRESH_SECONDS", "Daemon", "backoff"]

log = logging.getLogger(__name__)
IDLE_REFRESH_SECONDS = 9 * 60  # well inside the 29 minutes after which servers may drop IDLE
BACKOFF_BASE_SECONDS = 5.0
_RETRAIN_JOB = "retrain"


def _sleep(seconds: float, *events: threading.Event) -> None:
    """Wait ``seconds`` unless one of ``events`` is set first."""
    deadline = datetime.now(UTC) + timedelta(seconds=seconds)
    while not any(e.is_set() for e in events):
        left = (deadline - datetime.now(UTC)).total_seconds()
        if left <= 0:
            return
        events[0].wait(min(0.5, left))


def backoff(failures: int, cap: float, *, rng: random.Random | None = None) -> float:
    """Seconds to wait after ``failures`` failures in a row: 5, 10, 20 ... up to ``cap``, +-50%."""
    delay = min(cap, BACKOFF_BASE_SECONDS * 2.0 ** max(0, failures - 1))
    return float(delay * (rng or random).uniform(0.5, 1.5))


@dataclass
class _Account:
    """Per-account runtime state: one pass at a time, and a request to run again."""

    config: AccountConfig
    lock: threading.Lock = field(default_factory=threading.Lock)
    again: threading.Event = field(default_factory=threading.Event)
    stop_idle: threading.Event = field(default_factory=threading.Event)
    idle_thread: threading.Thread | None = None
    failures: int = 0


class Daemon:
    """Runs until SIGTERM/SIGINT; see the module docstring."""

    def __init__(self, config_path: Path | None) -> None:
        self.config_path = config_path
        self.config: Config = load_config(config_path)
        self.registry = ModelRegistry(self.config.state.data_dir())
        self.model: Model = active_model(self.config)
        self._pointer = self.registry.active_version()
        self._model_lock = threading.Lock()
        self.stop = threading.Event()
        self.reload = threading.Event()
        self.scheduler = BackgroundScheduler(timezone=UTC)
        self.accounts: dict[str, _Account] = {}

    # --- lifecycle -----------------------------------------------------------------------------

    def run(self) -> int:
        """Serve until asked to stop; returns the exit status."""
        if not self.config.accounts:
            raise GraciousError(
                f"{self.config.source or 'the configuration'}: no [[accounts]] configured"
            )
        self._install_signals()
        # Create (or upgrade) the journal before the accounts' passes open it side by side.
        Journal(self.config.state.resolved()).close()
        self.scheduler.start()
        self._start_accounts()
        self._schedule_retraining()
        log.info(
            "gracious daemon started: %d account(s), model %s",
            len(self.config.accounts),
            self.model.version,
        )
        while not self.stop.wait(0.5):
            if self.reload.is_set():
                self.reload.clear()
                self._reload()
        log.info("stopping: finishing the current message")
        self._stop_accounts()
        self.scheduler.shutdown(wait=True)
        log.info("gracious daemon stopped")
        return 0

    def _install_signals(self) -> None:
        def on_stop(signum: int, frame: FrameType | None) -> None:
            self.stop.set()

        def on_reload(signum: int, frame: FrameType | None) -> None:
            self.reload.set()

        signal.signal(signal.SIGTERM, on_stop)
        signal.signal(signal.SIGINT, on_stop)
        if hasattr(signal, "SIGHUP"):
            signal.signal(signal.SIGHUP, on_reload)

    def _reload(self) -> None:
        try:
            config = load_config(self.config_path)
            model = active_model(config)
        except GraciousError as err:
            log.error("reload failed, keeping the running config and model: %s", err)
            return
        self._stop_accounts()
        with self._model_lock:
            self.config, self.model = config, model
            self.registry = ModelRegistry(config.state.data_dir())
            self._pointer = self.registry.active_version()
        self._start_accounts()
        self._schedule_retraining()
        log.info("reloaded config and model %s", model.version)

    def _start_accounts(self) -> None:
        now = datetime.now(UTC)
        for account in self.config.accounts:
            state = _Account(account)
            self.accounts[account.name] = state
            self.scheduler.add_job(
                self._pass,
                "interval",
                minutes=account.poll_minutes,
                args=[account.name],
                id=account.name,
                max_instances=1,
                coalesce=True,
                next_run_time=now,
                misfire_grace_time=None,
            )
            if account.idle and not account.is_maildir:
                state.idle_thread = threading.Thread(
                    target=self._idle_loop, args=(state,), name=f"idle-{account.name}", daemon=True
                )
                state.idle_thread.start()

    def _stop_accounts(self) -> None:
        for name, state in self.accounts.items():
            state.stop_idle.set()
            if self.scheduler.get_job(name):
                self.scheduler.remove_job(name)
        for state in self.accounts.values():
            if state.idle_thread is not None:
                state.idle_thread.join(timeout=30)
        self.accounts = {}

    # --- work ----------------------------------------------------------------------------------

    def _pass(self, name: str) -> None:
        """One pass for one account; if asked again meanwhile (IDLE), run again right after."""
        state = self.accounts.get(name)
        if state is None:
            return
        if not state.lock.acquire(blocking=False):
            state.again.set()
            return
        try:
            while not self.stop.is_set():
                state.again.clear()
                ok = self._pass_once(state)
                if not ok or not state.again.is_set():
                    break
        finally:
            state.lock.release()

    def current_model(self) -> Model:
        """The model to use now: a newly promoted or rolled-back model is picked up here.

        ``gracious retrain`` and ``gracious models use`` only replace the pointer file; each
        pass reads it (a few bytes) and loads the named model when it changed. A model that
        cannot be loaded is refused once, loudly, and the running one kept.
        """
        try:
            version = self.registry.active_version()
        except GraciousError as err:
            log.warning(
                "cannot read which model is active (%s); keeping %s", err, self.model.version
            )
            return self.model
        with self._model_lock:
            if version != self._pointer:
                self._pointer = version
                try:
                    self.model = with_threshold(self.registry.load(version), self.config)
                    log.info("switched to model %s", self.model.version)
                except GraciousError as err:
                    log.error(
                        "model %s was made active but cannot be used (%s); keeping model %s",
                        version,
                        err,
                        self.model.version,
                    )
            return self.model

    def _schedule_retraining(self) -> None:
        """With ``[training] auto_retrain = "daily"``, retrain once a day when labels are new."""
        if self.scheduler.get_job(_RETRAIN_JOB):
            self.scheduler.remove_job(_RETRAIN_JOB)
        if self.config.training.auto_retrain == "daily":
            self.scheduler.add_job(
                self._retrain,
                "interval",
                days=1,
                id=_RETRAIN_JOB,
                max_instances=1,
                coalesce=True,
            )

    def _retrain(self) -> None:
        from detector.teaching import retrain  # noqa: PLC0415 - heavy, only once a day

        try:
            result = retrain(self.config, only_if_new=True)
        except GraciousError as err:
            log.error("scheduled retraining failed: %s", err)
            return
        for line in result.lines():
            log.info("scheduled retraining: %s", line)

    def _pass_once(self, state: _Account) -> bool:
        account, config, model = state.config, self.config, self.current_model()
        summary = None
        try:
            # Opening the journal can fail too (a locked or full disk): retried like the rest.
            journal = Journal(config.state.resolved())
            try:
                runner = Runner(config, model, journal, options=PassOptions(), stop=self.stop)
                try:
                    summary = runner.run_account(account, open_mailbox(account, config))
                finally:
                    runner.close()
            finally:
                journal.close()
        except GraciousError as err:
            log.error("account %s: %s", account.name, err)
        if summary is not None and not summary.errors:
            if summary.checked:
                log.info("account %s: %s", account.name, summary.line())
            state.failures = 0
            return True
        state.failures += 1
        delay = backoff(state.failures, account.poll_minutes * 60)
        log.warning("account %s: retrying in %.0f s", account.name, delay)
        if self.scheduler.get_job(account.name):
            self.scheduler.modify_job(
                account.name, next_run_time=datetime.now(UTC) + timedelta(seconds=delay)
            )
        return False

    def _idle_loop(self, state: _Account) -> None:
        """Hold an IDLE connection on the first watched folder; a new message runs a pass."""
        account = state.config
        folder = account.folders[0]
        failures = 0
        while not (self.stop.is_set() or state.stop_idle.is_set()):
            mailbox = open_mailbox(account, self.config)
            assert isinstance(mailbox, ImapMailbox)  # noqa: S101 - maildirs have no IDLE thread
            try:
                mailbox.open()
                if not mailbox.supports_idle():
                    log.info("account %s: no IDLE on this server; polling only", account.name)
                    return
                failures = 0
                said: list[bool] = []

                def idling(
                    name: str = account.name, where: str = folder, said: list[bool] = said
                ) -> None:
                    if not said:  # once per connection, when IDLE has really begun
                        said.append(True)
                        log.info("account %s: waiting for new mail (IDLE) in %s", name, where)

                def stopping() -> bool:
                    return self.stop.is_set() or state.stop_idle.is_set()

                while not stopping():
                    if mailbox.idle_wait(folder, IDLE_REFRESH_SECONDS, stopping, idling):
                        if said:
                            log.info("account %s: new mail announced by IDLE", account.name)
                        self._trigger(account.name)
            except Exception as err:  # any failure of the push connection: back off, reconnect
                failures += 1
                delay = backoff(failures, 300)
                reason = str(err)[:160] if isinstance(err, GraciousError) else type(err).__name__
                log.warning(
                    "account %s: IDLE connection lost (%s); reconnecting in %.0f s",
                    account.name,
                    reason,
                    delay,
                )
                _sleep(delay, self.stop, state.stop_idle)
            finally:
                mailbox.close()

    def _trigger(self, name: str) -> None:
        """Run the account's pass now, in the scheduler's pool, or once more if one is running."""
        state = self.accounts.get(name)
        if state is None:
            return
        if state.lock.locked():
            state.again.set()
            return
        self.scheduler.add_job(self._pass, args=[name], max_instances=1, coalesce=True)
