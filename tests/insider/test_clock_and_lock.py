"""Insider attacks on the clock and on the single writer, through the real APIs.

The insider: one custodian with their own key, their PIN and a root shell.

* **Clock forward.** They set the terminal's clock to 2099 (``date --set``;
  here ``FakeClock.set_system_time``, and the real ``SystemClock`` under
  libfaketime in a child process, which moves the wall clock the program
  reads and not the kernel's boot-time clock, exactly as ``date --set``
  does). Every append is refused until two custodians confirm the clock;
  their one key cannot confirm it alone; nothing is stamped 2099.
* **Second writer.** They delete ``journal.lock`` and start a second writer
  (a second process) on the data directory while the terminal runs: it is
  refused by the database's own lock, as is a bare SQLCipher connection
  opened with the database key they unwrapped with their own key; the
  running terminal loses nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from hardware.sim.simulation import Simulation, setup
from kiosk.errors import SealroomError
from kiosk.format.clock import SystemClock
from kiosk.journal.keyslots import FAST_TEST_PARAMS
from kiosk.journal.store import LOCK_NAME
from kiosk.policy import Policy
from kiosk.procedures import ClockConfirmFlow
from kiosk.terminal.lifecycle import commission, unlock_with_passphrase

PASS = "TEST-PASS-PHRASE-0001"
ALERT = {"alert": "test", "summary": "an entry"}
#: a judgement of the clock (not evidence): refused while the clock awaits confirmation
OVERDUE = {
    "alert": "deadline.overdue",
    "summary": "Overdue: a probe",
    "detail": {"deadline": "p", "kind": "p", "subject": "x", "due": "2026-01-01T00:00:00.000Z"},
}
LIBFAKETIME = Path("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1")
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def sim(tmp_path: Path) -> Iterator[Simulation]:
    s = setup(tmp_path / "sim")
    yield s
    s.terminal.close()


def test_a_clock_set_to_2099_stops_every_append_until_two_custodians_confirm_it(
    sim: Simulation,
) -> None:
    j = sim.journal
    head = j.head
    sim.clock.set_system_time(dt.datetime(2099, 1, 1, tzinfo=dt.UTC))
    # Straight through the journal's API, as a shell with the program's code would.
    with pytest.raises(SealroomError) as exc:
        j.append("alert.raised", OVERDUE)
    assert exc.value.code == "clock.unconfirmed"
    with pytest.raises(SealroomError):
        j.begin("envelope.stock_received", {"serials": ["SR10000018"]})
    # Their own key alone cannot confirm it.
    jump = j.clock_jump()
    assert jump is not None
    data = {"previous": jump.expected, "clock": jump.clock, "against": jump.against}
    insider = sim.journal.state.custodians["dana"].id
    with pytest.raises(SealroomError):
        sim.ctx.dual("clock.confirmed", data, [insider])
    assert j.head == head
    assert not any(e.ts.startswith("2099") for e in j.entries())
    # Two custodians check the date and confirm it: work goes on.
    result = ClockConfirmFlow(sim.ctx, ["dana", "sam"]).submit({"checked": True})
    assert result.ok, result.errors
    assert [e.kind for e in j.entries(head.seq + 1)] == ["clock.confirmed"]
    j.append("alert.raised", ALERT)


CHILD_CLOCK = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    from kiosk.errors import SealroomError
    from kiosk.format.clock import SystemClock
    from kiosk.terminal.lifecycle import unlock_with_passphrase

    data, fake, offset = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
    out = {}

    def attempt(name):
        try:
            out[name] = journal.append(
                "alert.raised",
                {
                    "alert": "deadline.overdue",
                    "summary": name,
                    "detail": {
                        "deadline": name,
                        "kind": "p",
                        "subject": "x",
                        "due": "2026-01-01T00:00:00.000Z",
                    },
                },
            ).ts
        except SealroomError as exc:
            out[name] = exc.code

    journal = unlock_with_passphrase(data, sys.stdin.readline().strip(), SystemClock())
    attempt("first")
    fake.write_text(offset + "\\n")  # date --set: the wall clock jumps, no time passes
    attempt("after the jump")
    fake.write_text("+0\\n")  # the clock put right again
    attempt("put right")
    journal.close()
    print(json.dumps(out))
    """
)


def _under_faketime(args: list[str], fake: Path, start: str, secret: str) -> dict[str, str]:
    if not LIBFAKETIME.exists():
        pytest.skip(f"{LIBFAKETIME} is missing: install Debian's 'faketime' package (.ci/run does)")
    fake.write_text(start + "\n")
    env = dict(
        os.environ,
        LD_PRELOAD=str(LIBFAKETIME),
        FAKETIME_TIMESTAMP_FILE=str(fake),
        FAKETIME_NO_CACHE="1",
        DONT_FAKE_MONOTONIC="1",  # CLOCK_BOOTTIME is the kernel's: date --set leaves it alone
    )
    done = subprocess.run(
        [sys.executable, "-c", CHILD_CLOCK, *args],
        input=secret + "\n",
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, str] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_the_real_system_clock_set_forward_is_caught_in_a_running_program_and_at_start(
    tmp_path: Path, policy: Policy
) -> None:
    d = tmp_path / "data"
    commission(d, policy, SystemClock(), passphrase=PASS, argon=FAST_TEST_PARAMS).journal.close()
    fake = tmp_path / "faketime"
    # While the program runs: measured against the boot-time clock.
    got = _under_faketime([str(d), str(fake), "+365d"], fake, "+0", PASS)
    assert got["first"].startswith(str(dt.datetime.now(dt.UTC).year))
    assert got["after the jump"] == "clock.unconfirmed"
    assert got["put right"][:4] == got["first"][:4]
    # Started with the clock already a month ahead: measured against the last entry.
    got = _under_faketime([str(d), str(fake), "+30d"], fake, "+30d", PASS)
    assert got["first"] == got["after the jump"] == "clock.unconfirmed_start"
    # Nothing in the journal was stamped with a date the clock was set to.
    j = unlock_with_passphrase(d, PASS, SystemClock())
    latest = max(e.ts for e in j.entries())
    j.close()
    assert latest <= dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.999Z")


CHILD_WRITER = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    import sqlcipher3
    from kiosk.errors import SealroomError
    from kiosk.format.clock import SystemClock
    from kiosk.journal.store import Journal, LOCK_NAME
    from kiosk.terminal.signers import journal_check

    data = Path(sys.argv[1])
    key = bytes.fromhex(sys.stdin.readline().strip())
    (data / LOCK_NAME).unlink()  # the friendly lock, gone
    out = {"lock_file_deleted": not (data / LOCK_NAME).exists()}
    try:
        Journal.open(data, key, SystemClock(), approval_check=journal_check).close()
        out["journal"] = "opened"
    except SealroomError as exc:
        out["journal"] = exc.code
    raw = sqlcipher3.connect(str(data / "journal.db"), timeout=0.5, isolation_level=None)
    raw.execute(f"PRAGMA key = \\"x'{key.hex()}'\\"")
    try:
        raw.execute("INSERT INTO entries (seq, line) VALUES (999, x'00')")
        out["raw_insert"] = "written"
    except sqlcipher3.Error as exc:
        out["raw_insert"] = str(exc)
    raw.close()
    print(json.dumps(out))
    """
)


def test_a_second_writer_with_the_lock_file_deleted_is_refused_and_nothing_is_lost(
    tmp_path: Path, policy: Policy
) -> None:
    d = tmp_path / "data"
    done = commission(d, policy, SystemClock(), passphrase=PASS, argon=FAST_TEST_PARAMS)
    running = done.journal
    running.append("alert.raised", ALERT)
    child = subprocess.run(
        [sys.executable, "-c", CHILD_WRITER, str(d)],
        input=done.db_key.hex() + "\n",
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
        check=False,
    )
    assert child.returncode == 0, child.stderr
    got = json.loads(child.stdout.strip().splitlines()[-1])
    assert got["lock_file_deleted"] is True
    assert got["journal"] == "journal.locked"
    assert "locked" in got["raw_insert"]
    # The running terminal goes on writing, and everything is there at the next unlock.
    running.append("alert.raised", ALERT)
    head = running.head
    running.close()
    assert (d / LOCK_NAME).exists()  # the second writer's new, empty lock file
    j = unlock_with_passphrase(d, PASS, SystemClock())
    kept = j.entry(head.seq)
    assert kept is not None and kept.hash == head.hash and j.entry(999) is None
    assert [e.kind for e in j.entries()][: head.seq] == [
        "journal.genesis",
        "alert.raised",
        "alert.raised",
    ]
    j.close()
