"""A commissioned terminal with simulated custodians' keys, for tests, flows and the demo.

``make_terminal`` builds, in a directory, everything a procedure needs: a
commissioned journal (fast Argon2 parameters), the first two custodians
self-enrolled with their own :class:`~hardware.sim.authenticator.SoftAuthenticator`,
further custodians enrolled under dual control, and accounts registered
under dual control. Every approval goes through the real path:
``kiosk.terminal.approvals`` -> ``FidoSecurityKeys`` -> python-fido2 -> CTAP HID ->
the simulated key. Nothing above the device is faked.

```python
from hardware.sim.terminal import make_terminal

t = make_terminal(tmp_path, custodians=["dana:Dana Whitfield:IT Director",
                                        "sam:Sam Okafor:COO", "lee:Lee Park:SRE"],
                  accounts=[{"account": "root-db", "authorised": ["dana", "sam"]}])
approval = t.dual_approval("envelope.registered", {...})
t.sign(approval, "dana"); t.sign(approval, "sam"); approval.commit()
# or in one go: t.dual("envelope.registered", {...}, by=("dana", "sam"))
t.key("dana").misbehave.reuse_counter = True   # make a key lie
```

Invariants / what is recorded:

* Each custodian's key is a separate ``SoftAuthenticator`` (state file
  ``<keys_dir>/<id>.json`` when ``keys_dir`` is given, else in memory) with
  PIN :data:`DEFAULT_PIN` unless told otherwise; a PIN is never logged.
* "Plugging in" is explicit: :meth:`SimulatedTerminal.plug` sets which keys
  the security keys adapter sees and whose PIN :class:`SimPrompts` answers.
* :class:`SimPrompts` records every prompt (``events``) like
  ``ScriptedPrompts``; scripted PINs (``queue``) are answered first, for
  wrong-PIN tests.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from hardware.fido.keys import KeySource
from hardware.fido.security_keys import FidoSecurityKeys
from hardware.sim.authenticator import SoftAuthenticator
from kiosk.format.clock import Clock, FakeClock
from kiosk.format.entry import Entry
from kiosk.journal.keyslots import FAST_TEST_PARAMS
from kiosk.journal.store import Journal
from kiosk.journal.witness import Witness
from kiosk.policy import Policy, load_policy
from kiosk.terminal.approvals import Approval, DualApproval, Signer
from kiosk.terminal.enrolment import KeyEnrolment, Person, commission_custodians
from kiosk.terminal.lifecycle import commission, unlock_with_key, unlock_with_passphrase

DEFAULT_PIN: Final = "4711-9876"  # the simulated keys' test PIN (not a secret)
TEST_PASSPHRASE: Final = "TEST-PASS-PHRASE-0001"  # noqa: S105 - test-only recovery phrase
DEFAULT_CUSTODIANS: Final = (
    "dana:Dana Whitfield:IT Director",
    "sam:Sam Okafor:Chief Operating Officer",
)


class SimPrompts:
    """Prompts answered for whoever's key is plugged in (``current_pin``).

    ``queue`` holds scripted answers used first (``None`` = cancel). Records
    ``events`` as ``(name, detail)``; the PIN itself is never recorded.
    """

    def __init__(self) -> None:
        self.current_pin: str | None = None
        self.queue: list[str | None] = []
        self.events: list[tuple[str, Any]] = []
        self._lock = threading.Lock()

    def _answer(self) -> str | None:
        with self._lock:
            if self.queue:
                return self.queue.pop(0)
            return self.current_pin

    def request_pin(self, attempts_left: int | None) -> str | None:
        self.events.append(("request_pin", attempts_left))
        return self._answer()

    def request_new_pin(self) -> str | None:
        self.events.append(("request_new_pin", None))
        return self._answer()

    def prompt_touch(self) -> None:
        self.events.append(("prompt_touch", None))

    def pin_blocked(self) -> None:
        self.events.append(("pin_blocked", None))

    def notify(self, code: str, params: Mapping[str, Any]) -> None:
        self.events.append(("notify", (code, dict(params))))

    def names(self) -> list[str]:
        return [n for n, _ in self.events]

    def notices(self) -> list[str]:
        return [d[0] for n, d in self.events if n == "notify"]


@dataclass
class SimCustodian:
    person: Person
    key: SoftAuthenticator
    pin: str = DEFAULT_PIN


@dataclass
class SimulatedTerminal:
    """A commissioned terminal and its simulated custodians (see the module docstring)."""

    data_dir: Path
    policy: Policy
    clock: Clock
    journal: Journal
    passphrase: str
    custodians: dict[str, SimCustodian]
    prompts: SimPrompts
    security_keys: FidoSecurityKeys
    keys_dir: Path | None = None
    spare_keys: list[SoftAuthenticator] = field(default_factory=list)
    #: the TPM setting and counter handed to every unlock (``None``: no TPM)
    witness: Witness | None = None

    # -- keys -------------------------------------------------------------------
    def key(self, custodian: str) -> SoftAuthenticator:
        return self.custodians[custodian].key

    def plug(self, *custodians: str, extra: Sequence[SoftAuthenticator] = ()) -> None:
        """Only these custodians' keys (and ``extra`` keys) are plugged in.

        The PIN answered is the first custodian's.
        """
        plugged: list[KeySource] = [self.key(c) for c in custodians]
        self.security_keys.simulated = plugged + list(extra)
        self.prompts.current_pin = self.custodians[custodians[0]].pin if custodians else None

    def new_key(self, name: str) -> SoftAuthenticator:
        """A blank simulated key (no PIN, no credential), e.g. for a new custodian."""
        path = self.keys_dir / f"{name}.json" if self.keys_dir else None
        key = _sim_key(path, name)
        self.spare_keys.append(key)
        return key

    # -- approvals ----------------------------------------------------------------
    def dual_approval(self, kind: str, data: dict[str, Any], **kw: Any) -> DualApproval:
        return DualApproval(self.journal, self.policy, self.security_keys, kind, data, **kw)

    def sign(
        self,
        approval: Approval,
        custodian: str,
        role: str | None = None,
        cancel: threading.Event | None = None,
    ) -> Signer:
        """``custodian`` plugs in their key alone and approves (touch + PIN)."""
        self.plug(custodian)
        return approval.sign(role, cancel)

    def dual(self, kind: str, data: dict[str, Any], by: Sequence[str] = ()) -> Entry:
        """A whole dual entry approved by ``by`` (default: the first two custodians)."""
        approvers = list(by) or list(self.custodians)[:2]
        approval = self.dual_approval(kind, data)
        try:
            for who in approvers:
                self.sign(approval, who)
            return approval.commit()
        except BaseException:
            if not approval.pending.closed:
                approval.abandon()
            raise

    def enrol(
        self,
        spec: str | Person,
        by: Sequence[str] = (),
        pin: str = DEFAULT_PIN,
        replaces: str | None = None,
    ) -> SimCustodian:
        """Enrol a further custodian (new simulated key) under dual control."""
        person = spec if isinstance(spec, Person) else Person.parse(spec)
        key = self.new_key(person.id)
        self.security_keys.simulated = [key]
        self.prompts.current_pin = pin
        flow = KeyEnrolment(
            self.journal, self.policy, self.security_keys, person, replaces=replaces
        )
        approval = flow.register_key()
        approvers = list(by) or [c for c in self.custodians if c != person.id][:2]
        try:
            for who in approvers:
                self.sign(approval, who)
            flow.commit()
        except BaseException:
            flow.abandon()
            raise
        custodian = SimCustodian(person, key, pin)
        self.custodians[person.id] = custodian
        return custodian

    def register_account(self, spec: Mapping[str, Any], by: Sequence[str] = ()) -> Entry:
        data = {
            "username": f"bg-{spec['account']}",
            "system": "Test system",
            "purpose": "Break-glass administrator",
            "storage_location": "Safe 1, shelf A",
            **spec,
        }
        return self.dual("account.registered", data, by)

    # -- lock / unlock -----------------------------------------------------------
    def close(self) -> None:
        self.journal.close()

    def unlock_with_key(self, custodian: str, cancel: threading.Event | None = None) -> Journal:
        self.plug(custodian)
        self.journal = unlock_with_key(
            self.data_dir,
            self.security_keys,
            self.clock,
            cancel,
            witness=self.witness,
            counter_margin=self.policy.counter_margin,
        )
        return self.journal

    def unlock_with_passphrase(self) -> Journal:
        self.journal = unlock_with_passphrase(
            self.data_dir, self.passphrase, self.clock, witness=self.witness
        )
        return self.journal


def _sim_key(path: Path | None, custodian: str) -> SoftAuthenticator:
    return SoftAuthenticator(
        path,
        touch_timeout=3.0,
        keepalive_interval=0.02,
        label=f"{custodian}'s key (simulated)",
    )


def make_terminal(
    tmp: Path,
    custodians: Sequence[str | Person] = DEFAULT_CUSTODIANS,
    accounts: Sequence[Mapping[str, Any]] = (),
    *,
    clock: Clock | None = None,
    policy: Policy | None = None,
    pin: str = DEFAULT_PIN,
    keys_dir: Path | None = None,
    witness: Witness | None = None,
) -> SimulatedTerminal:
    """Commission a terminal in ``tmp/data`` with simulated custodians and accounts.

    The first two custodians self-enrol at commissioning; the others are
    enrolled by the first two; ``accounts`` (``account`` and ``authorised``
    at least; other fields defaulted) are registered by the first two.
    ``witness`` (the TPM setting and counter) is used at commissioning and
    every unlock.
    """
    people = [c if isinstance(c, Person) else Person.parse(c) for c in custodians]
    policy = policy or load_policy()
    clock = clock or FakeClock()
    data_dir = tmp / "data"
    done = commission(
        data_dir, policy, clock, passphrase=TEST_PASSPHRASE, argon=FAST_TEST_PARAMS, witness=witness
    )
    prompts = SimPrompts()
    security_keys = FidoSecurityKeys(prompts, usb=False)
    sims = {
        p.id: SimCustodian(p, _sim_key(keys_dir / f"{p.id}.json" if keys_dir else None, p.id), pin)
        for p in people[:2]
    }
    terminal = SimulatedTerminal(
        data_dir, policy, clock, done.journal, TEST_PASSPHRASE, {}, prompts, security_keys, keys_dir
    )
    terminal.witness = witness
    try:
        first = []
        for p in people[:2]:
            first.append((p, _Plugged(terminal, sims[p.id])))
        commission_custodians(done.journal, policy, first)
        terminal.custodians.update(sims)
        for p in people[2:]:
            terminal.enrol(p, pin=pin)
        for spec in accounts:
            terminal.register_account(spec)
    except BaseException:
        done.journal.close()
        raise
    return terminal


class _Plugged:
    """The security keys as seen while one first custodian's key is plugged in."""

    def __init__(self, terminal: SimulatedTerminal, custodian: SimCustodian) -> None:
        self._t = terminal
        self._c = custodian

    def _plug(self) -> FidoSecurityKeys:
        self._t.security_keys.simulated = [self._c.key]
        self._t.prompts.current_pin = self._c.pin
        return self._t.security_keys

    def present(self, rp_id: str, candidates: Sequence[bytes]) -> list[bytes]:
        return self._plug().present(rp_id, candidates)

    def approve(
        self,
        digest: bytes,
        allow: Sequence[bytes],
        rp_id: str,
        uv_required: bool,
        cancel: threading.Event,
    ) -> dict[str, str]:
        return self._plug().approve(digest, allow, rp_id, uv_required, cancel)

    def approve_and_derive(
        self, digest: bytes, credential_id: bytes, rp_id: str, salt: bytes, cancel: threading.Event
    ) -> tuple[dict[str, str], bytes]:
        return self._plug().approve_and_derive(digest, credential_id, rp_id, salt, cancel)

    def enroll(
        self,
        rp_id: str,
        user_id: bytes,
        user_name: str,
        display_name: str,
        exclude: Sequence[bytes],
        cancel: threading.Event,
    ) -> dict[str, Any]:
        return self._plug().enroll(rp_id, user_id, user_name, display_name, exclude, cancel)

    def derive_secret(
        self, rp_id: str, salts: Mapping[bytes, bytes], cancel: threading.Event
    ) -> tuple[bytes, bytes]:
        return self._plug().derive_secret(rp_id, salts, cancel)

    def unlock(
        self,
        rp_id: str,
        salts: Mapping[bytes, bytes],
        challenge: bytes,
        cancel: threading.Event,
    ) -> tuple[dict[str, str], bytes]:
        return self._plug().unlock(rp_id, salts, challenge, cancel)


__all__ = [
    "DEFAULT_PIN",
    "TEST_PASSPHRASE",
    "SimCustodian",
    "SimPrompts",
    "SimulatedTerminal",
    "make_terminal",
]
