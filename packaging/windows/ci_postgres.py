#!/usr/bin/env python3
"""Start the PostgreSQL that GitHub's Windows runner image ships, for the server tests.

    python packaging/windows/ci_postgres.py        # prints the URL for WORKWELL_TEST_POSTGRES_URL

The windows-2022 image has PostgreSQL installed but stopped (service
``postgresql-x64-<major>``, user ``postgres``, password ``root``, per the image's
documentation). This starts the service, waits for the port and creates the ``test``
database. Elsewhere, point WORKWELL_TEST_POSTGRES_URL at any server the tests may use.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

URL = "postgresql+psycopg://postgres:{password}@127.0.0.1:5432/test"


def service_name() -> str:
    listing = subprocess.run(["sc", "query", "state=", "all"], capture_output=True, text=True).stdout
    names = [
        line.split(":", 1)[1].strip()
        for line in listing.splitlines()
        if line.strip().startswith("SERVICE_NAME:") and "postgresql" in line.lower()
    ]
    if not names:
        raise SystemExit("no PostgreSQL service on this machine")
    return sorted(names)[-1]


def wait_for_port(host: str = "127.0.0.1", port: int = 5432, attempts: int = 60) -> None:
    for _ in range(attempts):  # bounded: a minute at most
        try:
            socket.create_connection((host, port), timeout=1).close()
            return
        except OSError:
            time.sleep(1)
    raise SystemExit(f"PostgreSQL did not open {host}:{port}")


def start() -> str:
    """Start the service, make the ``test`` database; returns the URL for the tests."""
    name = service_name()
    subprocess.run(["sc", "config", name, "start=", "demand"], capture_output=True)
    subprocess.run(["net", "start", name], capture_output=True)
    wait_for_port()
    password = os.environ.get("PGPASSWORD", "root")
    import psycopg

    with psycopg.connect(
        f"host=127.0.0.1 user=postgres password={password} dbname=postgres", autocommit=True
    ) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = 'test'").fetchone():
            conn.execute("CREATE DATABASE test")
    return URL.format(password=password)


def main() -> int:
    if sys.platform != "win32":
        print(
            "this script starts the Windows runner's PostgreSQL; on Linux use the system's", file=sys.stderr
        )
        return 2
    print(start())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
