"""Keeping builds apart, and knowing what a killed build left behind.

The build lock
    :func:`build_lock` takes an exclusive lock (``flock``) on ``reports/.build.lock`` for the
    length of a build, and writes the pid, host and start time of the build into it. A second
    build of the same project does not wait: it stops with :class:`BuildLocked`, whose Dutch
    message names the process that holds the lock. The operating system releases the lock when
    its process ends, however it ends (also after ``kill -9``), so a lock is never left stale.
    While a build holds the lock, no other build of the project runs: every temporary report
    folder it finds is a leftover (see :func:`tussenstand.runner.remove_stale_run_folders`).

Temporary folders that know their owner
    Kernel sockets live in the machine's temporary folder (``tussenstand-kernel-*``), which every
    project and every user on the machine shares. :class:`OwnedTempDir` creates such a folder with
    a file ``.eigenaar`` inside that its process keeps locked for as long as it uses the folder;
    :func:`remove_stale_temp_dirs` removes only folders whose ``.eigenaar`` is no longer locked
    (their process is gone). A folder is created under a hidden name and renamed into place with
    its lock already taken, so a cleaner never sees it unowned. Folders of an older tussenstand
    (no ``.eigenaar``) count as stale when none of their sockets accepts a connection, and as in
    use when they have no socket yet and changed less than :data:`UNOWNED_GRACE_SECONDS` ago.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import stat
import tempfile
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from tussenstand.nlformat import fmt_date

LOCK_FILE = ".build.lock"
OWNER_FILE = ".eigenaar"
#: how long a folder without owner file and without sockets counts as just created (in use)
UNOWNED_GRACE_SECONDS = 3600

try:  # POSIX
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

except ImportError:  # pragma: no cover - Windows
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True


def _write_at_start(fd: int, text: str) -> None:
    os.lseek(fd, 0, os.SEEK_SET)
    os.write(fd, text.encode())


class BuildLocked(RuntimeError):
    """Another build of the same project is running; the message (Dutch) names it."""


# ----- the build lock ----------------------------------------------------------------------------
def _holder_text(path: Path) -> str:
    """Who holds the lock, as written into the lock file by :func:`build_lock`."""
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
        started = datetime.fromisoformat(info["gestart"])
        pid = int(info["pid"])
        host = str(info.get("machine", ""))
    except (OSError, ValueError, KeyError, TypeError):
        return "een ander proces (het slotbestand zegt niet welk)"
    where = f" op machine {host}" if host and host != socket.gethostname() else ""
    return (
        f"proces {pid}{where}, gestart op {fmt_date(started)} om {started:%H:%M:%S}"
        if pid
        else "een ander proces"
    )


@contextlib.contextmanager
def build_lock(reports_dir: Path) -> Iterator[Path]:
    """Hold the project's build lock (``<reports_dir>/.build.lock``) for the ``with`` block.

    Raises :class:`BuildLocked` at once when another process holds it.
    """
    reports_dir.mkdir(parents=True, exist_ok=True)
    path = reports_dir / LOCK_FILE
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        if not _try_lock(fd):
            raise BuildLocked(
                f"Er loopt al een build van dit project: {_holder_text(path)} (slot: {path}). "
                "Wacht tot die klaar is en start daarna opnieuw; twee builds tegelijk zouden al "
                "het werk dubbel doen."
            )
        info = {
            "pid": os.getpid(),
            "machine": socket.gethostname(),
            "gestart": datetime.now().isoformat(timespec="seconds"),
        }
        os.ftruncate(fd, 0)
        _write_at_start(fd, json.dumps(info))
        yield path
    finally:
        os.close(fd)  # releases the lock; the file stays (removing a locked file races)


# ----- temporary folders with an owner -----------------------------------------------------------
class OwnedTempDir:
    """A new folder ``<tmp>/<prefix><random>`` that this process owns until :meth:`remove`."""

    def __init__(self, prefix: str, parent: str | os.PathLike | None = None):
        parent = Path(parent or tempfile.gettempdir())
        draft = Path(tempfile.mkdtemp(prefix=f".{prefix}", dir=parent))
        self._fd = os.open(draft / OWNER_FILE, os.O_RDWR | os.O_CREAT, 0o600)
        _try_lock(self._fd)  # a new file: nobody else has it
        _write_at_start(self._fd, f"{os.getpid()}\n")
        self.path = parent / draft.name[1:]
        os.rename(draft, self.path)

    def remove(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def _sockets_accept(folder: Path) -> bool | None:
    """Whether a Unix socket in ``folder`` accepts a connection; None when it holds none."""
    found = None
    for path in folder.iterdir():
        try:
            if not stat.S_ISSOCK(path.lstat().st_mode):
                continue
        except OSError:
            continue
        found = False
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            try:
                s.connect(str(path))
            except OSError:
                continue
            return True
    return found


def in_use(folder: Path) -> bool:
    """Whether a live process still uses ``folder`` (see the module docstring)."""
    owner = folder / OWNER_FILE
    try:
        fd = os.open(owner, os.O_RDWR)
    except FileNotFoundError:
        accepting = _sockets_accept(folder) if hasattr(socket, "AF_UNIX") else True
        if accepting is None:
            return time.time() - folder.stat().st_mtime < UNOWNED_GRACE_SECONDS
        return accepting
    except OSError:
        return True  # not ours to judge
    try:
        return not _try_lock(fd)
    finally:
        os.close(fd)


def remove_stale_temp_dirs(prefix: str, parent: str | os.PathLike | None = None) -> list[Path]:
    """Remove the folders ``<parent>/<prefix>*`` of this user that no live process uses;
    returns them. ``parent`` defaults to the machine's temporary folder."""
    parent = Path(parent or tempfile.gettempdir())
    removed = []
    uid = os.getuid() if hasattr(os, "getuid") else None
    # also hidden drafts (``.<prefix>*``) of a process killed before it renamed its folder
    for folder in sorted([*parent.glob(f"{prefix}*"), *parent.glob(f".{prefix}*")]):
        try:
            st = folder.lstat()
        except OSError:
            continue
        if not stat.S_ISDIR(st.st_mode) or (uid is not None and st.st_uid != uid):
            continue
        try:
            if in_use(folder):
                continue
        except OSError:
            continue
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed
