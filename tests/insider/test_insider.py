"""One custodian, their own key and PIN, a shell: each attack, and the next unlock (README.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from hardware.printing.paper import RenderingPaper
from hardware.printing.sim import SimulatedPrinter
from hardware.sim.simulation import SimSignatures
from hardware.sim.terminal import SimulatedTerminal
from kiosk.errors import ApprovalError, JournalError, JournalIntegrityError
from kiosk.journal.store import Journal
from kiosk.procedures import Context
from kiosk.terminal.acknowledge import start_acknowledgement
from kiosk.verify.cli import main as sealroom_verify
from tests.insider.tools import Insider, bundle, forged_attestation

ACCOUNT = {
    "account": "evil-01",
    "username": "u",
    "system": "Payroll",
    "purpose": "p",
    "storage_location": "Safe A",
    "authorised": ["dana", "mallory"],
}


def context(t: SimulatedTerminal, journal: Journal) -> tuple[Context, SimulatedPrinter]:
    """The unlocked terminal's procedure context, with its alert-slip printer attached."""
    printer = SimulatedPrinter()
    ctx = Context(journal, t.policy, t.security_keys, SimSignatures(t), RenderingPaper(printer))
    return ctx, printer


def verify_cli(where: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """``sealroom verify BUNDLE --kiosk-key kiosk.pub``, as an auditor runs it."""
    code = sealroom_verify([str(where), "--kiosk-key", str(where.parent / "kiosk.pub")])
    return code, capsys.readouterr().out


def next_morning(t: SimulatedTerminal) -> SimulatedTerminal:
    """Time passes before the next unlock (the insider's rows are minutes apart)."""
    t.clock.advance(hours=12)  # type: ignore[attr-defined]
    return t


def kiosk_pub(t: SimulatedTerminal, root: Path) -> None:
    (root / "kiosk.pub").write_bytes((t.data_dir / "kiosk.pub").read_bytes())


def halted_with_alarms(
    journal: Journal, before: list[bytes], forged: list[int], who: str
) -> list[int]:
    """The unlock appended only its own record and one alarm per forged row; returns those."""
    assert journal.state.halted
    new = list(journal.entries(len(before) + len(forged) + 1))
    assert [e.kind for e in new] == ["terminal.unlocked"] + ["alert.raised"] * len(forged)
    assert new[0].data["custodian"] == who
    alarms = new[1:]
    assert [a.data["alert"] for a in alarms] == ["journal.integrity"] * len(forged)
    assert [a.data["detail"]["seq"] for a in alarms] == forged
    assert sorted(journal.state.quarantined) == forged
    return [a.seq for a in alarms]


def nothing_lost(journal: Journal, before: list[bytes], forged: list[int]) -> None:
    """Every entry from before the attack is there byte for byte; the forged rows too."""
    lines = list(journal.lines())
    assert lines[: len(before)] == before
    assert [i + 1 for i in range(len(before), len(before) + len(forged))] == forged


def refuses_anything_else(journal: Journal) -> None:
    with pytest.raises(JournalError) as info:
        journal.append("envelope.stock_received", {"serials": ["SR00000018"]})
    assert info.value.code == "journal.halted"


def test_second_identity_enrolled_under_an_exception(
    terminal: SimulatedTerminal,
    insider: Insider,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    before = insider.rows()
    # A second identity the insider controls, "enrolled" under a made-up exception,
    # with their own assertion only; from then on "two custodians" sign everything.
    mallory = insider.new_identity("mallory")
    enrol = insider.write(
        "custodian.enrolled",
        {
            "custodian": "mallory",
            "name": "Mallory Stone",
            "role": "Auditor",
            "duties": ["custodian"],
            "credential": insider.credential("mallory"),
            "exception": "solo-access",
        },
        [insider.me],
    )
    account = insider.write("account.registered", ACCOUNT, [insider.me, mallory])
    revoke = insider.write(
        "custodian.revoked",
        {"custodian": "sam", "reason": "left", "whole_custodian": True},
        [insider.me, mallory],
    )
    forged = [enrol.seq, account.seq, revoke.seq]

    # The auditor's verdict on the bundle the insider can sign with the terminal's key.
    stick = tmp_path / "stick"
    where = bundle(insider, stick)
    kiosk_pub(terminal, stick)
    code, out = verify_cli(where, capsys)
    assert code == 1 and "NOT VERIFIED" in out
    assert f"entry {enrol.seq}" in out and "never covers custodian.enrolled" in out

    # Next unlock, by the honest Sam (his revocation was forged, so his key still opens).
    journal = next_morning(terminal).unlock_with_key("sam")
    alarms = halted_with_alarms(journal, before, forged, "sam")
    assert "never covers custodian.enrolled" in journal.state.quarantined[enrol.seq].reason
    assert "mallory" not in journal.state.custodians  # nothing forged was applied
    assert not journal.state.custodians["sam"].revoked
    refuses_anything_else(journal)
    nothing_lost(journal, before, forged)
    # The alarms' slips print through the terminal's slip printer, once it listens.
    ctx, printer = context(terminal, journal)
    ctx.print_waiting_slips()
    assert [j.title for j in printer.jobs] == [f"Terminal alert {s}" for s in alarms]

    # The insider cannot acknowledge with their second identity...
    approval = start_acknowledgement(
        journal, terminal.policy, terminal.security_keys, alarms[0], "dana"
    )
    try:
        terminal.sign(approval, "dana")
        with pytest.raises(ApprovalError) as refused:
            approval.add(insider.assertion(mallory, approval.digest, "custodian_b"))
        assert refused.value.code == "approval.unknown_credential"
    finally:
        approval.abandon()
    assert journal.state.halted
    # ...two real custodians can, each with their own key; then the terminal works again.
    for seq in alarms:
        ctx.acknowledge_alert(seq, ["sam", "lee"])
    assert not journal.state.halted
    journal.append("envelope.stock_received", {"serials": ["SR00000018"]})
    journal.close()
    # The entries stay quarantined as evidence, with their alarms acknowledged: no new alarm.
    again = next_morning(terminal).unlock_with_key("lee")
    assert sorted(again.state.quarantined) == forged and not again.state.halted
    assert [e.kind for e in again.entries(again.head.seq)] == ["terminal.unlocked"]
    nothing_lost(again, before, forged)


def test_dual_entry_with_one_signature_and_no_exception(
    terminal: SimulatedTerminal,
    insider: Insider,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    before = insider.rows()
    alone = insider.write(
        "account.registered", {**ACCOUNT, "authorised": ["dana", "lee"]}, [insider.me]
    )
    stick = tmp_path / "stick"
    where = bundle(insider, stick)
    kiosk_pub(terminal, stick)
    code, out = verify_cli(where, capsys)
    assert code == 1 and "NOT VERIFIED" in out
    assert f"entry {alone.seq}" in out and "two distinct custodians" in out
    # Even the insider's own unlock halts the terminal.
    journal = next_morning(terminal).unlock_with_key("dana")
    halted_with_alarms(journal, before, [alone.seq], "dana")
    assert "evil-01" not in journal.state.accounts
    refuses_anything_else(journal)
    nothing_lost(journal, before, [alone.seq])
    journal.close()


def test_forged_signature_of_another_custodian(
    terminal: SimulatedTerminal,
    insider: Insider,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    before = insider.rows()
    sam_key = next(
        e.data["credential"]["id"]
        for e in insider.entries()
        if e.kind == "custodian.enrolled" and e.data["custodian"] == "sam"
    )
    forged = insider.write(
        "account.registered",
        {**ACCOUNT, "authorised": ["dana", "sam"]},
        [insider.me],
        forged=[forged_attestation("sam", sam_key)],
    )
    stick = tmp_path / "stick"
    where = bundle(insider, stick)
    kiosk_pub(terminal, stick)
    code, out = verify_cli(where, capsys)
    assert code == 1 and "NOT VERIFIED" in out
    assert f"entry {forged.seq}" in out and "signature that does not verify" in out
    journal = next_morning(terminal).unlock_with_key("lee")
    halted_with_alarms(journal, before, [forged.seq], "lee")
    reason = journal.state.quarantined[forged.seq].reason
    assert "custodian sam" in reason and "signature that does not verify" in reason
    refuses_anything_else(journal)
    nothing_lost(journal, before, [forged.seq])
    journal.close()


def test_row_edited_in_place(terminal: SimulatedTerminal, insider: Insider) -> None:
    before = insider.rows()
    account = next(e for e in insider.entries() if e.kind == "account.registered")
    insider.rewrite(account.seq, lambda line: line.replace(b'"dana","sam","lee"', b'"dana"'))
    with pytest.raises(JournalIntegrityError) as info:
        next_morning(terminal).unlock_with_key("sam")
    assert info.value.params["seq"] == account.seq
    assert f"entry {account.seq}" in info.value.user_message()
    # Refused: nothing was written, and every other row is as it was.
    after = insider.rows()
    assert len(after) == len(before)
    assert [a for i, a in enumerate(after) if i != account.seq - 1] == [
        b for i, b in enumerate(before) if i != account.seq - 1
    ]


def test_an_unsigned_acknowledgement_does_not_lift_the_halt(
    terminal: SimulatedTerminal, insider: Insider
) -> None:
    """The insider writes the alarm's acknowledgement themselves: it is quarantined in turn."""
    before = insider.rows()
    alone = insider.write(
        "account.registered", {**ACCOUNT, "authorised": ["dana", "lee"]}, [insider.me]
    )
    journal = next_morning(terminal).unlock_with_key("dana")
    (alarm,) = halted_with_alarms(journal, before, [alone.seq], "dana")
    journal.close()
    ack = insider.write("alert.acknowledged", {"alert_seq": alarm, "by": "dana"}, [insider.me])
    journal = next_morning(terminal).unlock_with_key("dana")
    assert journal.state.halted and sorted(journal.state.quarantined) == [alone.seq, ack.seq]
    assert "two custodians" in journal.state.quarantined[ack.seq].reason
    journal.close()


def test_an_entry_of_a_made_up_kind_with_control_characters_still_raises_its_alarm(
    terminal: SimulatedTerminal, insider: Insider
) -> None:
    """What the insider writes is untrusted text: the alarm escapes it, the unlock goes on."""
    before = insider.rows()
    odd = insider.write("evil\x1b[2J.kind", {"note": "clears the screen"}, [insider.me])
    journal = next_morning(terminal).unlock_with_key("sam")
    (alarm,) = [e for e in journal.entries(odd.seq + 1) if e.kind == "alert.raised"]
    assert alarm.data["detail"]["seq"] == odd.seq
    assert alarm.data["detail"]["kind"] == "evil\\x1b[2J.kind"
    assert "\x1b" not in alarm.data["summary"] and "\\x1b" in alarm.data["summary"]
    nothing_lost(journal, before, [odd.seq])
    journal.close()
