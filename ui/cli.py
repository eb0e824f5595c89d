"""The ``sealroom`` command.

Qt is imported only by the subcommands that open a window, so ``init`` (and,
later, the auditors' ``verify``) run on machines without PySide6.

Exit codes: 0 success, 1 the operation failed (message on stderr), 2 usage
or configuration error (bad arguments, invalid policy file).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from hardware.doctor import command as doctor_command
from hardware.printing import identity_command
from kiosk.errors import ApprovalError, DeviceError, PolicyError, SealroomError
from kiosk.errors.oplog import error_fields, event
from kiosk.format.clock import SystemClock
from kiosk.journal.witness import Witness
from kiosk.policy import Policy, load_policy
from kiosk.verify.cli import add_arguments as add_verify_arguments
from kiosk.verify.cli import run as run_verify
from ui import cli_continuity as continuity
from ui import cli_simulation as simulation

log = logging.getLogger("sealroom.cli")
TPM_HELP = (
    "reach the TPM through this TCTI (default: device:/dev/tpmrm0 when the machine has one); "
    "the policy's [tamper] tpm says whether one is required"
)


def _no_core_dumps() -> None:
    """First thing in every command that will hold a key: no core file can copy it to disk.

    On Linux (the terminal) a process that cannot switch core dumps off does
    not start: ``process.core_dumps``. Elsewhere the core limit alone is set.
    """
    from hardware.process import harden_process

    done = harden_process()
    if sys.platform.startswith("linux") and not (done.core_limit_zero and done.not_dumpable):
        missing = [
            name
            for name, ok in (
                ("RLIMIT_CORE 0", done.core_limit_zero),
                ("PR_SET_DUMPABLE 0", done.not_dumpable),
            )
            if not ok
        ]
        raise DeviceError("process.core_dumps", detail=", ".join(missing))


def _policy(path: str | None) -> Policy:
    """The policy, fully checked (its business calendar included); raises ``PolicyError``."""
    return load_policy(Path(path) if path else None)


def _read_fd(fd: int) -> str:
    with os.fdopen(fd, "r", encoding="utf-8", closefd=True) as fh:
        return fh.readline().strip()


class CliPrompts:
    """PINs for ``sealroom init``: one line per key from ``--pin-fd``, else ``getpass``.

    The PIN is handed to python-fido2 and dropped; it is never printed,
    logged or put on the command line. Touch prompts go to stderr.
    """

    def __init__(self, pins: list[str] | None) -> None:
        self._pins = pins
        self.who = ""
        self._current: str | None = None

    def next_person(self, who: str) -> None:
        self.who = who
        self._current = None
        if self._pins is not None:
            self._current = self._pins.pop(0) if self._pins else None

    def _ask(self, prompt: str) -> str | None:
        if self._pins is not None:
            return self._current
        if not sys.stdin.isatty():
            return None
        import getpass

        return getpass.getpass(prompt) or None

    def request_pin(self, attempts_left: int | None) -> str | None:
        left = f" ({attempts_left} attempts left)" if attempts_left is not None else ""
        return self._ask(f"PIN of {self.who}'s security key{left}: ")

    def request_new_pin(self) -> str | None:
        if self._pins is not None:
            return self._current
        first = self._ask(f"New PIN for {self.who}'s security key: ")
        again = self._ask("The same PIN again: ")
        if first != again:
            print("The two PINs differ; try again.", file=sys.stderr)
            return self.request_new_pin()
        return first

    def prompt_touch(self) -> None:
        print(f"Touch {self.who}'s security key now.", file=sys.stderr)

    def pin_blocked(self) -> None:
        print(f"{self.who}'s security key is locked (PIN blocked).", file=sys.stderr)

    def notify(self, code: str, params: Mapping[str, Any]) -> None:
        from kiosk.errors.messages import render

        print(render(code, params), file=sys.stderr)


def _read_pins(fd: int) -> list[str]:
    with os.fdopen(fd, "r", encoding="utf-8", closefd=True) as fh:
        return [line.rstrip("\r\n") for line in fh if line.strip()]


def _enrol_first_custodians(args: argparse.Namespace, policy: Policy, journal: Any) -> list[str]:
    """Each of the two first custodians enrols their key and signs their own entry."""
    from hardware.fido.security_keys import FidoSecurityKeys
    from hardware.sim.authenticator import SoftAuthenticator
    from kiosk.terminal.enrolment import Person, enrol_first_custodian

    people = [Person.parse(c) for c in args.custodian]
    if len(people) != 2 or people[0].id == people[1].id:
        raise ApprovalError("enrol.need_two", count=len({p.id for p in people}))
    pins = _read_pins(args.pin_fd) if args.pin_fd is not None else None
    if pins is not None and len(pins) < len(people):
        raise ApprovalError("enrol.pin_missing", name=people[len(pins)].name)
    prompts = CliPrompts(pins)
    security_keys = FidoSecurityKeys(prompts, usb=args.simulated_keys is None)
    lines = []
    for person in people:
        prompts.next_person(person.name)
        if args.simulated_keys is not None:
            keys_dir = Path(args.simulated_keys)
            keys_dir.mkdir(parents=True, exist_ok=True)
            security_keys.simulated = [
                SoftAuthenticator(keys_dir / f"{person.id}.json", label=f"{person.name}'s key")
            ]
        elif sys.stdin.isatty():
            input(f"Plug in {person.name}'s security key (only that one), then press Enter. ")
        entry = enrol_first_custodian(journal, policy, person, security_keys)
        lines.append(f"Custodian enrolled: {person.name} ({person.id}), entry {entry.seq}")
    return lines


def _print_commissioning_sheet(done: Any, policy: Policy) -> None:
    from hardware.printing.cups import CupsPrinter
    from hardware.printing.render import render
    from kiosk.paper.slips import commissioning_sheet

    sheet = commissioning_sheet(
        done.journal.state,
        done.journal.kiosk_public_line(),
        done.fingerprint,
        done.recovery_passphrase,
        policy.sha256,
        policy.timezone,
    )
    try:
        pdf = render(sheet)
    finally:
        sheet.recovery_passphrase.wipe()  # type: ignore[attr-defined]
    result = CupsPrinter.from_policy(policy).print_pdf(
        pdf, "Sealroom commissioning sheet", sensitive=True, progress=print
    )
    del pdf
    event(
        log,
        "print",
        f"commissioning-sheet printed (job {result.job_id}, {result.state})",
        document="commissioning-sheet",
        outcome=result.state,
        job=result.job_id,
    )


def cmd_render_samples(args: argparse.Namespace) -> int:
    from hardware.printing.samples import render_samples

    out = Path(args.dir)
    out.mkdir(parents=True, exist_ok=True)
    for path in render_samples(out):
        print(path)
    return 0


def _witness(args: argparse.Namespace, policy: Policy) -> Witness:
    """The policy's TPM setting and this machine's TPM counter (``--tpm`` or /dev/tpmrm0)."""
    from hardware.tpm import find_counter

    return Witness(policy.tamper_tpm, find_counter(args.tpm))


def cmd_init(args: argparse.Namespace) -> int:
    _no_core_dumps()
    from kiosk.terminal.lifecycle import commission, undo_commission

    policy = _policy(args.policy)
    if args.custodian and len(args.custodian) != 2:
        raise ApprovalError("enrol.need_two", count=len(args.custodian))
    passphrase = _read_fd(args.passphrase_fd) if args.passphrase_fd is not None else None
    show = args.show_recovery_passphrase or (
        passphrase is None and not args.print_sheet and sys.stdout.isatty()
    )
    if passphrase is None and not show and not args.print_sheet:
        print(
            "sealroom init: nowhere safe to show the new recovery passphrase. "
            "Give --print-sheet (the commissioning sheet), run it on the terminal's own "
            "screen, or give --passphrase-fd.",
            file=sys.stderr,
        )
        return 2
    done = commission(
        Path(args.data),
        policy,
        SystemClock(),
        passphrase=passphrase,
        witness=_witness(args, policy),
    )
    enrolled: list[str] = []
    try:
        if args.custodian:
            enrolled = _enrol_first_custodians(args, policy, done.journal)
        if args.print_sheet:
            _print_commissioning_sheet(done, policy)
    except BaseException:
        # No terminal without its custodians and its printed recovery sheet.
        done.journal.close()
        undo_commission(Path(args.data))
        raise
    try:
        identity_printed = args.print_sheet and identity_command.at_commissioning(
            done.journal, policy, args.data
        )
        print(f"Journal created in {args.data}")
        for line in enrolled:
            print(line)
        print(f"Terminal id:        {policy.kiosk_id}")
        print(f"Terminal key:       {done.fingerprint}")
        print(f"Genesis hash:       {done.genesis_hash}")
        print(f"Public key file:    {done.public_key_path}")
        if args.print_sheet:
            print("Commissioning sheet printed: seal it in the safe with the recovery passphrase.")
            if identity_printed:
                print("Terminal identity sheet printed: give it to the auditors with kiosk.pub.")
        elif passphrase is None:
            print()
            print("RECOVERY PASSPHRASE — write it on the commissioning sheet, seal it in the safe:")
            print(f"    {done.recovery_passphrase}")
    finally:
        done.journal.close()
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    _no_core_dumps()
    # The policy first: an invalid one stops the start, naming its line, before any window.
    policy = _policy(args.policy)
    from hardware.network import up_interfaces
    from hardware.usb_devices import security_key_allowed
    from ui.app import run
    from ui.app_context import AppContext
    from ui.devices import KeyDesk
    from ui.workers import ThreadRunner

    net = Path(args.sys_class_net)
    # One clock for the program's life: the clock watch measures jumps against the time
    # elapsed since it first trusted it (kiosk.journal.clockwatch), with the policy's tolerance.
    clock = SystemClock()
    clock.watch.set_tolerance(policy.clock_tolerance_minutes)
    ctx = AppContext(
        policy,
        Path(args.data),
        clock,
        ThreadRunner(),
        windowed=args.windowed,
        keys=KeyDesk(usb=True, allowed=security_key_allowed(policy)),
        network=lambda: [i.alert_fields() for i in up_interfaces(net)],
        witness=_witness(args, policy),
    )
    event(
        log,
        "kiosk.start",
        f"kiosk {policy.kiosk_id} starting on {args.data}",
        kiosk=policy.kiosk_id,
        data=args.data,
        policy_sha256=policy.sha256,
        airgap=policy.airgap_on_network,
    )
    return run(ctx)


def cmd_check_policy(args: argparse.Namespace) -> int:
    policy = _policy(args.file)
    print(f"{policy.source}: valid (sha256 {policy.sha256})")
    return 0


def cmd_usbguard_rules(args: argparse.Namespace) -> int:
    """The policy's USB allow-list as USBGuard rules on stdout (hardware/usbguard.py)."""
    from hardware.usbguard import usbguard_rules

    rules = usbguard_rules(_policy(args.file))
    for warning in rules.warnings:
        print(f"sealroom: {warning}", file=sys.stderr)
    sys.stdout.write(rules.text)
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    """The auditors' offline verifier (also ``python -m kiosk.verify``): no Qt, no database."""
    return run_verify(args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sealroom",
        description="Sealroom: the break-glass credential terminal of a safe room.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("init", help="commission a new terminal: create its journal headlessly")
    p.add_argument("--data", required=True, help="empty directory for the journal")
    p.add_argument("--policy", help="policy file (default: the one in assets/)")
    p.add_argument("--passphrase-fd", type=int, help="read the recovery passphrase from this fd")
    p.add_argument(
        "--custodian",
        action="append",
        default=[],
        metavar="ID:NAME:ROLE",
        help="a first custodian (give exactly two); each enrols their own security key",
    )
    p.add_argument(
        "--simulated-keys",
        metavar="DIR",
        help="use simulated security keys kept in DIR/<id>.json instead of USB keys",
    )
    p.add_argument(
        "--pin-fd",
        type=int,
        help="read the custodians' key PINs from this fd, one line each, in order",
    )
    p.add_argument(
        "--print-sheet",
        action="store_true",
        help="print the commissioning sheet (key fingerprint, genesis hash, recovery "
        "passphrase) on the policy's CUPS queue, then the terminal identity sheet for the "
        "auditors; nothing is kept if the commissioning sheet does not print",
    )
    p.add_argument(
        "--show-recovery-passphrase",
        action="store_true",
        help="print the generated recovery passphrase (commissioning screen only)",
    )
    p.add_argument("--tpm", metavar="TCTI", help=TPM_HELP)
    p.set_defaults(func=cmd_init)

    p = sub.add_parser(
        "render-samples", help="write one sample PDF of every document, to check printer layouts"
    )
    p.add_argument("dir", help="directory for the PDFs")
    p.set_defaults(func=cmd_render_samples)

    p = sub.add_parser(
        "identity-sheet",
        help="print the terminal identity sheet for the auditors (fingerprint, genesis, kiosk.pub)",
        description=identity_command.DESCRIPTION,
    )
    identity_command.add_arguments(p)
    p.set_defaults(func=lambda args: identity_command.run(args, _policy))

    p = sub.add_parser("run", help="run the kiosk on a commissioned terminal")
    p.add_argument("--data", required=True, help="the terminal's data directory")
    p.add_argument("--policy", help="policy file (default: the one in assets/)")
    p.add_argument("--windowed", action="store_true", help="a normal window, not full screen")
    p.add_argument(
        "--sys-class-net",
        default="/sys/class/net",
        metavar="DIR",
        help="where the air-gap check reads the network interfaces (default /sys/class/net)",
    )
    p.add_argument("--tpm", metavar="TCTI", help=TPM_HELP)
    p.set_defaults(func=cmd_run)

    simulation.add_commands(sub)  # demo, simulate

    p = sub.add_parser(
        "verify",
        help="verify export bundles offline (exit 0 verified, 1 not, 2 usage)",
        description="Verify Sealroom export bundles (spec sealroom-export/1) offline.",
    )
    add_verify_arguments(p)
    p.set_defaults(func=cmd_verify)

    p = sub.add_parser(
        "doctor",
        help="check this machine is a working safe-room terminal (pass/fail table)",
        description=doctor_command.DESCRIPTION,
    )
    doctor_command.add_arguments(p)
    p.set_defaults(func=lambda args: doctor_command.run(args, _policy))

    p = sub.add_parser("check-policy", help="validate a policy file and print its hash")
    p.add_argument("file", nargs="?", help="policy file (default: the one in assets/)")
    p.set_defaults(func=cmd_check_policy)

    p = sub.add_parser(
        "usbguard-rules",
        help="print the USBGuard rules of the policy's USB allow-list (unknown devices blocked)",
    )
    p.add_argument("file", nargs="?", help="policy file (default: the one in assets/)")
    p.set_defaults(func=cmd_usbguard_rules)
    continuity.add_commands(sub)  # backup, restore (issue 21)
    return parser


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("sealroom")
    except PackageNotFoundError:
        return "unknown"


def _start_log(args: argparse.Namespace) -> bool:
    """The one place logging is configured: the journal (or stderr), then ``start``.

    ``verify`` runs on the auditors' own machines and logs nothing there.
    """
    if args.command == "verify":
        return False
    from hardware.journald import configure

    configure(verbose=args.command in ("run", "demo"))
    event(
        log,
        "start",
        f"sealroom {args.command} started",
        command=args.command,
        version=_version(),
    )
    return True


def _failed(exc: BaseException, status: int) -> int:
    """Log why the command failed (the person read it on stderr)."""
    event(
        log,
        "error",
        f"sealroom command failed: {getattr(exc, 'code', type(exc).__name__)}",
        level=logging.WARNING,
        **error_fields(exc),
    )
    return status


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logged = _start_log(args)
    status = 1
    try:
        status = int(args.func(args))
    except PolicyError as exc:
        print(f"sealroom: {exc.user_message()}", file=sys.stderr)
        status = _failed(exc, 2)
    except SealroomError as exc:
        print(f"sealroom: {exc.user_message()}", file=sys.stderr)
        status = _failed(exc, 1)
    except KeyboardInterrupt:
        status = 130
    except Exception as exc:
        if logged:
            event(
                log,
                "error",
                f"sealroom {args.command}: unexpected failure",
                level=logging.ERROR,
                exc_info=exc,
                **error_fields(exc),
            )
        raise
    finally:
        if logged:
            event(log, "stop", f"sealroom {args.command} ended ({status})", status=status)
    return status


if __name__ == "__main__":
    raise SystemExit(main())
