"""Process-wide protections every entry point applies first (GUI, workwell-admin, server).

- ``umask 077``: every file and folder the process creates is this user's only,
  including those made by libraries (SQLite's -wal/-shm, reportlab, openpyxl, logs).
- No core dumps: a crash must not write the database key, the passphrase or client
  records to a core file. On Linux the process is also made non-dumpable, which
  keeps other processes of the same user from reading its memory through ptrace or
  ``/proc/<pid>/mem``. Windows error reporting is told not to collect a dump via
  the crash dialog (``SetErrorMode``).
"""

from __future__ import annotations

import logging
import os
import sys

log = logging.getLogger(__name__)

PRIVATE_UMASK = 0o077
_PR_SET_DUMPABLE = 4


def harden_process() -> None:
    """Apply the umask and switch core dumps off; never raises (a missing facility is logged)."""
    os.umask(PRIVATE_UMASK)
    disable_core_dumps()


def disable_core_dumps() -> None:
    if sys.platform == "win32":
        try:
            import ctypes

            sem_failcriticalerrors, sem_nogpfaulterrorbox = 0x0001, 0x0002
            ctypes.windll.kernel32.SetErrorMode(sem_failcriticalerrors | sem_nogpfaulterrorbox)
        except (AttributeError, OSError) as exc:
            log.warning("could not switch off crash dumps (%s)", type(exc).__name__)
        return
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    except (ImportError, ValueError, OSError) as exc:
        log.warning("could not switch off core dumps (%s)", type(exc).__name__)
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            if libc.prctl(_PR_SET_DUMPABLE, 0, 0, 0, 0) != 0:
                log.warning("could not make the process non-dumpable (errno %d)", ctypes.get_errno())
        except (AttributeError, OSError) as exc:
            log.warning("could not make the process non-dumpable (%s)", type(exc).__name__)


def private_folder(path) -> None:
    """Create ``path`` and any missing parents as 0700 folders; an existing folder is left
    as it is (it may be the coach's own choice, such as Documents)."""
    from pathlib import Path

    path = Path(path)
    missing = []
    while not path.exists() and path != path.parent:
        missing.append(path)
        path = path.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=0o700)
        except FileExistsError:
            continue
        if os.name == "posix":
            os.chmod(folder, 0o700)  # whatever the umask of the moment


def tighten_data_folder(data_dir) -> None:
    """A WorkWell data folder made 0755 by an older version becomes 0700 (POSIX)."""
    from pathlib import Path

    data_dir = Path(data_dir)
    if os.name != "posix":
        return
    for folder in (data_dir, data_dir / "backups", data_dir / "logs"):
        try:
            if folder.is_dir() and folder.stat().st_mode & 0o077:
                os.chmod(folder, 0o700)
        except OSError as exc:
            log.warning("could not restrict a data folder's permissions (%s)", type(exc).__name__)


def write_private_bytes(path, data: bytes) -> None:
    """Atomically replace ``path`` with ``data``, readable by this user only (0600 on POSIX):
    an export holds client information, so its mode must not depend on the umask.

    The one atomic writer: exports, letters, the wrapped key, the store's and the coach's
    settings. A crash mid-write leaves the old file or the new one, never half of one."""
    import tempfile
    from pathlib import Path

    path = Path(path)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
