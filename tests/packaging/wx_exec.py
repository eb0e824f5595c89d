"""Run a command under the seccomp filter of systemd's MemoryDenyWriteExecute=yes.

    /usr/bin/python3 tests/packaging/wx_exec.py COMMAND [ARG...]

The same rules as systemd 252 (src/shared/seccomp-util.c,
seccomp_memory_deny_write_execute): mmap with PROT_WRITE and PROT_EXEC
together, mprotect/pkey_mprotect adding PROT_EXEC, and shmat with SHM_EXEC
fail with EPERM. The filter is inherited across exec by every child, as in a
unit. Needs Debian's python3-seccomp (the system interpreter, not the venv).
"""

import errno
import os
import sys

import seccomp  # type: ignore[import-not-found]

PROT_WRITE, PROT_EXEC, SHM_EXEC = 0x2, 0x4, 0o100000


def main() -> None:
    f = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
    eperm = seccomp.ERRNO(errno.EPERM)
    both = PROT_WRITE | PROT_EXEC
    f.add_rule(eperm, "mmap", seccomp.Arg(2, seccomp.MASKED_EQ, both, both))
    f.add_rule(eperm, "mprotect", seccomp.Arg(2, seccomp.MASKED_EQ, PROT_EXEC, PROT_EXEC))
    f.add_rule(eperm, "pkey_mprotect", seccomp.Arg(2, seccomp.MASKED_EQ, PROT_EXEC, PROT_EXEC))
    f.add_rule(eperm, "shmat", seccomp.Arg(2, seccomp.MASKED_EQ, SHM_EXEC, SHM_EXEC))
    f.set_attr(seccomp.Attr.CTL_NNP, 1)
    f.load()
    os.execvp(sys.argv[1], sys.argv[1:])  # noqa: S606 - the test's own argv


if __name__ == "__main__":
    main()
