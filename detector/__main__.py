"""Allows ``python -m detector``, the same as the ``gracious`` command."""

from detector.cli import main

raise SystemExit(main())
