"""Fixtures shared by every suite, and the session's check that no sheet was left behind.

Nothing here is a global the tests monkeypatch: each test gets its own
clock, data directory and journal.

After all tests, the run fails if CUPS's spool (its temporary folder
included), cups-pdf's folders or ``/tmp`` hold a file that was not there
before the run and is a credential or commissioning sheet (its text), a
document file in the spool (``d<job>-<n>``), or anything left in CUPS's
temporary folders (a fragment of a sheet may be unreadable and still a
copy). Passing tests' ``tmp_path`` folders are deleted (pyproject.toml:
``tmp_path_retention_policy = "failed"``), so this run's scratch is looked
at too; other pytest sessions' scratch folders are not this run's. On a
machine where others print through the same CUPS during the run, their
leftovers can show up here too: the report names every file.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from hardware.printing.cups_leftovers import CupsFolders
from kiosk.errors import SealroomError
from kiosk.format.clock import FakeClock
from kiosk.journal.keyslots import FAST_TEST_PARAMS
from kiosk.policy import Policy, load_policy
from kiosk.terminal.lifecycle import Commissioned, commission
from tests.leaks import Snapshot, holds_sheet

_BEFORE = pytest.StashKey[Snapshot]()


def _basetemp(config: pytest.Config) -> Path | None:
    factory = getattr(config, "_tmp_path_factory", None)
    return factory.getbasetemp() if factory is not None else None


def pytest_sessionstart(session: pytest.Session) -> None:
    session.config.stash[_BEFORE] = Snapshot.take(own_basetemp=_basetemp(session.config))


def left_behind(new: list[Path]) -> list[tuple[Path, str]]:
    """Of the files new since the run started: the sheets and copies left, and why each."""
    cups = CupsFolders.of_this_machine(device_uri="cups-pdf:/")
    scratch = [cups.temp, *cups.backend]
    found = []
    for p in new:
        try:
            size = p.lstat().st_size
        except OSError:
            continue
        if holds_sheet(p):
            found.append((p, "a credential or commissioning sheet"))
        elif p.parent == cups.spool and p.name.startswith("d"):
            found.append((p, "a print job's document file"))
        elif size and any(s == p.parent or s in p.parents for s in scratch):
            found.append((p, "a print job's temporary copy"))
    return found


def _wait_for_cups_to_settle(seconds: float = 30.0) -> None:
    """Let jobs still printing end: a running job's filters hold their copies until then."""
    from hardware.printing.cups import CupsPrinter

    probe = CupsPrinter(load_policy().print_queue, 10, command_timeout=5)  # asks the server
    deadline = time.monotonic() + seconds
    with contextlib.suppress(SealroomError):  # no CUPS here: nothing to wait for
        while probe.busy() and time.monotonic() < deadline:
            time.sleep(0.2)


def _when(path: Path) -> str:
    try:
        return time.strftime("%H:%M:%S", time.localtime(path.lstat().st_mtime))
    except OSError:
        return "gone"


@pytest.hookimpl(trylast=True)  # after pytest has removed passing tests' tmp_path folders
def pytest_sessionfinish(session: pytest.Session) -> None:
    before = session.config.stash.get(_BEFORE, None)
    if before is None:
        return
    _wait_for_cups_to_settle()
    after = Snapshot.take(own_basetemp=_basetemp(session.config))
    found = left_behind(after.new_since(before))
    if not found:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    lines = ["", "SHEETS LEFT BEHIND by this run (not there before it):"]
    lines += [f"  {p} ({_when(p)}): {why}" for p, why in found]
    for line in lines:
        if reporter is not None:
            reporter.write_line(line, red=True)
        else:
            print(line)
    session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(autouse=True)
def _test_process_keeps_its_core_limit(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """``sealroom`` commands called in-process do not harden the test process itself.

    ``harden_process`` lowers ``RLIMIT_CORE``'s hard limit for good (a
    container's root has no ``CAP_SYS_RESOURCE`` to raise it again), which
    would take core files away from every later test's child processes — the
    crash tests' controls included. The real call is tested in processes of
    its own (``tests/hardware/test_process.py``, ``tests/ui/test_kiosk_process.py``).
    """
    import hardware.process

    calls: list[str] = []

    def recorded() -> hardware.process.Hardening:
        calls.append("harden_process")
        return hardware.process.Hardening(core_limit_zero=True, not_dumpable=True)

    monkeypatch.setattr(hardware.process, "harden_process", recorded)
    return calls


@pytest.fixture(autouse=True)
def _no_log_handler_left() -> Iterator[None]:
    """A test that runs ``sealroom``'s ``main`` configures the operational log: undo it after."""
    yield
    from hardware.journald import unconfigure

    unconfigure()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(scope="session")
def policy() -> Policy:
    return load_policy()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    d = tmp_path / "data"
    d.mkdir()
    return d


@pytest.fixture
def terminal(data_dir: Path, policy: Policy, clock: FakeClock) -> Iterator[Commissioned]:
    """A freshly commissioned terminal (fast Argon2 parameters for speed)."""
    c = commission(
        data_dir, policy, clock, passphrase="TEST-PASS-PHRASE-0001", argon=FAST_TEST_PARAMS
    )
    yield c
    c.journal.close()
