"""The TPM NV counter bound to the journal's head, against a software TPM (swtpm) the test starts.

One test per TPM check of ``kiosk/journal/head.py``: commissioning creates the
NV index and binds the journal (or, by the policy, does not); every write
increments it and records its value; at unlock a counter ahead of the recorded
value by more than one increment, or by one with no write to account for it, is
a rollback; a counter behind, or no counter for a bound journal, or a policy
requiring one that is not bound, is refused; the one increment a crash leaves
unrecorded is accepted and recorded. Plus the adapter itself and a crash loop.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hardware.tpm import DEFAULT_INDEX, TpmCounter, find_counter
from kiosk.errors import DeviceError, JournalError
from kiosk.format.clock import FakeClock, SystemClock
from kiosk.journal import keyslots as keyslots_module
from kiosk.journal.keyslots import FAST_TEST_PARAMS, KeySlots, RecordedHead
from kiosk.journal.store import DB_NAME, SLOTS_NAME, Journal
from kiosk.journal.witness import Witness
from kiosk.policy import DEFAULT_POLICY_PATH, Policy
from kiosk.terminal.lifecycle import Commissioned, commission, unlock_with_passphrase
from kiosk.terminal.signers import journal_check
from tests.tpm_tools import running_swtpm, software_tpm

PASS = "TEST-PASS-PHRASE-0001"


@pytest.fixture
def tpm(tmp_path: Path) -> Iterator[TpmCounter]:
    with software_tpm(tmp_path / "swtpm") as counter:
        yield counter


def _commission(d: Path, policy: Policy, witness: Witness) -> Commissioned:
    return commission(
        d, policy, FakeClock(), passphrase=PASS, argon=FAST_TEST_PARAMS, witness=witness
    )


def _recorded(d: Path) -> dict[str, Any]:
    slots = KeySlots.load(d / SLOTS_NAME)
    return {"index": slots.tpm_index, "counter": slots.head.counter, "seq": slots.head.seq}


def _files(d: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(d.iterdir()) if p.is_file()}


def _append(j: Journal, n: int = 1) -> None:
    for _ in range(n):
        j.append("alert.raised", {"alert": "test", "summary": f"entry after {j.head.seq}"})


def _unlock(d: Path, witness: Witness) -> Journal:
    return unlock_with_passphrase(d, PASS, FakeClock(), witness=witness)


# ---------------------------------------------------------------- adapter
def test_counter_is_created_only_goes_up_and_is_named_when_missing(tpm: TpmCounter) -> None:
    with pytest.raises(DeviceError) as exc:
        tpm.read()  # not defined yet
    assert exc.value.code == "tpm.missing" and "0x01005ea1" in exc.value.user_message()
    first = tpm.provision()
    assert tpm.read() == first
    assert tpm.increment() == first + 1
    assert tpm.provision() == first + 1  # taken over, not reset
    tpm.close()
    assert tpm.read() == first + 1  # reconnects; the TPM kept it
    tpm.close()
    assert find_counter(tpm.tcti) is not None
    assert find_counter(None) is None or Path("/dev/tpmrm0").exists()


def test_an_index_that_is_not_a_counter_is_refused(tpm: TpmCounter) -> None:
    import tpm2_pytss as tss

    esys = tss.ESAPI(tss.TCTILdr(*tpm.tcti.split(":", 1)))
    try:
        public = tss.TPM2B_NV_PUBLIC(
            nvPublic=tss.TPMS_NV_PUBLIC(
                nvIndex=DEFAULT_INDEX,
                nameAlg=tss.TPM2_ALG.SHA256,
                attributes=tss.TPMA_NV.AUTHWRITE | tss.TPMA_NV.AUTHREAD,
                dataSize=8,
            )
        )
        esys.nv_define_space(tss.TPM2B_AUTH(), public)
    finally:
        esys.close()
    with pytest.raises(DeviceError) as exc:
        tpm.provision()
    assert exc.value.code == "tpm.failed" and "not a counter" in exc.value.user_message()


# ---------------------------------------------------------- commissioning
def test_commissioning_binds_the_journal_and_every_write_increments(
    tpm: TpmCounter, data_dir: Path, policy: Policy
) -> None:
    done = _commission(data_dir, policy, Witness("if-present", tpm))
    j = done.journal
    rec = _recorded(data_dir)
    assert rec["index"] == DEFAULT_INDEX
    assert rec["counter"] == tpm.read() and rec["seq"] == j.head.seq
    start = tpm.read()
    _append(j, 3)
    assert tpm.read() == start + 3
    assert _recorded(data_dir)["counter"] == start + 3
    j.close()
    u = _unlock(data_dir, Witness("if-present", tpm))  # a clean unlock
    added = u.head.seq - j.head.seq
    u.close()
    # the unlock's own record (terminal.unlocked and its passphrase alert): one step per write,
    # and the unlock itself (the check of the binding) counts nothing
    assert added == 2 and tpm.read() == start + 3 + added


def test_policy_off_binds_nothing(tpm: TpmCounter, data_dir: Path, policy: Policy) -> None:
    done = _commission(data_dir, policy, Witness("off", tpm))
    _append(done.journal, 2)
    done.journal.close()
    assert _recorded(data_dir)["index"] is None and _recorded(data_dir)["counter"] is None
    with pytest.raises(DeviceError):
        tpm.read()  # never even created


def test_required_without_a_tpm_refuses_commissioning_and_leaves_nothing(
    data_dir: Path, policy: Policy
) -> None:
    with pytest.raises(DeviceError) as exc:
        _commission(data_dir, policy, Witness("required", None))
    assert exc.value.code == "tpm.required" and "this machine has no TPM" in str(exc.value)
    assert list(data_dir.iterdir()) in ([], [data_dir / "journal.lock"])


# ---------------------------------------------------------------- unlock
def test_required_but_not_bound_is_refused(tpm: TpmCounter, data_dir: Path, policy: Policy) -> None:
    _commission(data_dir, policy, Witness("if-present", None)).journal.close()
    before = _files(data_dir)
    with pytest.raises(JournalError) as exc:
        _unlock(data_dir, Witness("required", tpm))
    assert exc.value.code == "tpm.not_bound"
    assert _files(data_dir) == before
    _unlock(data_dir, Witness("if-present", tpm)).close()


@pytest.mark.parametrize("mode", ["required", "if-present", "off"])
def test_bound_journal_without_its_counter_is_refused_in_every_mode(
    tpm: TpmCounter, data_dir: Path, policy: Policy, mode: str
) -> None:
    _commission(data_dir, policy, Witness("if-present", tpm)).journal.close()
    tpm.close()
    other = TpmCounter(tpm.tcti, DEFAULT_INDEX + 7)  # a counter, but not the bound one
    other.provision()
    before = _files(data_dir)
    for witness in (Witness(mode, None), Witness(mode, other)):
        with pytest.raises(DeviceError) as exc:
            _unlock(data_dir, witness)
        assert exc.value.code == "tpm.missing"
        assert "bound to the TPM counter 0x01005ea1" in exc.value.user_message()
    other.close()
    assert _files(data_dir) == before
    _unlock(data_dir, Witness(mode, tpm)).close()


def test_counter_ahead_is_a_rollback(tpm: TpmCounter, data_dir: Path, policy: Policy) -> None:
    done = _commission(data_dir, policy, Witness("if-present", tpm))
    _append(done.journal, 2)
    done.journal.close()
    recorded = _recorded(data_dir)["counter"]
    tpm.increment()
    tpm.increment()  # two writes the files no longer show
    before = _files(data_dir)
    with pytest.raises(JournalError) as exc:
        _unlock(data_dir, Witness("if-present", tpm))
    assert exc.value.code == "rollback.tpm_ahead"
    assert f"TPM counter ({recorded + 2}) is ahead" in exc.value.user_message()
    assert _files(data_dir) == before


def test_one_increment_with_no_write_to_account_for_it_is_a_rollback(
    tpm: TpmCounter, data_dir: Path, policy: Policy
) -> None:
    """The whole directory as it was one write ago: the counter is one ahead, the files agree."""
    done = _commission(data_dir, policy, Witness("if-present", tpm))
    _append(done.journal, 1)
    done.journal.close()
    tpm.increment()
    with pytest.raises(JournalError) as exc:
        _unlock(data_dir, Witness("if-present", tpm))
    assert exc.value.code == "rollback.tpm_ahead"


def test_crash_between_increment_and_file_write_is_accepted_and_recorded(
    tpm: TpmCounter, data_dir: Path, policy: Policy, monkeypatch: pytest.MonkeyPatch
) -> None:
    done = _commission(data_dir, policy, Witness("if-present", tpm))
    j = done.journal

    def disk_full(*a: Any, **kw: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(keyslots_module, "atomic_write", disk_full)
    _append(j, 1)  # committed and counted; the file still records the write before
    head, value = j.head, tpm.read()
    monkeypatch.undo()
    j.close()
    rec = _recorded(data_dir)
    assert rec["seq"] == head.seq - 1 and rec["counter"] == value - 1
    again = _unlock(data_dir, Witness("if-present", tpm))
    kept = again.entry(head.seq)
    assert kept is not None and kept.hash == head.hash  # accepted: nothing lost
    added = again.head.seq - head.seq  # the unlock's own record, counted as usual
    assert added == 2 and tpm.read() == value + added
    assert _recorded(data_dir) == {
        "index": DEFAULT_INDEX,
        "counter": tpm.read(),
        "seq": again.head.seq,
    }
    _append(again, 1)
    assert tpm.read() == value + added + 1
    again.close()


def test_counter_behind_the_file_is_refused(
    tpm: TpmCounter, data_dir: Path, policy: Policy
) -> None:
    done = _commission(data_dir, policy, Witness("if-present", tpm))
    key = done.db_key
    done.journal.close()
    slots = KeySlots.load(data_dir / SLOTS_NAME)
    slots.authenticate(key)
    h = slots.head
    slots.head = RecordedHead(h.seq, h.hash, (h.counter or 0) + 5)
    slots.save()
    with pytest.raises(DeviceError) as exc:
        _unlock(data_dir, Witness("if-present", tpm))
    assert exc.value.code == "tpm.behind"


def test_a_failing_tpm_stops_the_next_write_not_the_one_done(
    tpm: TpmCounter, data_dir: Path, policy: Policy, monkeypatch: pytest.MonkeyPatch
) -> None:
    done = _commission(data_dir, policy, Witness("if-present", tpm))
    j = done.journal

    def broken() -> int:
        raise DeviceError("tpm.failed", reason="the TPM did not answer")

    monkeypatch.setattr(tpm, "increment", broken)
    _append(j, 1)  # durable, not counted
    seq = j.head.seq
    with pytest.raises(DeviceError) as exc:
        _append(j, 1)
    assert exc.value.code == "tpm.failed"
    assert j.head.seq == seq
    monkeypatch.undo()
    _append(j, 1)
    assert _recorded(data_dir)["seq"] == j.head.seq
    j.close()
    _unlock(data_dir, Witness("if-present", tpm)).close()


# ------------------------------------------------------------------ crash
def _append_forever(d: Path, key: bytes, tcti: str, report: int) -> None:
    counter = TpmCounter(tcti)
    clock = SystemClock()
    clock.watch.trust(clock)  # the test's terminal was made on a test clock
    j = Journal.open(
        d, key, clock, approval_check=journal_check, witness=Witness("required", counter)
    )
    os.write(report, b"open\n")
    while True:
        e = j.append("alert.raised", {"alert": "crash.probe", "summary": f"probe {os.getpid()}"})
        os.write(report, f"{e.seq} {e.hash}\n".encode())


@pytest.mark.slow
def test_sigkill_with_a_tpm_never_loses_an_entry_nor_refuses_a_crash(
    tmp_path: Path, data_dir: Path, policy: Policy
) -> None:
    """Killed anywhere — before, during or after the increment or the file write — the next
    unlock accepts the journal and finds every acknowledged entry."""
    with running_swtpm(tmp_path / "swtpm") as tcti:
        counter = TpmCounter(tcti)
        done = _commission(data_dir, policy, Witness("required", counter))
        key = done.db_key
        done.journal.close()
        counter.close()  # swtpm serves one connection at a time: the child's, then ours
        rng = random.Random(17)
        acked_total = 0
        for kill in range(int(os.environ.get("SEALROOM_TPM_KILLS", "40"))):
            r, w = os.pipe()
            pid = os.fork()
            if pid == 0:  # child
                os.close(r)
                try:
                    _append_forever(data_dir, key, tcti, w)
                finally:
                    os._exit(1)
            os.close(w)
            buf, wanted = b"", rng.randint(0, 3)  # acknowledged entries before the kill
            while b"open\n" not in buf or buf.count(b"\n") < 1 + wanted:
                chunk = os.read(r, 4096)
                if not chunk:
                    break
                buf += chunk
            time.sleep(rng.uniform(0.0, 0.01))
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            while chunk := os.read(r, 65536):
                buf += chunk
            os.close(r)
            acked = [ln.split() for ln in buf.decode().splitlines() if ln and ln != "open"]
            acked_total += len(acked)
            j = Journal.open(
                data_dir,
                key,
                FakeClock(),
                approval_check=journal_check,
                witness=Witness("required", counter),
            )
            try:
                for seq, h in acked:
                    entry = j.entry(int(seq))
                    assert entry is not None and entry.hash == h, f"kill {kill}: {seq} lost"
                assert KeySlots.load(data_dir / SLOTS_NAME).head.counter == counter.read()
            finally:
                j.close()
                counter.close()
        assert acked_total > kill  # the child really was appending when killed
        assert not list(data_dir.glob(f".{SLOTS_NAME}.*.tmp"))
        assert (data_dir / DB_NAME).exists()


# -------------------------------------------------------------------- CLI
def _cli_init(tmp_path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    r, w = os.pipe()
    os.write(w, PASS.encode() + b"\n")
    os.close(w)
    try:
        return subprocess.run(
            [
                *(sys.executable, "-m", "ui.cli", "init", "--data", str(tmp_path / "data")),
                *("--passphrase-fd", str(r), *extra),
            ],
            pass_fds=(r,),
            capture_output=True,
            text=True,
            timeout=120,
            cwd=Path(__file__).resolve().parents[3],
        )
    finally:
        os.close(r)


def test_cli_init_binds_the_tpm_it_is_given_and_a_required_one_is_not_optional(
    tmp_path: Path,
) -> None:
    required = tmp_path / "policy.toml"
    required.write_text(
        DEFAULT_POLICY_PATH.read_text().replace('tpm = "if-present"', 'tpm = "required"')
    )
    if Path("/dev/tpmrm0").exists():
        pytest.skip("this machine has a TPM: 'no TPM' cannot be shown here")
    done = _cli_init(tmp_path, "--policy", str(required))
    assert done.returncode == 1
    assert "The policy requires a TPM" in done.stderr
    assert not (tmp_path / "data" / "journal.db").exists()
    with running_swtpm(tmp_path / "swtpm") as tcti:
        done = _cli_init(tmp_path, "--policy", str(required), "--tpm", tcti)
        assert done.returncode == 0, done.stderr
        counter = TpmCounter(tcti)
        try:
            assert _recorded(tmp_path / "data") == {
                "index": DEFAULT_INDEX,
                "counter": counter.read(),
                "seq": 1,
            }
        finally:
            counter.close()
