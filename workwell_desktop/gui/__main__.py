"""``python -m workwell_desktop.gui`` starts the desktop app."""

from .app import main

raise SystemExit(main())
