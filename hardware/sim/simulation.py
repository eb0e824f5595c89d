"""A simulated terminal ready for the procedure: set up, saved and resumed, with its devices.

Everything below the flows is simulated at the device boundary only: each
custodian's key is a :class:`~hardware.sim.authenticator.SoftAuthenticator`
behind python-fido2 (via :func:`hardware.sim.terminal.make_terminal`), scans
are keystrokes from :class:`~hardware.sim.scanner.WedgeScannerSim` read back
by the real :class:`~kiosk.scan.WedgeDetector`, and documents are rendered
by reportlab and "printed" by :class:`~hardware.printing.sim.SimulatedPrinter`
(which records every job). Time is a :class:`~kiosk.format.clock.FakeClock`.

:func:`setup` commissions a terminal with the simulated custodians
(:data:`CUSTODIANS`), accounts (:data:`ACCOUNTS`), bag stock and two
envelopes per account; :func:`save` writes beside it what :func:`resume`
needs to reopen it. How the people answer each flow is
:mod:`hardware.sim.people`; whole invocations and the named scenarios are
:mod:`hardware.sim.scenarios`.

Layout of ``data_dir``: ``data/`` (the terminal's journal and key slots),
``keys/`` (the simulated keys' flash), ``kiosk.pub`` (the terminal's public
key, OpenSSH format), ``simulation.json`` (:func:`save`). The recovery
passphrase is :data:`hardware.sim.terminal.TEST_PASSPHRASE` and the keys' PIN
:data:`hardware.sim.terminal.DEFAULT_PIN`: simulation only.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from hardware.fido.security_keys import FidoSecurityKeys
from hardware.printing.paper import RenderingPaper
from hardware.printing.sim import SimulatedPrinter
from hardware.sim.authenticator import SoftAuthenticator
from hardware.sim.people import credential
from hardware.sim.scanner import WedgeScannerSim
from hardware.sim.terminal import (
    DEFAULT_PIN,
    TEST_PASSPHRASE,
    SimCustodian,
    SimPrompts,
    SimulatedTerminal,
    make_terminal,
)
from kiosk.errors import SealroomError
from kiosk.format.clock import UTC, FakeClock, format_ts, parse_ts
from kiosk.journal.durable import atomic_write
from kiosk.journal.store import PUBKEY_NAME, Journal
from kiosk.policy import Policy, load_policy
from kiosk.procedures import Context, Flow, SealNewEnvelopeFlow, StockFlow
from kiosk.scan import WedgeDetector, make_serial
from kiosk.scan.wedge import Scan
from kiosk.terminal.approvals import Approval
from kiosk.terminal.enrolment import Person
from kiosk.terminal.lifecycle import unlock_with_key

CUSTODIANS: Final[tuple[str | Person, ...]] = (
    "dana:Dana Whitfield:IT Director",
    "sam:Sam Okafor:Chief Operating Officer",
    # The security lead acknowledges every opening and signs the reviews (issue 19).
    Person("lee", "Lee Park", "Security Lead", ("custodian", "security")),
    "kim:Kim Osei:Senior SysAdmin",
)
ACCOUNTS: Final = (
    {
        "account": "entra-01",
        "username": "emergency-admin-01@contoso.onmicrosoft.com",
        "system": "Microsoft Entra ID",
        "purpose": "Tenant identity provider; emergency global administrator",
        "storage_location": "Safe A",
        "authorised": ["dana", "sam", "lee"],
        "access_url": "https://login.microsoftonline.com",
        "privilege": "Global Administrator: restoring sign-in needs full tenant rights",
        "idp": "Microsoft Entra ID",
        # Entra alerts security when this account signs in (issue 19: each session asks).
        "idp_alerts": True,
    },
    {
        "account": "entra-02",
        "username": "emergency-admin-02@contoso.onmicrosoft.com",
        "system": "Microsoft Entra ID",
        "purpose": "Second emergency account of the tenant",
        "storage_location": "Safe A",
        "authorised": ["dana", "sam", "lee"],
        "access_url": "https://login.microsoftonline.com",
        "privilege": "Global Administrator: second account in case one is locked",
        "idp": "Microsoft Entra ID",
    },
    {
        "account": "dc-local",
        "username": "local-admin-breakglass",
        "system": "Domain Controller",
        "purpose": "Local administrator of the domain controllers",
        "storage_location": "Safe A",
        "authorised": ["dana", "kim", "lee"],
        "privilege": "Local Administrator: recovery when the domain is unavailable",
    },
)


class SimSignatures:
    """:class:`kiosk.procedures.Signatures` for simulated keys: plug, touch, PIN.

    Records each collection as ``(kind, custodians)`` in ``calls``.
    """

    def __init__(self, terminal: SimulatedTerminal) -> None:
        self.terminal = terminal
        self.calls: list[tuple[str, tuple[str, ...]]] = []

    def collect(self, approval: Approval, custodians: Sequence[str]) -> None:
        for role, who in zip(approval.roles, custodians, strict=False):
            self.terminal.sign(approval, who, role)
        self.calls.append((approval.kind, tuple(custodians)))


@dataclass
class Simulation:
    """A simulated terminal with its flows' context; see the module docstring.

    Beside the devices it keeps what the people know and the journal does
    not: the next bag serial of the supplier, each sealed envelope's QR code
    (``qr_of``: the code is inside the envelope) and the incidents run, by
    scenario.
    """

    data_dir: Path
    terminal: SimulatedTerminal
    ctx: Context
    printer: SimulatedPrinter
    clock: FakeClock
    rng: random.Random
    scanner: WedgeScannerSim
    next_serial: int = 1000
    qr_of: dict[str, str] = field(default_factory=dict)
    #: what a scenario wants said beside its journal (refusals it provoked); not saved
    notes: list[str] = field(default_factory=list)
    incidents: list[tuple[str, str]] = field(default_factory=list)  # (scenario, incident)

    @property
    def journal(self) -> Journal:
        return self.terminal.journal

    # -- devices ----------------------------------------------------------------------
    def scan(self, code: str) -> str:
        """``code`` as a handheld scanner types it, read back by the wedge detector."""
        detector = WedgeDetector.from_policy(self.ctx.policy)
        texts: list[str] = []
        for ev in self.scanner.scan(code):
            texts += [o.text for o in detector.feed(ev) if isinstance(o, Scan)]
        texts += [o.text for o in detector.flush() if isinstance(o, Scan)]
        return texts[0] if texts else code

    def later(self, **delta: float) -> None:
        self.clock.advance(**delta)

    # -- driving a flow ------------------------------------------------------------------
    @staticmethod
    def step(flow: Flow, values: dict[str, Any]) -> None:
        """Submit one step of ``flow``; a refusal is an error (the people answer correctly)."""
        result = flow.submit(values)
        if not result.ok:
            raise SealroomError(
                "procedure.step_failed",
                step=f"{flow.name}.{flow.current}",
                reason="; ".join(result.errors.values()),
            )

    # -- stock and envelopes -----------------------------------------------------------------
    def receive_bags(self, n: int) -> list[str]:
        serials = [make_serial(self.next_serial + i) for i in range(n)]
        self.next_serial += n
        flow = StockFlow(self.ctx)
        self.step(
            flow,
            {"serials": [self.scan(s) for s in serials], "supplier": "SecureBag Ltd"},
        )
        return serials

    def blank(self, exclude: Sequence[str] = ()) -> str:
        """The next blank bag of the stock (a delivery first when fewer than three are left)."""
        stock = sorted(
            e.serial
            for e in self.journal.state.envelopes.values()
            if e.state == "blank_stock" and e.serial not in exclude
        )
        if len(stock) < 3:
            stock += self.receive_bags(20)
        return sorted(stock)[0]

    def journal_policy_method(self) -> str:
        """The destruction method the people use: the policy's first."""
        return self.ctx.policy.destruction_methods[0]

    def signers(self, account: str) -> list[str]:
        return list(self.journal.state.accounts[account].authorised[:2])

    def seal_new(self, account: str) -> str:
        """Seal a new credential for ``account`` (the policy's copies); returns the first bag."""
        flow = SealNewEnvelopeFlow(self.ctx, account, self.signers(account))
        return credential(self, flow)


def setup(
    data_dir: Path,
    *,
    seed: int = 5,
    start: dt.datetime | None = None,
    policy: Policy | None = None,
    printer: SimulatedPrinter | None = None,
) -> Simulation:
    """A commissioned terminal with custodians, accounts, bag stock and two envelopes each.

    ``policy`` and ``printer`` are the demo's (``sealroom demo --policy``, and
    the printer whose papers lie on its desk: :mod:`hardware.sim.desk`), so
    its envelopes hold sheets printed by the one procedure that makes them.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    for stale in ("data", "keys"):
        if (data_dir / stale).exists():
            raise SealroomError("simulate.not_empty", path=str(data_dir))
    clock = FakeClock(start or dt.datetime(2026, 1, 5, 9, 0, tzinfo=UTC))
    keys = data_dir / "keys"
    keys.mkdir()
    terminal = make_terminal(
        data_dir, CUSTODIANS, ACCOUNTS, clock=clock, keys_dir=keys, policy=policy
    )
    shutil.copyfile(terminal.data_dir / PUBKEY_NAME, data_dir / PUBKEY_NAME)
    sim = _wrap(data_dir, terminal, clock, seed, printer=printer)
    sim.receive_bags(20)
    for account in sorted(terminal.journal.state.accounts):
        sim.later(minutes=20)
        sim.seal_new(account)
    sim.later(days=3)
    save(sim)
    return sim


META_NAME: Final = "simulation.json"


def save(sim: Simulation) -> Path:
    """Write what :func:`resume` needs beside the journal (no secret: QR codes are identifiers)."""
    meta = {
        "now": format_ts(sim.clock.now()),
        "next_serial": sim.next_serial,
        "qr_of": sim.qr_of,
        "incidents": sim.incidents,
    }
    path = sim.data_dir / META_NAME
    atomic_write(path, json.dumps(meta, sort_keys=True).encode("utf-8"))
    return path


def resume(data_dir: Path, *, seed: int = 5) -> Simulation:
    """Reopen a simulated terminal saved by :func:`save` (e.g. a copied test template)."""
    meta = json.loads((data_dir / META_NAME).read_text("utf-8"))
    policy = load_policy()
    clock = FakeClock(parse_ts(meta["now"]))
    # The saved simulation goes on where it stopped, on its own clock: that
    # clock is taken as confirmed. (A real terminal restarted with its clock
    # far past the last entry asks two custodians first: kiosk.journal.clockwatch.)
    clock.watch.trust(clock)
    prompts = SimPrompts()
    security_keys = FidoSecurityKeys(prompts, usb=False)
    keys = data_dir / "keys"

    def sim_key(custodian: str, label: str) -> SoftAuthenticator:
        return SoftAuthenticator(
            keys / f"{custodian}.json", touch_timeout=3.0, keepalive_interval=0.02, label=label
        )

    # The first custodian unlocks with their key, as on the terminal (journaled).
    first = Person.parse(str(CUSTODIANS[0]))
    security_keys.simulated = [sim_key(first.id, first.name)]
    prompts.current_pin = DEFAULT_PIN
    journal = unlock_with_key(
        data_dir / "data", security_keys, clock, counter_margin=policy.counter_margin
    )
    custodians = {
        c.id: SimCustodian(Person(c.id, c.name, c.role, tuple(c.duties)), sim_key(c.id, c.name))
        for c in journal.state.custodians.values()
        if not c.revoked
    }
    terminal = SimulatedTerminal(
        data_dir / "data",
        policy,
        clock,
        journal,
        TEST_PASSPHRASE,
        custodians,
        prompts,
        security_keys,
        keys,
    )
    return _wrap(data_dir, terminal, clock, seed, meta)


def _wrap(
    data_dir: Path,
    terminal: SimulatedTerminal,
    clock: FakeClock,
    seed: int,
    meta: dict[str, Any] | None = None,
    printer: SimulatedPrinter | None = None,
) -> Simulation:
    printer = printer if printer is not None else SimulatedPrinter()
    ctx = Context(
        terminal.journal,
        terminal.policy,
        terminal.security_keys,
        SimSignatures(terminal),
        RenderingPaper(printer),
    )
    sim = Simulation(
        data_dir,
        terminal,
        ctx,
        printer,
        clock,
        random.Random(seed),  # noqa: S311 - repeatable history, not security
        WedgeScannerSim(terminator=terminal.policy.scanner_terminator, seed=seed),
    )
    if meta is not None:
        sim.next_serial = int(meta["next_serial"])
        sim.qr_of = dict(meta["qr_of"])
        sim.incidents = [(a, b) for a, b in meta["incidents"]]
    return sim
