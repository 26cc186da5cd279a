"""How fast WorkWell starts (#15 "start fast"): the unlock, the headless sync command and the GUI.

    PYTHONPATH=. .venv/bin/python bench/bench_start.py [--clients 500] [--runs 5]

Prints, each the median of ``--runs``, wall clock and, for child processes, CPU time (asserts
nothing):
- unlock: ``Store.open`` of a store of ``--clients`` demo clients, and the Argon2id key
  unwrap inside it (target < 300 ms);
- imports, each in a fresh interpreter: ``workwell_desktop.cli.dispatch`` (what ``--help`` loads),
  what ``workwell-admin sync`` loads, and ``workwell_desktop.gui.app``; plus the bare
  interpreter's start for comparison;
- ``workwell-admin sync`` from process start to exit, an empty sync against a local server,
  straight on loopback and over the emulated rural link (``rural_link.py``: 1 Mbit/s,
  300 ms round trip; the request's round trip is 0.3 s of it, and the TCP handshake another
  0.3 s, paid during the imports and the unlock (sync.early_connect); target < 0.8 s);
- the GUI from process start to the unlock screen shown (offscreen) and to the main
  window unlocked with the caseload listed.

Child processes cache bytecode in a temporary folder, as an installed app has its .pyc
files (this machine's environment may set PYTHONDONTWRITEBYTECODE); each is run once to
warm that cache before it is measured. Run it on a quiet machine: figures from a shared
one are noisy.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
os.environ["WORKWELL_KEY_STORE"] = "file"

import workwell_desktop  # noqa: E402

PACKAGE_ROOT = Path(workwell_desktop.__file__).resolve().parents[1]
PASSPHRASE = "bench passphrase for start"
PASSWORD = "bench password long enough"
SYNC_LOADS = "import workwell_desktop.cli.dispatch, workwell_desktop.cli.sync, workwell_desktop.sync.engine"
GUI_TO_SCREEN = """
import sys, time
from pathlib import Path
from PySide6.QtWidgets import QApplication
from workwell_desktop.gui.app import build_window, prepare_application, show_main_window
app = QApplication([sys.argv[0], "-platform", "offscreen"])
prepare_application(app)
window = build_window(Path(sys.argv[1]))
show_main_window(window)
app.processEvents()
print("shown", flush=True)
if len(sys.argv) > 2:
    from workwell_desktop.store import Store
    window.open_store(Store.open(Path(sys.argv[1]), sys.argv[2]))
    app.processEvents()
    print("unlocked", flush=True)
    from workwell_desktop.gui import tasks
    tasks.wait_for_background_work(5000)
"""


def show(label: str, ms: float | tuple[float, float], target: str = "") -> None:
    wall, cpu = ms if isinstance(ms, tuple) else (ms, None)
    line = f"{label + ':':42}{wall:6.0f} ms" + (f"  (CPU {cpu:4.0f} ms)" if cpu is not None else " " * 16)
    print(line + (f"   target {target}" if target else ""))


def child_env(cache: Path, passphrase: str = PASSPHRASE) -> dict[str, str]:
    """The environment of a measured child: this checkout, a private bytecode cache."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(
        PYTHONPYCACHEPREFIX=str(cache),
        PYTHONPATH=str(PACKAGE_ROOT),
        QT_QPA_PLATFORM="offscreen",
        WORKWELL_PASSPHRASE=passphrase,
    )
    return env


def in_process_ms(work, runs: int) -> tuple[float, float]:
    """Median wall and CPU time (all threads: Argon2id's lanes run on four) of ``work()``."""
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        work()
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    return statistics.median(walls), statistics.median(cpus)


# process_ms runs a command this many times more than it measures: a caller counting what
# the runs did (requests on the link emulator) divides by ``runs + WARM_UP_RUNS``.
WARM_UP_RUNS = 1


def runs_argument(text: str) -> int:
    """``--runs``: a median needs one run at least."""
    runs = int(text)
    if runs < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return runs


def process_ms(
    argv: list[str], env: dict[str, str], runs: int, until: str | None = None
) -> tuple[float, float]:
    """Median wall time from starting ``argv`` to its exit (or to the line ``until`` on
    stdout), and the median CPU time (user + system, all threads) of the whole run: on a
    shared machine the CPU figure moves less than the wall clock."""
    for _ in range(WARM_UP_RUNS):  # warm the bytecode cache
        subprocess.run(argv, env=env, cwd=PACKAGE_ROOT, capture_output=True)
    walls, cpus = [], []
    for _ in range(runs):
        start = time.perf_counter()
        child = subprocess.Popen(
            argv, env=env, cwd=PACKAGE_ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
        )
        assert child.stdout is not None
        for line in child.stdout:
            if until is not None and line.strip() == until:
                walls.append((time.perf_counter() - start) * 1000)
                break
        child.stdout.read()
        _pid, status, usage = os.wait4(child.pid, 0)
        if until is None:
            walls.append((time.perf_counter() - start) * 1000)
        child.returncode = os.waitstatus_to_exitcode(status)
        child.stdout.close()
        if child.returncode != 0:
            raise SystemExit(f"{argv[1:4]} exited {child.returncode}")
        cpus.append((usage.ru_utime + usage.ru_stime) * 1000)
    return statistics.median(walls), statistics.median(cpus)


def import_ms(statement: str, env: dict[str, str], runs: int) -> tuple[float, float]:
    """Median wall and CPU time of ``statement`` in a fresh interpreter, measured inside it."""
    code = (
        "import time; t, c = time.perf_counter(), time.process_time(); "
        f"{statement}; print((time.perf_counter() - t) * 1000, (time.process_time() - c) * 1000)"
    )
    argv = [sys.executable, "-c", code]
    subprocess.run(argv, env=env, cwd=PACKAGE_ROOT, capture_output=True, check=True)
    figures = [
        subprocess.run(argv, env=env, cwd=PACKAGE_ROOT, capture_output=True, text=True).stdout.split()
        for _ in range(runs)
    ]
    return statistics.median(float(f[0]) for f in figures), statistics.median(float(f[1]) for f in figures)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=500)
    parser.add_argument("--runs", type=runs_argument, default=5)
    args = parser.parse_args()
    import local_server
    from rural_link import RuralLink

    from workwell_desktop.cli.demo import add_demo_caseload
    from workwell_desktop.store import Store, replica
    from workwell_desktop.store.keys import KeyFileKeyStore, unwrap_key
    from workwell_desktop.sync import engine

    tmp = Path(tempfile.mkdtemp(prefix="ww-bench-start-"))
    env = child_env(tmp / "pycache")
    print(f"package measured: {PACKAGE_ROOT}")
    server, port = local_server.start(tmp, ("ann",), PASSWORD)
    data = tmp / "laptop"
    store = Store.create(data, PASSPHRASE, "Ann")
    engine.register(store, f"http://127.0.0.1:{port}", "ann", PASSWORD)
    add_demo_caseload(store, args.clients, seed=15)
    engine.sync(store)
    store.close()

    wrapped = KeyFileKeyStore(data / "key.json").load()
    unlock = in_process_ms(lambda: Store.open(data, PASSPHRASE).close(), args.runs)
    show(f"unlock ({args.clients} clients)", unlock, "< 300 ms")
    unwrap = in_process_ms(lambda: unwrap_key(wrapped, PASSPHRASE), args.runs)
    show("  of which the Argon2id key unwrap", unwrap)

    runs = args.runs
    show("interpreter start (python -c pass)", process_ms([sys.executable, "-c", "pass"], env, runs))
    show(
        "imports of workwell-admin --help",
        import_ms("import workwell_desktop.cli.dispatch", env, runs),
    )
    show("imports of workwell-admin sync", import_ms(SYNC_LOADS, env, runs))
    show("import workwell_desktop.gui.app", import_ms("import workwell_desktop.gui.app", env, runs))

    sync = [sys.executable, "-m", "workwell_desktop.cli", "--data-dir", str(data), "sync"]
    show("workwell-admin sync, loopback", process_ms(sync, env, runs))
    with RuralLink("127.0.0.1", port) as link:
        store = Store.open(data, PASSPHRASE)
        replica.set_settings(store, server_url=link.url)
        store.close()
        show("workwell-admin sync, rural link", process_ms(sync, env, runs), "< 800 ms")
        runs_made = runs + WARM_UP_RUNS
        print(
            f"  per sync: {link.requests / runs_made:.0f} request(s), "
            f"{link.connections / runs_made:.0f} TCP connection(s)"
        )

    gui = [sys.executable, "-c", GUI_TO_SCREEN, str(data)]
    show("GUI, process start to unlock screen", process_ms(gui, env, runs, until="shown"))
    show("GUI, process start to caseload shown", process_ms([*gui, PASSPHRASE], env, runs, until="unlocked"))
    server.should_exit = True  # type: ignore[attr-defined]


if __name__ == "__main__":
    main()
