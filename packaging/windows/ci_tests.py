#!/usr/bin/env python3
"""Run the test-suite on Windows: the image's PostgreSQL started, then pytest (bundle tests aside).

    .venv\\Scripts\\python packaging\\windows\\ci_tests.py [PYTEST ARGS...]

The bundle tests (``-m bundle``) build a PyInstaller bundle of their own; on Windows the
msi job's pipeline (ci_pipeline.py) builds, signs, installs and self-tests the bundle
instead, so they are deselected here. GitHub sets CI, so the server tests must reach
PostgreSQL rather than skip (tests/server/conftest.py).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE))


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    if sys.platform == "win32" and "WORKWELL_TEST_POSTGRES_URL" not in env:
        import ci_postgres

        env["WORKWELL_TEST_POSTGRES_URL"] = ci_postgres.start()
    command = [sys.executable, "-m", "pytest", "-q", "-m", "not bundle", *argv]
    print("+", subprocess.list2cmdline(command), flush=True)
    return subprocess.run(command, cwd=ROOT, env=env).returncode


if __name__ == "__main__":
    raise SystemExit(main())
