"""``python -m workwell_desktop.cli``: the same as ``workwell-admin``."""

import sys

from . import main

sys.exit(main())
