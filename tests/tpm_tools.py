"""A software TPM (``swtpm``) started by a test, and the journal's counter on it.

``software_tpm(state_dir)`` starts ``swtpm socket --tpm2`` on two adjacent
free loopback ports (commands on P, control on P+1, as the TCTI expects),
waits until it answers, yields a :class:`hardware.tpm.TpmCounter` reaching it
through the ``swtpm`` TCTI, and stops it (by its own pid) afterwards. Its
state lives in ``state_dir``, outside any data directory a test copies: like
a real TPM, it is not part of the files an insider can put back.

Skipped, with the reason, when ``swtpm`` or ``tpm2-pytss`` is missing —
unless ``SEALROOM_REQUIRE_TPM`` is set (CI sets it), when that fails the test.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from hardware.tpm import TpmCounter


def _missing() -> str | None:
    if shutil.which("swtpm") is None:
        return "swtpm is not installed (Debian package swtpm)"
    if importlib.util.find_spec("tpm2_pytss") is None:
        return "tpm2-pytss is not installed (pip extra 'tpm'; needs libtss2-dev)"
    return None


def require_swtpm() -> None:
    """Skip (or fail, under ``SEALROOM_REQUIRE_TPM``) when no software TPM can run."""
    reason = _missing()
    if reason is None:
        return
    if os.environ.get("SEALROOM_REQUIRE_TPM"):
        pytest.fail(f"SEALROOM_REQUIRE_TPM is set but {reason}")
    pytest.skip(f"no software TPM: {reason}")


def _free_port_pair() -> int:
    """A loopback port P with P+1 free too: the swtpm TCTI's control channel is P+1."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as a:
            a.bind(("127.0.0.1", 0))
            port = int(a.getsockname()[1])
            if port >= 65535:
                continue
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as b:
                try:
                    b.bind(("127.0.0.1", port + 1))
                except OSError:
                    continue
                return port
    raise RuntimeError("no two adjacent free loopback ports for swtpm")


def _wait_listening(port: int, proc: subprocess.Popen[bytes], deadline: float) -> None:
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"swtpm exited at start with status {proc.returncode}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.02)
    raise RuntimeError("swtpm did not start listening within 10 s")


@contextlib.contextmanager
def running_swtpm(state_dir: Path) -> Iterator[str]:
    """Run ``swtpm`` with its state in ``state_dir``; yield its TCTI string."""
    require_swtpm()
    state_dir.mkdir(parents=True, exist_ok=True)
    server = _free_port_pair()
    ctrl = server + 1  # where the swtpm TCTI expects it
    proc = subprocess.Popen(
        [
            "swtpm",
            "socket",
            "--tpm2",
            "--tpmstate",
            f"dir={state_dir}",
            "--server",
            f"type=tcp,port={server},bindaddr=127.0.0.1",
            "--ctrl",
            f"type=tcp,port={ctrl},bindaddr=127.0.0.1",
            "--flags",
            "not-need-init,startup-clear",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_listening(ctrl, proc, time.monotonic() + 10)
        yield f"swtpm:host=127.0.0.1,port={server}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextlib.contextmanager
def software_tpm(state_dir: Path) -> Iterator[TpmCounter]:
    """The journal's counter on a fresh software TPM (closed and stopped afterwards)."""
    with running_swtpm(state_dir) as tcti:
        counter = TpmCounter(tcti)
        try:
            yield counter
        finally:
            counter.close()
