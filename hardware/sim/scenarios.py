"""``sealroom simulate``: the real procedure flows driven by simulated people and devices.

Everything below the flows is simulated at the device boundary only: each
custodian's key is a :class:`~hardware.sim.authenticator.SoftAuthenticator`
behind python-fido2 (via :func:`hardware.sim.terminal.make_terminal`), scans
are keystrokes from :class:`~hardware.sim.scanner.WedgeScannerSim` read back
by the real :class:`~kiosk.scan.WedgeDetector`, and documents are rendered
by reportlab and "printed" by :class:`~hardware.printing.sim.SimulatedPrinter`
(which records every job). Time is a :class:`~kiosk.clock.FakeClock`.

The simulator plays the people, not the procedure: an invocation answers
whichever flow the core's navigation
(:func:`kiosk.procedures.navigation.next_flow`) names next, the same order the
terminal's screens offer, and :meth:`Simulation.answer` holds the people's
answers to each flow (:class:`People`: how a scenario's people answer).

Named scenarios (:data:`SCENARIOS`): ``emergency`` (a clean emergency
through rotation, review and verification), ``tampered`` (a tampered
envelope quarantined and the alternative used), ``unreachable-approver``
(15 minutes of attempts, the emergency exception and the approver notified),
``solo`` (solo access with its executive sign-off) and ``drill`` (a
quarterly test). ``years=N`` builds a long history of all of them: a drill
per account per quarter, a few emergencies a year of every kind, stock
deliveries, and occasional late documentation and reviews (alerted).

The hook for other tools (exports, benchmarks, the demo) is :func:`simulate`;
it returns the :class:`Simulation` with its open journal.

Layout of ``data_dir``: ``data/`` (the terminal's journal and key slots),
``keys/`` (the simulated keys' flash), ``kiosk.pub`` (the terminal's public
key, OpenSSH format). The recovery passphrase is
:data:`hardware.sim.terminal.TEST_PASSPHRASE` and the keys' PIN
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

from hardware.fido.authenticator import FidoAuthenticator
from hardware.printing.paper import RenderingPaper
from hardware.printing.sim import SimulatedPrinter
from hardware.sim.authenticator import SoftAuthenticator
from hardware.sim.scanner import WedgeScannerSim
from hardware.sim.terminal import (
    TEST_PASSPHRASE,
    SimCustodian,
    SimPrompts,
    SimulatedTerminal,
    make_terminal,
)
from kiosk.approval import Approval
from kiosk.clock import UTC, FakeClock, format_ts, parse_ts
from kiosk.enrolment import Person
from kiosk.errors import SealroomError
from kiosk.fsutil import atomic_write
from kiosk.journal.entry import Entry
from kiosk.journal.store import PUBKEY_NAME, Journal
from kiosk.policy import load_policy
from kiosk.procedures import (
    Context,
    DocumentationFlow,
    ExecutiveSignOffFlow,
    Flow,
    InvocationFlow,
    NotifyApproverFlow,
    ResetFlow,
    RetrievalFlow,
    ReviewFlow,
    SealNewEnvelopeFlow,
    SessionFlow,
    StockFlow,
    VerificationFlow,
)
from kiosk.procedures.navigation import next_flow
from kiosk.scan import WedgeDetector, make_serial
from kiosk.scan.wedge import Scan
from kiosk.terminal import unlock_with_passphrase

SCENARIOS: Final = ("emergency", "tampered", "unreachable-approver", "solo", "drill")

CUSTODIANS: Final = (
    "dana:Dana Whitfield:IT Director",
    "sam:Sam Okafor:Chief Operating Officer",
    "lee:Lee Park:Security Lead",
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
        "authorised": ["dana", "kim"],
        "privilege": "Local Administrator: recovery when the domain is unavailable",
    },
)
WITNESS: Final = {"name": "Robin Hale", "role": "Facilities Manager"}
REASON: Final = (
    "Conditional access change locked every administrator out of the tenant. "
    "Users cannot sign in to mail or SharePoint. We need to revert the policy."
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


#: An envelope's integrity checklist, every answer "intact".
INTACT: Final = {
    "seal_unbroken": True,
    "signatures_undisturbed": True,
    "no_tears_or_holes": True,
    "no_steaming": True,
}


@dataclass
class People:
    """The custodians of one invocation: how they answer its flows (a scenario's branches).

    Which flow comes next is not theirs to say: :meth:`Simulation.emergency`
    follows the core's navigation. They remember, as people do, the
    envelope they opened and the one the reset sealed ("" until then).
    """

    account: str
    declarer: str
    second: str
    test: bool = False
    unreachable: bool = False
    solo: bool = False
    tamper: bool = False
    late_documentation: bool = False
    late_review: bool = False
    exceed: bool = False
    login_fails: bool = False
    mfa_unavailable: bool = False
    reset_fails: bool = False
    unauthorised: bool = False
    opened: str = ""
    sealed: str = ""


@dataclass
class Simulation:
    """A simulated terminal with its flows' context; see the module docstring."""

    data_dir: Path
    terminal: SimulatedTerminal
    ctx: Context
    printer: SimulatedPrinter
    clock: FakeClock
    rng: random.Random
    scanner: WedgeScannerSim
    next_serial: int = 1000
    qr_of: dict[str, str] = field(default_factory=dict)
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

    def blank(self) -> str:
        stock = sorted(
            e.serial for e in self.journal.state.envelopes.values() if e.state == "blank_stock"
        )
        if len(stock) < 2:
            stock += self.receive_bags(20)
        return sorted(stock)[0]

    def signers(self, account: str) -> list[str]:
        return list(self.journal.state.accounts[account].authorised[:2])

    def seal_new(self, account: str) -> str:
        flow = SealNewEnvelopeFlow(self.ctx, account, self.signers(account))
        return self._credential(flow)

    def _credential(self, flow: ResetFlow | SealNewEnvelopeFlow, fail: bool = False) -> str:
        bag = self.blank()
        self.step(flow, {"serial": self.scan(bag)})
        self.step(flow, {"confirm": True})
        if fail:
            self.step(flow, {"account_updated": False, "login_ok": False})
            self.step(
                flow,
                {
                    "cause": "complexity",
                    "resolution": "Password complexity rules checked with the identity team; "
                    "a longer password was printed",
                    "sheet_destroyed": True,
                },
            )
            self.step(flow, {"confirm": True})
        self.step(flow, {"account_updated": True, "login_ok": True})
        self.later(minutes=3)
        self.step(flow, {"sealed": True, "signed_across_seal": True, "serial": self.scan(bag)})
        self.qr_of[bag] = str(flow.info["qr"])
        return bag

    # -- the procedure ------------------------------------------------------------------------
    def emergency(
        self,
        account: str = "entra-01",
        *,
        scenario: str = "emergency",
        test: bool = False,
        unreachable: bool = False,
        solo: bool = False,
        tamper: bool = False,
        late_documentation: bool = False,
        late_review: bool = False,
        exceed: bool = False,
        login_fails: bool = False,
        mfa_unavailable: bool = False,
        reset_fails: bool = False,
        unauthorised: bool = False,
        review: bool = True,
        verify: bool = True,
    ) -> str:
        """One whole invocation of the procedure; returns the incident id.

        The people declare it, then answer whichever flow the core's
        navigation (:func:`kiosk.procedures.navigation.next_flow`) names
        next, until it names none: the procedure's order is not written here,
        so the simulation follows the core if the order changes. They stop
        before the review with ``review=False``, before the verification with
        ``verify=False``; the other flags choose how they answer (:class:`People`).
        """
        state = self.journal.state
        authorised = state.accounts[account].authorised
        people = People(
            account,
            authorised[0],
            authorised[1],
            test=test,
            unreachable=unreachable,
            solo=solo,
            tamper=tamper,
            late_documentation=late_documentation,
            late_review=late_review,
            exceed=exceed,
            login_fails=login_fails,
            mfa_unavailable=mfa_unavailable,
            reset_fails=reset_fails,
            unauthorised=unauthorised,
        )
        declaration = InvocationFlow(self.ctx, test=test)
        self.answer(declaration, people)
        incident = declaration.incident
        while (nxt := next_flow(state, state.incidents.by_id[incident])) is not None:
            flow = nxt.start(self.ctx)
            if (isinstance(flow, ReviewFlow) and not review) or (
                isinstance(flow, VerificationFlow) and not verify
            ):
                break
            before = self.journal.head.seq
            self.answer(flow, people)
            if self.journal.head.seq == before:  # the same flow would be named forever
                raise RuntimeError(f"{nxt.label}: answered, but nothing was recorded")
        self.incidents.append((scenario, incident))
        return incident

    def drill(self, account: str = "entra-01") -> str:
        return self.emergency(account, scenario="drill", test=True)

    # -- the people's answers, one method per flow ---------------------------------------------
    def answer(self, flow: Flow, people: People) -> None:
        """Answer every step ``flow`` puts, as ``people`` would, time passing as it does."""
        match flow:
            case InvocationFlow():
                self._invocation(flow, people)
            case ExecutiveSignOffFlow():
                self.later(minutes=25)
                self.step(
                    flow,
                    {"by": {"name": "Morgan Reyes", "role": "Chief Executive"}, "method": "phone"},
                )
            case VerificationFlow():  # before RetrievalFlow, its base class
                self._verification(flow, people)
            case RetrievalFlow():
                self._retrieval(flow, people)
            case SessionFlow():
                self._session(flow, people)
            case NotifyApproverFlow():  # as soon as the session is over
                self.step(flow, {"approver": self.ctx.policy.approvers[0].name, "channel": "phone"})
            case DocumentationFlow():
                self._documentation(flow, people)
            case ResetFlow():
                self.later(hours=2)
                self._credential(flow, fail=people.reset_fails)
                self.step(flow, {"serial": self.scan(people.opened), "witness": dict(WITNESS)})
                self.step(flow, {"confirm": True})
                people.sealed = str(flow.serial)
            case ReviewFlow():
                self._review(flow, people)
            case _:
                raise NotImplementedError(f"the simulated people have no answers for {flow.title}")

    def _invocation(self, inv: InvocationFlow, people: People) -> None:
        state = self.journal.state
        account = state.accounts[people.account]
        if inv.current == "details":  # a new declaration (else resumed at the acknowledgement)
            details: dict[str, Any] = {
                "declared_by": people.declarer,
                "declared_by_role": state.custodians[people.declarer].role,
                "system": account.system,
                "system_purpose": account.purpose,
                "account": account.id,
                "reason": REASON
                if not people.test
                else "Quarterly test of the break-glass procedure. "
                "The emergency is simulated and documented as a test.",
                "evidence": "Screenshot set INC-EVID-" + self.clock.now().strftime("%Y%m%d%H%M"),
                "witness": dict(WITNESS),
            }
            if people.solo:
                details["solo_urgent"] = True
            else:
                details["second_person"] = people.second
                details["second_person_role"] = state.custodians[people.second].role
            self.step(inv, details)
            if people.unreachable:
                # Every designated approver is tried, each channel once between them.
                names = [a.name for a in self.ctx.policy.approvers]
                for i, channel in enumerate(("phone", "messaging", "email")):
                    self.step(
                        inv,
                        {
                            "outcome": "attempt",
                            "approver": names[i % len(names)],
                            "channel": channel,
                            "attempt_outcome": "no-answer",
                        },
                    )
                    self.later(minutes=8)
                self.step(inv, {"outcome": "unreachable"})
            else:
                self.later(minutes=4)
                self.step(
                    inv,
                    {
                        "outcome": "approved",
                        "approver": self.ctx.policy.approvers[0].name,
                        "channel": "phone",
                        "conditions": "Revert the policy only; no other changes.",
                    },
                )
            self.step(inv, {"confirm": True})
        ack: dict[str, Any] = {"declared_by_ack": True, "witness_present": True}
        if not people.solo:
            ack["second_person_ack"] = True
        self.step(inv, ack)

    def _retrieval(self, ret: RetrievalFlow, people: People) -> None:
        self.later(minutes=10)
        sealed = sorted(
            e.serial for e in self.journal.state.envelopes_for(people.account, "sealed")
        )
        first = sealed[0]
        self.step(ret, {"serial": self.scan(first)})
        opened = first
        if people.tamper:
            self.step(ret, {**INTACT, "no_steaming": False, "photo_ref": f"PHOTO-{first}-1..4"})
            opened = str(ret.info["alternatives"][0])
            self.step(ret, {"serial": self.scan(opened)})
        self.step(ret, INTACT)
        self.step(ret, {"exterior_signed": True, "serial": self.scan(opened)})
        self.step(ret, {"qr": self.scan(self.qr_of[opened])})
        people.opened = opened

    def _session(self, ses: SessionFlow, people: People) -> None:
        self.later(minutes=6)
        if people.login_fails:
            self.step(
                ses,
                {
                    "outcome": "login-failed",
                    "cause": "account-locked",
                    "account_status_checked": True,
                    "provider_contacted": True,
                    "reference": "Provider case 4471-22",
                },
            )
            self.later(minutes=12)
        if people.mfa_unavailable:
            self.step(
                ses,
                {
                    "outcome": "mfa-unavailable",
                    "cause": "token-lost",
                    "resolution": "backup-method",
                    "reference": "Backup FIDO2 key from the envelope",
                },
            )
        self.step(
            ses,
            {
                "outcome": "established",
                "baseline_ref": "Export of conditional access policies, baseline.json",
                "provider_session_ref": "Entra sign-in log: session 6f1c2e9a-4b7d",
            },
        )
        actions = [
            ("Reverted conditional access policy CA-014", "Policy back to its previous version"),
            ("Verified an administrator can sign in", "Sign-in succeeded"),
        ]
        if people.unauthorised:
            actions.append(("Reviewed mailbox permissions of the CFO", "Permissions listed"))
        for i, (what, outcome) in enumerate(actions):
            self.later(minutes=3)
            outside = people.unauthorised and i == len(actions) - 1
            values: dict[str, Any] = {
                "action": what,
                "outcome": outcome,
                "narrated": True,
                "outside_reason": outside,
                "then": "another" if i < len(actions) - 1 else "logout",
            }
            if outside:
                values["justification"] = "Suspected the CFO account was involved"
            self.step(ses, values)
        self.later(minutes=2)
        self.step(ses, {"post_change_ref": "Export of conditional access policies, after.json"})

    def _documentation(self, doc: DocumentationFlow, people: People) -> None:
        self.later(minutes=150 if people.late_documentation else 40)
        if people.exceed:
            self.step(doc, {"exceeds": True})
            self.step(
                doc,
                {
                    "audit_log_ref": "Entra audit log export " + self.clock.now().strftime("%F"),
                    "description": "A group membership change is in the log but not the record",
                    "investigation": "Both custodians confirmed it was part of the revert",
                    "actions": [
                        {
                            "at": self.clock.now() - dt.timedelta(minutes=45),
                            "action": "Removed the lockout group from policy CA-014",
                            "outcome": "Group removed",
                            "outside_reason": False,
                        }
                    ],
                },
            )
        self.step(doc, {"exceeds": False, "both_reviewed": True})
        self.step(doc, {"confirm": True})

    def _review(self, rev: ReviewFlow, people: People) -> None:
        state = self.journal.state
        if rev.current == "review":
            self.later(days=9 if people.late_review else 2)
            approver = self.ctx.policy.approvers[0]
            system = state.accounts[people.account].system
            participants = [
                {
                    "name": state.custodians[people.declarer].name,
                    "role": "Custodian",
                    "capacity": "invoker",
                },
                {"name": approver.name, "role": approver.role, "capacity": "approver"},
                {"name": "Lee Park", "role": "Security Lead", "capacity": "security"},
                {"name": "Ari Novak", "role": f"Owner of {system}", "capacity": "system-owner"},
            ]
            if not people.solo:
                participants.insert(
                    1,
                    {
                        "name": state.custodians[people.second].name,
                        "role": "Custodian",
                        "capacity": "invoker",
                    },
                )
            self.step(
                rev,
                {
                    "participants": participants,
                    "prerequisites_met": True,
                    "dual_control_followed": not people.solo,
                    "only_necessary_actions": not people.unauthorised,
                    "documentation_complete_and_signed": True,
                    "credentials_reset": True,
                    "audit_log_ref": "Entra sign-in and audit logs, incident window",
                    "audit_log_outcome": "discrepancies" if people.unauthorised else "consistent",
                    "root_cause": "configuration-error"
                    if not people.unauthorised
                    else "security-incident",
                    "violations": people.unauthorised,
                    "unexplained_actions": people.unauthorised,
                    "findings": "Reviewed against the break-glass policy.",
                },
            )
        if rev.current == "escalate":
            self.step(
                rev,
                {
                    "to": ["Security team", "Governance board"],
                    "logs_preserved": True,
                    "suspension_considered": True,
                },
            )

    def _verification(self, ver: VerificationFlow, people: People) -> None:
        self.later(hours=1)
        self.step(ver, {"serial": self.scan(people.sealed)})
        self.step(ver, INTACT)
        self.step(ver, {"exterior_signed": True, "serial": self.scan(people.sealed)})
        self.step(ver, {"qr": self.scan(self.qr_of[people.sealed])})
        self.step(
            ver,
            {
                "login_ok": True,
                "incident_login_logged": True,
                "test_login_logged": True,
                "change_logged": True,
            },
        )
        fresh = self.blank()
        self.step(
            ver,
            {"serial": self.scan(fresh), "signed_across_seal": True, "witness": dict(WITNESS)},
        )
        self.qr_of[fresh] = self.qr_of[people.sealed]

    def run(self, scenario: str) -> str:
        if scenario == "emergency":
            return self.emergency()
        if scenario == "tampered":
            return self.emergency(scenario="tampered", tamper=True)
        if scenario == "unreachable-approver":
            return self.emergency(scenario="unreachable-approver", unreachable=True)
        if scenario == "solo":
            return self.emergency("dc-local", scenario="solo", solo=True)
        if scenario == "drill":
            return self.drill()
        raise SealroomError(
            "simulate.unknown_scenario", scenario=scenario, known=", ".join(SCENARIOS)
        )

    def years(self, n: int) -> None:
        """``n`` years of history: drills every quarter, emergencies, late deadlines."""
        start = self.clock.now()
        end = start + dt.timedelta(days=round(365.25 * n))
        accounts = sorted(self.journal.state.accounts)
        quarter = 0
        while True:
            q_start = start + dt.timedelta(days=91 * quarter)
            if q_start >= end:
                break
            events: list[tuple[dt.datetime, str, str]] = []
            for i, account in enumerate(accounts):
                events.append((q_start + dt.timedelta(days=7 + 14 * i, hours=1), "drill", account))
            for _ in range(self.rng.choice((0, 1, 1, 2))):
                kind = self.rng.choice(
                    ("emergency", "emergency", "tampered", "unreachable-approver", "solo", "messy")
                )
                day = self.rng.randint(1, 85)
                events.append(
                    (
                        q_start + dt.timedelta(days=day, hours=self.rng.randint(0, 8)),
                        kind,
                        self.rng.choice(accounts),
                    )
                )
            for when_, kind, account in sorted(events):
                if when_ >= end:
                    continue
                if when_ > self.clock.now():
                    self.clock.set(when_)
                self._one(kind, account)
                self.ctx.check_deadlines()
            quarter += 1
        self.clock.set(max(end, self.clock.now()))
        self.ctx.check_deadlines()

    def _one(self, kind: str, account: str) -> None:
        solo_ok = account == "dc-local"
        if kind == "drill":
            self.emergency(account, scenario="drill", test=True)
        elif kind == "tampered":
            if len(self.journal.state.envelopes_for(account, "sealed")) < 2:
                self.seal_new(account)
            self.emergency(account, scenario="tampered", tamper=True)
        elif kind == "unreachable-approver":
            self.emergency(account, scenario="unreachable-approver", unreachable=True)
        elif kind == "solo":
            self.emergency("dc-local" if not solo_ok else account, scenario="solo", solo=True)
        elif kind == "messy":
            r = self.rng.random
            self.emergency(
                account,
                scenario="emergency",
                late_documentation=r() < 0.5,
                late_review=r() < 0.5,
                exceed=r() < 0.5,
                login_fails=r() < 0.3,
                mfa_unavailable=r() < 0.3,
                reset_fails=r() < 0.3,
                unauthorised=r() < 0.2,
            )
        else:
            self.emergency(account)
        # A tampered envelope was quarantined: the account gets a second one again.
        for a in self.journal.state.accounts:
            if not self.journal.state.envelopes_for(a, "sealed"):
                self.seal_new(a)


def setup(data_dir: Path, *, seed: int = 5, start: dt.datetime | None = None) -> Simulation:
    """A commissioned terminal with custodians, accounts, bag stock and two envelopes each."""
    data_dir.mkdir(parents=True, exist_ok=True)
    for stale in ("data", "keys"):
        if (data_dir / stale).exists():
            raise SealroomError("simulate.not_empty", path=str(data_dir))
    clock = FakeClock(start or dt.datetime(2026, 1, 5, 9, 0, tzinfo=UTC))
    keys = data_dir / "keys"
    keys.mkdir()
    terminal = make_terminal(data_dir, CUSTODIANS, ACCOUNTS, clock=clock, keys_dir=keys)
    shutil.copyfile(terminal.data_dir / PUBKEY_NAME, data_dir / PUBKEY_NAME)
    sim = _wrap(data_dir, terminal, clock, seed)
    sim.receive_bags(20)
    for account in sorted(terminal.journal.state.accounts):
        sim.later(minutes=20)
        sim.seal_new(account)
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
    journal = unlock_with_passphrase(data_dir / "data", TEST_PASSPHRASE, clock)
    prompts = SimPrompts()
    authenticator = FidoAuthenticator(prompts, usb=False)
    keys = data_dir / "keys"
    custodians = {
        c.id: SimCustodian(
            Person(c.id, c.name, c.role, tuple(c.duties)),
            SoftAuthenticator(
                keys / f"{c.id}.json", touch_timeout=3.0, keepalive_interval=0.02, label=c.name
            ),
        )
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
        authenticator,
        keys,
    )
    return _wrap(data_dir, terminal, clock, seed, meta)


def _wrap(
    data_dir: Path,
    terminal: SimulatedTerminal,
    clock: FakeClock,
    seed: int,
    meta: dict[str, Any] | None = None,
) -> Simulation:
    printer = SimulatedPrinter()
    ctx = Context(
        terminal.journal,
        terminal.policy,
        terminal.authenticator,
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


def simulate(
    data_dir: Path,
    scenario: str | None = None,
    years: int | None = None,
    *,
    seed: int = 5,
    start: dt.datetime | None = None,
) -> Simulation:
    """Build a simulated terminal in ``data_dir`` and run ``scenario`` or ``years`` of history.

    The returned simulation's journal is open (``sim.journal``); close it
    with ``sim.terminal.close()``. Other tools (e.g. ``--export``) hook in here.
    """
    if (scenario is None) == (years is None):
        raise SealroomError("simulate.what", known=", ".join(SCENARIOS))
    if scenario is not None and scenario not in SCENARIOS:
        raise SealroomError(
            "simulate.unknown_scenario", scenario=scenario, known=", ".join(SCENARIOS)
        )
    if years is not None and not 1 <= years <= 50:
        raise SealroomError("simulate.years", years=years)
    sim = setup(data_dir, seed=seed, start=start)
    try:
        if scenario is not None:
            sim.run(scenario)
        else:
            sim.years(int(years or 0))
        sim.ctx.check_deadlines()
        save(sim)
    except BaseException:
        sim.terminal.close()
        raise
    return sim


AUDITOR: Final = Person("audrey", "Audrey Kim", "Internal Auditor", ("auditor",))


def approve_export(sim: Simulation, volume: str) -> Entry:
    """The ``export.approved`` entry for an export onto ``volume``, as on the terminal.

    An enrolled auditor (enrolled here, under dual control, if the
    simulation has none yet) and a custodian each touch their simulated key.
    """
    from kiosk.export import start_export_approval

    t = sim.terminal
    if AUDITOR.id not in t.custodians:
        sim.later(minutes=5)
        t.enrol(AUDITOR)
    sim.later(minutes=5)
    approval = start_export_approval(sim.journal, t.policy, t.authenticator, volume)
    try:
        t.sign(approval, AUDITOR.id, "auditor")
        t.sign(approval, "dana", "custodian")
        return approval.commit()
    except BaseException:
        approval.abandon()
        raise


def export_simulation(sim: Simulation, out_dir: Path) -> Path:
    """Export the simulated journal into ``out_dir`` through the real export code.

    ``out_dir`` stands for the root of an auditor's stick. The export is
    approved as on the terminal (:func:`approve_export`); the bundle is
    written by :func:`kiosk.export.export_bundle`.
    """
    from hardware.printing.render import render
    from kiosk.export import DirectoryWriter, export_bundle

    out_dir.mkdir(parents=True, exist_ok=True)
    entry = approve_export(sim, str(out_dir))
    result = export_bundle(
        sim.journal, DirectoryWriter(out_dir), entry, render, timezone=sim.terminal.policy.timezone
    )
    save(sim)
    return result.path
