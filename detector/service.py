"""What ``gracious run`` does: one pass over every configured account, and its summary."""

from __future__ import annotations

import logging
import threading

from detector.classifier import Model
from detector.config import Config
from detector.errors import ConfigError
from detector.registry import ModelRegistry
from detector.runner import PassOptions, Runner, Summary, open_mailbox
from detector.state import Journal

__all__ = ["active_model", "run_once", "with_threshold"]

log = logging.getLogger(__name__)


def active_model(config: Config) -> Model:
    """The active model (the user's retrained one, else the shipped one) at the right threshold."""
    return with_threshold(ModelRegistry(config.state.data_dir()).load_active(), config)


def with_threshold(model: Model, config: Config) -> Model:
    """``model`` at the configured threshold, or else at its own."""
    threshold = config.detector.threshold or model.threshold
    return Model(model.pipeline, threshold, model.version, model.metadata)


def run_once(
    config: Config,
    options: PassOptions,
    *,
    stop: threading.Event | None = None,
    model: Model | None = None,
) -> Summary:
    """One pass over every account; one failing account never stops the others."""
    if not config.accounts:
        where = config.source or "the configuration"
        raise ConfigError(f"{where}: no [[accounts]] configured; add an IMAP account or a maildir")
    model = model or active_model(config)
    journal = Journal(config.state.resolved(), readonly=options.dry_run)
    total = Summary()
    try:
        runner = Runner(config, model, journal, options=options, stop=stop)
        for account in config.accounts:
            if runner.stop.is_set():
                break
            total.add(runner.run_account(account, open_mailbox(account, config)))
        runner.close()
    finally:
        journal.close()
    return total
