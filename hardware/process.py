"""The operating system's side of keeping secrets out of files: no core dumps.

A process that holds the database key, a recovery passphrase, a PIN or a
printed password must not leave them in a core file when it crashes. A core
file is a copy of the process's memory, written by the kernel wherever the
machine's ``core_pattern`` says (the working directory, ``/var/crash``, a
pipe to apport or systemd-coredump) — on a disk the insider can read after
the crash.

:func:`harden_process` is called by every ``sealroom`` command that will
hold a key, first thing, before anything is unlocked or generated:

* ``RLIMIT_CORE`` soft **and** hard limit 0: the kernel writes no core file,
  and the process cannot raise the limit again (the hard limit only goes
  down without ``CAP_SYS_RESOURCE``);
* ``prctl(PR_SET_DUMPABLE, 0)``: no core even through a pipe handler
  (with ``fs.suid_dumpable`` 0, the default), ``/proc/<pid>/mem`` and
  ``ptrace`` closed to other processes of the same user.

Both hold for the process and the threads it starts; ``fork`` children keep
them, a program started with ``exec`` gets the dumpable flag back (the
kernel resets it) but keeps the core limit. Neither can be undone from
inside a Python crash.
"""

from __future__ import annotations

import ctypes
import resource
import sys
from dataclasses import dataclass

#: from <linux/prctl.h>
PR_SET_DUMPABLE = 4
PR_GET_DUMPABLE = 3


@dataclass(frozen=True)
class Hardening:
    """What :func:`harden_process` could set (both ``True`` on Linux)."""

    core_limit_zero: bool
    not_dumpable: bool


def _prctl(option: int, arg: int) -> int:
    libc = ctypes.CDLL(None, use_errno=True)
    prctl = libc.prctl
    prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
    prctl.restype = ctypes.c_int
    return int(prctl(option, arg, 0, 0, 0))


def dumpable() -> bool | None:
    """The process's dumpable flag (``None`` where there is no ``prctl``)."""
    if not sys.platform.startswith("linux"):
        return None
    return _prctl(PR_GET_DUMPABLE, 0) != 0


def harden_process() -> Hardening:
    """No core file of this process, ever (see the module docstring).

    Never raises: a platform without ``prctl`` (the auditors' laptops run
    ``sealroom verify``, which holds no secret) still gets the core limit,
    and the result says what was set.
    """
    limit = False
    try:
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        limit = resource.getrlimit(resource.RLIMIT_CORE) == (0, 0)
    except (ValueError, OSError):
        limit = False
    not_dumpable = False
    if sys.platform.startswith("linux"):
        try:
            not_dumpable = _prctl(PR_SET_DUMPABLE, 0) == 0 and dumpable() is False
        except (OSError, AttributeError):
            not_dumpable = False
    return Hardening(core_limit_zero=limit, not_dumpable=not_dumpable)
