"""One root exception for gracious, so the CLI has a single error boundary."""

from __future__ import annotations

__all__ = ["ConfigError", "DraftError", "GraciousError", "MessageError", "ModelError"]


class GraciousError(Exception):
    """Base of every error gracious raises on purpose; the CLI prints it as one line."""


class MessageError(GraciousError):
    """A message could not be parsed; the text names what was wrong with it."""


class ConfigError(GraciousError):
    """The config file is missing, unreadable or has a bad key; names file and key."""


class DraftError(GraciousError):
    """The reply could not be rendered (a broken user template); names the template."""


class ModelError(GraciousError):
    """The model could not be loaded, trained or saved."""
