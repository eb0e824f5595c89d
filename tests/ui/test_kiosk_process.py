"""The real kiosk process (``sealroom run``, offscreen): crash signals and stop signals.

Each test commissions a terminal, starts ``sealroom run`` through
``tests/ui/kiosk_process.py`` (the unchanged command; the test types the
recovery passphrase into the unlock screen, as a person would) and signals it.

* A crash (SIGSEGV, SIGABRT) of an unlocked kiosk — the database key in its
  memory — writes no core file, on a machine where core files are on: the
  child is started with ``RLIMIT_CORE`` unlimited in a directory of its own,
  and a plain Python process started the same way shows a core *does*
  appear there (the control; where ``core_pattern`` is a pipe and no file can
  be seen, the test says so and checks what the process set for itself).
* SIGTERM and SIGINT lock the terminal, close the journal and exit 0 within a
  few seconds; the journal then opens with the acknowledged entry, its WAL
  checkpointed away and its lock free. A SIGKILLed kiosk is the control: it
  leaves the WAL behind, so the WAL check can fail.
"""

from __future__ import annotations

import fcntl
import os
import queue
import resource
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from kiosk.format.clock import SystemClock
from kiosk.journal.keyslots import FAST_TEST_PARAMS
from kiosk.policy import DEFAULT_POLICY_PATH, load_policy
from kiosk.terminal.lifecycle import commission, unlock_with_passphrase

PASSPHRASE = "TEST-PASS-PHRASE-0001"
CHILD = Path(__file__).with_name("kiosk_process.py")
START_TIMEOUT = 60.0
STOP_WITHIN = 5.0


def _cores_on() -> None:
    """In the child, before exec: core files on, as on a machine nobody hardened."""
    resource.setrlimit(resource.RLIMIT_CORE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))


def _core_pattern() -> str:
    try:
        return Path("/proc/sys/kernel/core_pattern").read_text().strip()
    except OSError:
        return ""


def _cores_in(where: Path) -> list[Path]:
    return sorted(p for p in where.iterdir() if p.name.startswith("core"))


@dataclass
class Kiosk:
    proc: subprocess.Popen[str]
    ready: str
    unlocked: tuple[int, str]

    def stop(self, sig: int) -> int | None:
        """Send ``sig``; the exit code, or ``None`` if it still runs after STOP_WITHIN."""
        self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout=STOP_WITHIN)
        except subprocess.TimeoutExpired:
            return None


@pytest.fixture
def policy_file(tmp_path: Path) -> Path:
    """The default policy with a print queue that does not exist.

    An alert the kiosk raises on its own prints a slip; killed mid-print, that
    job would leave its copies in the machine's CUPS. Here it fails at once
    (queue missing) and prints nothing.
    """
    text = DEFAULT_POLICY_PATH.read_text(encoding="utf-8")
    assert 'queue = "sealroom"' in text and 'on_network = "refuse"' in text
    text = text.replace('queue = "sealroom"', 'queue = "sealroom-no-printer"')
    # The machine running the tests has a network: alert only (the refusal is tested on
    # screen, tests/ui/test_airgap_on_screen.py), or the kiosk would never unlock here.
    text = text.replace('on_network = "refuse"', 'on_network = "alert"')
    path = tmp_path / "policy.toml"
    path.write_text(text)
    return path


@pytest.fixture
def data_dir(tmp_path: Path, policy_file: Path) -> Path:
    d = tmp_path / "data"
    d.mkdir()
    policy = load_policy(policy_file)
    c = commission(d, policy, SystemClock(), passphrase=PASSPHRASE, argon=FAST_TEST_PARAMS)
    c.journal.close()
    return d


@pytest.fixture
def kiosks(tmp_path: Path) -> Iterator[list[Kiosk]]:
    started: list[Kiosk] = []
    yield started
    for k in started:
        if k.proc.poll() is None:
            k.proc.kill()
            k.proc.wait()


def _start(data_dir: Path, cwd: Path, kiosks: list[Kiosk]) -> Kiosk:
    """``sealroom run`` (kiosk mode, offscreen), unlocked with the recovery passphrase."""
    r, w = os.pipe()
    os.write(w, PASSPHRASE.encode() + b"\n")
    os.close(w)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", SEALROOM_TEST_PASSPHRASE_FD=str(r))
    args = ["run", "--data", str(data_dir), "--policy", str(data_dir.parent / "policy.toml")]
    proc = subprocess.Popen(
        [sys.executable, str(CHILD), *args],
        cwd=cwd,
        env=env,
        pass_fds=(r,),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        preexec_fn=_cores_on,
    )
    os.close(r)
    assert proc.stdout is not None
    ready = ""
    deadline = time.monotonic() + START_TIMEOUT
    lines: queue.Queue[str] = queue.Queue()
    out = proc.stdout

    def read() -> None:  # never block past the deadline: a locked kiosk prints nothing more
        for text in out:
            lines.put(text)
        lines.put("")

    threading.Thread(target=read, daemon=True).start()
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            break
        if not line:
            break
        if line.startswith("READY "):
            ready = line.strip()
        elif line.startswith("UNLOCKED "):
            _, seq, digest = line.split()
            kiosk = Kiosk(proc, ready, (int(seq), digest))
            kiosks.append(kiosk)
            return kiosk
    proc.kill()
    proc.wait()
    raise AssertionError(f"the kiosk did not unlock (last: {ready or 'nothing'})")


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGSEGV, signal.SIGABRT])
def test_a_crashing_kiosk_leaves_no_core(
    sig: int, data_dir: Path, tmp_path: Path, kiosks: list[Kiosk]
) -> None:
    control_dir = tmp_path / "control"
    control_dir.mkdir()
    control = subprocess.Popen(
        [sys.executable, "-c", "import time; print('up', flush=True); time.sleep(60)"],
        cwd=control_dir,
        stdout=subprocess.PIPE,
        text=True,
        preexec_fn=_cores_on,
    )
    assert control.stdout is not None and control.stdout.readline() == "up\n"
    control.send_signal(sig)
    assert control.wait(timeout=30) == -sig
    cores_visible = bool(_cores_in(control_dir))
    for core in _cores_in(control_dir):
        core.unlink()

    cwd = tmp_path / "kiosk"
    cwd.mkdir()
    kiosk = _start(data_dir, cwd, kiosks)
    kiosk.proc.send_signal(sig)
    assert kiosk.proc.wait(timeout=60) == -sig
    if cores_visible:
        assert _cores_in(cwd) == [], "the crashed kiosk left a core file"
    # What the process set for itself, before anything was unlocked (the only
    # check where core_pattern hands cores to a program and no file can be seen).
    assert "dumpable=0" in kiosk.ready and "core=0,0" in kiosk.ready, kiosk.ready
    if not cores_visible:
        pytest.skip(
            f"core_pattern {_core_pattern()!r}: this machine writes no core file a test can "
            "see; checked only what the kiosk set for itself (dumpable 0, RLIMIT_CORE 0)"
        )


def _wal(data_dir: Path) -> Path:
    return data_dir / "journal.db-wal"


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_stop_signal_locks_closes_the_journal_and_exits(
    sig: int, data_dir: Path, tmp_path: Path, kiosks: list[Kiosk]
) -> None:
    kiosk = _start(data_dir, tmp_path, kiosks)
    seq, digest = kiosk.unlocked
    assert _wal(data_dir).exists(), "an unlocked journal that appended has its WAL open"
    started = time.monotonic()
    code = kiosk.stop(sig)
    assert code == 0, f"exit {code} (None: still running after {STOP_WITHIN} s)"
    assert time.monotonic() - started < STOP_WITHIN
    # The journal was closed cleanly: WAL checkpointed and removed, lock free.
    assert not _wal(data_dir).exists() or _wal(data_dir).stat().st_size == 0
    with (data_dir / "journal.lock").open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)  # raises if a lock were left held
        fcntl.flock(fh, fcntl.LOCK_UN)
    # Nothing lost: the acknowledged entry is there with its hash, the chain verifies.
    journal = unlock_with_passphrase(data_dir, PASSPHRASE, SystemClock())
    try:
        entry = journal.entry(seq)
        assert entry is not None and entry.hash == digest
        assert journal.verify().ok
    finally:
        journal.close()


@pytest.mark.slow
def test_control_a_killed_kiosk_leaves_its_wal(
    data_dir: Path, tmp_path: Path, kiosks: list[Kiosk]
) -> None:
    """SIGKILL cannot be handled: the WAL stays, which is what the test above would catch."""
    kiosk = _start(data_dir, tmp_path, kiosks)
    assert kiosk.stop(signal.SIGKILL) == -signal.SIGKILL
    assert _wal(data_dir).exists() and _wal(data_dir).stat().st_size > 0
