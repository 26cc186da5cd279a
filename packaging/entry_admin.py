"""Bundle entry point for ``workwell-admin`` (the headless jobs: init, demo data, exports)."""

import sys

from workwell_desktop.cli import main

if __name__ == "__main__":
    sys.exit(main())
