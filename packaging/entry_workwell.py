"""Bundle entry point for the ``workwell`` desktop app.

Handles two flags itself, before the GUI app is imported, so they work in every
build whatever the state of ``workwell_desktop.gui.app``:

``--self-test``
    Run the built-in checks (encrypted database, instruments, keyring backends,
    settings, main window offscreen, letter PDF) and exit 0 or non-zero.
``WORKWELL_EXIT_AFTER_SHOWN=1``
    Build and show the main window, print the seconds since launch and exit:
    the cold-start figure that ``bench/bench_bundle.py`` reports.
"""

import os
import sys
import time

STARTED = time.perf_counter()


def _run() -> int:
    from workwell_desktop.hardening import harden_process

    harden_process()  # umask 077 and no core dumps, for the self-test and timing paths too
    if "--self-test" in sys.argv[1:]:
        from workwell_desktop.gui.selftest import run_self_test

        return run_self_test()
    if os.environ.get("WORKWELL_EXIT_AFTER_SHOWN") == "1":
        from workwell_desktop.gui.selftest import show_main_window_and_exit

        return show_main_window_and_exit(STARTED)
    from workwell_desktop.gui.app import main

    return main()


if __name__ == "__main__":
    sys.exit(_run())
