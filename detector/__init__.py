"""gracious: detect job-application rejections in your mail and draft a gracious reply."""

from __future__ import annotations

from detector.errors import ConfigError, GraciousError, MessageError, ModelError

__all__ = ["ConfigError", "GraciousError", "MessageError", "ModelError", "__version__"]

__version__ = "0.1.0"
