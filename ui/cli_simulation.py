"""``sealroom demo`` and ``sealroom simulate``: the terminal with simulated devices.

Why a module of its own: neither runs in a safe room. The demo opens the
kiosk on a throw-away journal with simulated keys, scanner and printer; the
simulation drives the real procedure flows headlessly with simulated people
(``hardware/sim``). Both switch core dumps off first, as every command that
holds a key does.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.format.clock import Clock, SystemClock
from kiosk.policy import Policy

if TYPE_CHECKING:
    from hardware.sim.desk import DemoDesk
    from ui.app_context import AppContext
    from ui.workers import Runner


def add_commands(sub: Any) -> None:
    """Add ``demo`` and ``simulate`` to the ``sealroom`` command's subparsers."""
    p = sub.add_parser("demo", help="the kiosk with simulated devices and a throw-away journal")
    p.add_argument("--policy", help="policy file (default: the one in assets/)")
    p.add_argument("--keep", action="store_true", help="keep the throw-away journal on exit")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser(
        "simulate", help="a headless terminal driven through the procedure by simulated people"
    )
    p.add_argument("--data", required=True, help="new directory for the simulated terminal")
    p.add_argument(
        "--scenario",
        help="emergency, tampered, unreachable-approver, solo, drill, stale or careless",
    )
    p.add_argument("--years", type=int, help="a realistic history of this many years")
    p.add_argument("--seed", type=int, default=5, help="random seed of the history")
    p.add_argument(
        "--export",
        metavar="DIR",
        help="then export an audit bundle into DIR (as onto a stick), approved by simulated keys",
    )
    p.set_defaults(func=cmd_simulate)


def demo_context(
    root: Path, policy: Policy, *, runner: Runner | None = None, clock: Clock | None = None
) -> tuple[AppContext, DemoDesk]:
    """The demo's terminal in ``root`` and the AppContext its window runs on.

    One function for ``sealroom demo`` and the test that walks the demo to
    the end (tests/ui/test_demo_walk.py), so the test drives the demo
    itself. The terminal is commissioned by the real procedure
    (:func:`hardware.sim.desk.build_desk`): its envelopes hold printed
    credential sheets, its last entry is at the real time (no clock
    confirmation at the first unlock), an auditor is enrolled; beside it
    lie the printed papers and the auditor's stick, which the demo panel
    shows.
    """
    from hardware.backup_media import SimulatedBackupMedia
    from hardware.sim.desk import build_desk
    from ui.app_context import AppContext, DemoInfo
    from ui.devices import KeyDesk
    from ui.workers import ThreadRunner

    desk = build_desk(root, policy)
    keys = KeyDesk.from_state_files(desk.keys_dir, desk.owners)
    keys.auto_plug = True  # the named custodian's key is plugged in; the touch is a click
    # The demo's backup stick: always plugged in (a folder in the demo directory).
    backup_media = SimulatedBackupMedia(root / "usb-ports")
    backup_media.plug("SEALBACKUP")
    ctx = AppContext(
        policy,
        desk.data_dir,
        clock or SystemClock(),
        runner or ThreadRunner(),
        windowed=True,
        demo=DemoInfo(desk.passphrase, desk.data_dir, desk.pin, desk=desk),
        keys=keys,
        printer=desk.printer,
        volumes=desk.stick.volumes,
        backup_media=backup_media,
    )
    return ctx, desk


def cmd_demo(args: argparse.Namespace) -> int:
    from ui.cli import _no_core_dumps as no_core_dumps
    from ui.cli import _policy as policy_from

    no_core_dumps()
    policy = policy_from(args.policy)  # before any window, as in cmd_run
    from kiosk.terminal.lifecycle import remove_terminal
    from ui.app import have_display, run

    if not have_display():
        print(
            "sealroom demo: no display to open a window on (DISPLAY is not set). "
            "Run it in a desktop session, or under Xvfb with DISPLAY set.",
            file=sys.stderr,
        )
        return 2
    # Qt first: a display or platform plugin Qt cannot use aborts the process (qFatal),
    # past any ``finally`` — started after the throw-away folder, it left that folder
    # and its simulated keys behind (issue 22). run() reuses this application.
    from ui.app import make_app

    make_app()
    root = Path(tempfile.mkdtemp(prefix="sealroom-demo-"))
    try:
        ctx, _desk = demo_context(root, policy)
        print(f"Demo terminal in {root} (deleted on exit).")
        return run(ctx)
    finally:
        if not args.keep:
            remove_terminal(root)


def cmd_simulate(args: argparse.Namespace) -> int:
    """Drive the real procedure flows with simulated keys, scanner and printer."""
    from ui.cli import _no_core_dumps as no_core_dumps

    no_core_dumps()
    import time

    from hardware.sim.scenarios import SCENARIOS, simulate

    if (args.scenario is None) == (args.years is None):
        print("sealroom simulate: give --scenario NAME or --years N.", file=sys.stderr)
        return 2
    if args.scenario is not None and args.scenario not in SCENARIOS:
        print(
            f"sealroom simulate: unknown scenario {args.scenario!r}; "
            f"one of {', '.join(SCENARIOS)}.",
            file=sys.stderr,
        )
        return 2
    started = time.monotonic()
    sim = simulate(Path(args.data), args.scenario, args.years, seed=args.seed)
    try:
        head = sim.journal.head
        print(f"Simulated terminal in {args.data}: {head.seq} entries, head {head.seq}:{head.hash}")
        print(
            f"Incidents: {len(sim.journal.state.incidents.by_id)}; "
            f"documents printed: {len(sim.printer.jobs)}; "
            f"{time.monotonic() - started:.1f} s"
        )
        from hardware.sim.openings import opening_lines

        for line in opening_lines(sim.journal.state):
            print(line)
        print(f"Terminal public key: {Path(args.data) / 'kiosk.pub'}")
        for note in sim.notes:
            print(note)
        if args.export:
            from hardware.sim.export import export_lines, export_simulation

            print(*export_lines(sim, export_simulation(sim, Path(args.export)), head), sep="\n")
    finally:
        sim.terminal.close()
    return 0
