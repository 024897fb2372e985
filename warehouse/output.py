"""Writing an export file safely: a temporary file beside the target, then a rename.

A reader of the target never sees half a file, and a failed export leaves the target as
it was. The rename would replace whatever sits at the target's name, so only a regular
file is replaced (or a new one created): a symlink (it would be replaced by a file, not
followed), a device, a pipe or a folder at the target is an error and stays untouched.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

from corpus.errors import DatabaseError


def check_target(target: Path) -> None:
    """Refuse a target that exists and is not a regular file, or whose folder cannot be.

    Raises:
        DatabaseError: the target is a symlink, device, pipe or folder, or its parent is
            not a folder.

    """
    try:
        mode = os.lstat(target).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise DatabaseError(f"cannot write it: {exc.strerror}", path=str(target)) from exc
    if mode is not None and not stat.S_ISREG(mode):
        raise DatabaseError(
            f"is a {_kind(mode)}, not a regular file; exports only replace regular files "
            "(give another path)",
            path=str(target),
        )


def _kind(mode: int) -> str:
    if stat.S_ISLNK(mode):
        return "symbolic link"
    if stat.S_ISDIR(mode):
        return "folder"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    if stat.S_ISFIFO(mode):
        return "named pipe"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "special file"


@contextlib.contextmanager
def replacing(target: Path | str) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; when the block succeeds, rename it over.

    The target's folder is created if missing. The temporary file is removed on failure.

    Raises:
        DatabaseError: the target is not a regular file (see :func:`check_target`), or
            the folder or file cannot be written.

    """
    target = Path(target)
    check_target(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
    except OSError as exc:
        raise DatabaseError(f"cannot write it: {exc.strerror or exc}", path=str(target)) from exc
    os.close(fd)
    partial = Path(name)
    try:
        yield partial
        check_target(target)  # it may have changed while the export ran
        os.chmod(partial, _mode_for(target))
        os.replace(partial, target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise DatabaseError(f"cannot write it: {exc.strerror or exc}", path=str(target)) from exc
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def _mode_for(target: Path) -> int:
    """Keep an existing file's permissions; a new one gets the usual ``0o666 & ~umask``."""
    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
