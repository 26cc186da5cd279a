"""``workwell-admin register`` and ``sync``: connect this laptop to the server, and sync.

``workwell-admin [--data-dir DIR] register --server URL --username U [--device-name N]``
    Register the laptop with a coach's account; the password is read from standard
    input (one line) or asked for on a terminal. The device token is kept inside the
    encrypted database.
``workwell-admin [--data-dir DIR] sync``
    Push every unsent change and pull everything new. Exit 0 when fully synced;
    1 when the server rejected some changes (each listed) or conflicts wait for a
    coach; 2 when offline, not registered or refused; 3 when the device was revoked
    (its data and key have then been wiped).
"""

from __future__ import annotations

import getpass
import sys
from pathlib import Path

from . import commands


def _password() -> str:
    if sys.stdin.isatty():
        return getpass.getpass("WorkWell server password: ")
    return sys.stdin.readline().rstrip("\r\n")


def register(args, data_dir: Path) -> int:
    from ..sync import engine

    store = commands.unlock(data_dir)
    try:
        result = engine.register(store, args.server, args.username, _password(), args.device_name)
    except engine.SyncError as problem:
        raise commands.CommandError(str(problem), 2) from None
    finally:
        store.close()
    print(
        f"Registered as {result.display_name} ({result.role}, team {result.team}); device {result.device_id}."
    )
    return 0


def sync(args, data_dir: Path) -> int:
    unlocking = commands.start_unlock(data_dir)  # the key unwrap runs during these imports
    try:
        from ..store import replica
        from ..sync import engine

        store = unlocking.result()
    except BaseException:  # Ctrl-C, or a broken install: the store is closed once it opens
        commands.close_when_open(unlocking)
        raise
    try:
        # main() began opening the connection before the imports (sync.early_connect)
        report = engine.sync(store, early=args.early_connection)
        conflicts = len(replica.open_conflicts(store))
    except engine.DeviceRevoked as problem:
        print(f"workwell-admin: {problem}", file=sys.stderr)
        return 3
    except engine.SyncError as problem:
        raise commands.CommandError(str(problem), 2) from None
    finally:
        store.close()
    print(f"Synced: sent {report.pushed}, received {report.pulled}, {report.requests} request(s).")
    for change_id, reason in report.rejections:
        print(f"rejected {change_id}: {reason}", file=sys.stderr)
    if conflicts:
        print(f"{conflicts} conflict(s) wait for a coach to resolve in the app.", file=sys.stderr)
    return 1 if report.rejections or conflicts else 0


def add_sync_commands(sub) -> None:
    p = sub.add_parser("register", help="connect this laptop to a WorkWell server")
    p.add_argument("--server", required=True, help="the server address, https://...")
    p.add_argument("--username", required=True)
    p.add_argument("--device-name", default=None)
    p.set_defaults(handler=register)
    p = sub.add_parser("sync", help="send and fetch changes now")
    p.set_defaults(handler=sync)
