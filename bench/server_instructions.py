"""The sync server's CPU instructions per sync, counted by callgrind: an A/B measure that does not
vary with the machine the way CPU time does (#15). Prints a figure; asserts nothing.

``python bench/server_instructions.py [--syncs 200] [--tree PATH]``; needs valgrind
(``apt-get install valgrind``), so ``make bench`` does not run it. ``--tree`` measures another
checkout's server (a ``git worktree`` of the commit to compare) with this one's load.

1. A fresh PostgreSQL database, 20 coaches in teams of 20, each with a device registered through
   a server run normally (Argon2id under valgrind would take minutes).
2. The same server under ``valgrind --tool=callgrind`` with counting off; 40 syncs to warm it up
   (imports, statement caches, the connection pool), then counting on for ``--syncs`` syncs made
   one after another, the load ``bench_server`` makes (a push of 1-5 changes and the team's
   pull), and off again. The count covers the server's user-space instructions in every thread,
   not the kernel's: a change that saves system calls shows in ``bench_server``'s CPU only.
Repeat runs agree to about 0.1%.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import tempfile
from pathlib import Path

import bench_server as load
import httpx

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--syncs", type=int, default=200)
    parser.add_argument("--tree", type=Path, default=ROOT, help="the checkout whose server is measured")
    args = parser.parse_args()
    maintenance = os.environ.get("WORKWELL_TEST_POSTGRES_URL", load.PG_DEFAULT)
    database_url = load.create_database(maintenance)
    log = Path(tempfile.gettempdir()) / f"workwell-server-instructions-{os.getpid()}.log"
    try:
        usernames = load.seed_accounts(database_url, 20)  # migrates first: then the role's grants
        app_url = load.app_role_url(database_url)
        port = load.free_port()
        plain = load.start_server(app_url, port, 1, log)
        try:
            devices = load.register_all(f"http://127.0.0.1:{port}", usernames)
        finally:
            plain.terminate()
            plain.wait()

        callgrind = (
            "valgrind",
            "--tool=callgrind",
            "--instr-atstart=no",
            f"--callgrind-out-file={log.with_suffix('.callgrind')}",
        )
        # Everything runs about 50 times slower under valgrind.
        proc = load.start_server(app_url, port, 1, log, callgrind, args.tree.resolve(), wait_seconds=600)
        for i, d in enumerate(devices):
            load.as_laptop(d, i)  # the same numbers every run
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as http:

            def sync(d: dict) -> None:
                more, body = True, {"cursor": d["cursor"], "changes": load.next_batch(d)}
                while more:
                    r = http.post(
                        "/api/v1/sync",
                        content=load.gz(body),
                        headers={**load.HEADERS, "Authorization": f"Bearer {d['token']}"},
                    )
                    r.raise_for_status()
                    reply = r.json()
                    d["cursor"], more = reply["cursor"], reply["more"]
                    body = {"cursor": d["cursor"]}

            for i in range(40):
                sync(devices[i % len(devices)])
            subprocess.run(["callgrind_control", "-i", "on", str(proc.pid)], check=True, capture_output=True)
            for i in range(args.syncs):
                sync(devices[i % len(devices)])
            subprocess.run(["callgrind_control", "-i", "off", str(proc.pid)], check=True, capture_output=True)
        proc.terminate()
        proc.wait()
        found = re.search(r"Collected : (\d+)", log.read_text(errors="replace"))
        if not found:
            raise SystemExit(f"callgrind printed no count; see {log}")
        print(
            f"server {args.tree.resolve()}: {int(found.group(1)) / args.syncs / 1e6:.2f} million "
            f"instructions per sync ({args.syncs} syncs after 40 to warm up; user space, all threads)"
        )
    finally:
        for leftover in log.parent.glob(log.with_suffix(".callgrind").name + "*"):
            leftover.unlink()
        load.drop_database(maintenance, database_url)


if __name__ == "__main__":
    main()
