"""``sealroom doctor`` on the command line: its options, and the table or JSON it prints.

Kept apart from the checks so that building the ``sealroom`` parser imports
nothing heavy (the checks import python-fido2 and reportlab only when the
command runs).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from hardware import appliance_paths
from kiosk.policy import Policy

DESCRIPTION = (
    "The commissioning self-test: checks the package, the kiosk unit, the device rules, the "
    "air gap, swap, core dumps, CUPS, security keys, scanner, clock and disk, and prints a "
    "pass/fail table. Exit 0 only if every required check passes."
)


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--data",
        default=str(appliance_paths.DATA_DIR),
        help="the terminal's data directory (default %(default)s)",
    )
    p.add_argument(
        "--policy",
        help=f"policy file (default: {appliance_paths.POLICY}, else the one in assets/)",
    )
    p.add_argument(
        "--offline-checks",
        action="store_true",
        help="only the checks that need no device and no person (the package test in CI)",
    )
    p.add_argument(
        "--print-test-page", action="store_true", help="also print a test page on the CUPS queue"
    )
    p.add_argument(
        "--scan-test", action="store_true", help="also wait for one test scan from the scanner"
    )
    p.add_argument(
        "--scan-timeout",
        type=float,
        default=30.0,
        metavar="SECONDS",
        help="how long --scan-test waits (default %(default)s)",
    )
    p.add_argument("--json", action="store_true", help="the results as JSON, for scripts")


def run(args: argparse.Namespace, load_policy: Callable[[str | None], Policy]) -> int:
    """Run the checks and print the table (or JSON); 0 only if every required check passed."""
    from hardware.doctor import Options
    from hardware.doctor import run as run_checks
    from hardware.doctor.finding import as_json, exit_status, table

    installed = appliance_paths.POLICY
    policy = load_policy(args.policy or (str(installed) if installed.exists() else None))
    options = Options(
        policy,
        data_dir=Path(args.data),
        offline_only=args.offline_checks,
        print_test_page=args.print_test_page,
        scan_test=args.scan_test,
        scan_timeout=args.scan_timeout,
    )
    if args.json:  # stdout is the JSON: prompts go to stderr
        options.say = lambda text: print(text, file=sys.stderr, flush=True)
    rows = run_checks(options)
    if args.json:
        print(as_json(rows))
    else:
        print(f"Sealroom doctor: terminal {policy.kiosk_id}, policy {policy.source}")
        print()
        print(table(rows))
    return exit_status(rows)
