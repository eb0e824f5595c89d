"""Where the screens get security keys from: USB, or the demo's simulated keys.

The real terminal finds keys on USB (python-fido2). The demo has no keys, so
it keeps simulated ones (``hardware.sim.authenticator.SoftAuthenticator``)
with their state in the demo directory, and shows a small panel where each
key can be plugged in or out and "touched" with a button — the simulation
stops at the device: everything above it is the real path.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from hardware.fido.prompts import Prompts
from hardware.fido.security_keys import FidoSecurityKeys
from hardware.sim.authenticator import SoftAuthenticator
from hardware.sim.touch import TouchButton


@dataclass
class SimKey:
    """One simulated key on the demo desk."""

    owner: str
    label: str
    key: SoftAuthenticator
    button: TouchButton
    plugged: bool = False


@dataclass
class KeyDesk:
    """The keys the terminal can see: USB ones, plus simulated ones in the demo."""

    usb: bool = True
    simulated: list[SimKey] = field(default_factory=list)
    allowed: Callable[[int, int], bool] | None = None
    #: demo only: plug in the named custodian's key when their touch is asked for
    auto_plug: bool = False
    #: demo only: where simulated keys keep their flash (new blank keys go here too)
    keys_dir: Path | None = None

    @staticmethod
    def from_state_files(keys_dir: Path, owners: dict[str, str]) -> KeyDesk:
        """Simulated keys from ``<keys_dir>/<id>.json``, touched by on-screen buttons."""
        desk = KeyDesk(usb=False, keys_dir=keys_dir)
        for cid, name in owners.items():
            path = keys_dir / f"{cid}.json"
            if not path.exists():
                continue
            button = TouchButton()
            key = SoftAuthenticator(
                path, touch=button, touch_timeout=60.0, label=f"{name}'s key (simulated)"
            )
            desk.simulated.append(SimKey(cid, name, key, button))
        return desk

    def new_blank_key(self, owner: str, name: str) -> SimKey:
        """Demo only: a blank simulated key (no PIN, no credential) for a person being enrolled.

        It appears on the demo panel like the others (``DemoPanel.sync``);
        its flash file is ``<keys_dir>/<owner>.json`` (in memory without a
        ``keys_dir``). An existing simulated key of ``owner`` is reused.
        """
        for k in self.simulated:
            if k.owner == owner:
                return k
        path = self.keys_dir / f"{owner}.json" if self.keys_dir is not None else None
        button = TouchButton()
        key = SoftAuthenticator(
            path, touch=button, touch_timeout=60.0, label=f"{name}'s new key (simulated)"
        )
        sim = SimKey(owner, name, key, button)
        self.simulated.append(sim)
        return sim

    def plugged(self) -> list[SoftAuthenticator]:
        return [k.key for k in self.simulated if k.plugged]

    def plug_only(self, owner: str | None) -> None:
        for k in self.simulated:
            k.plugged = k.owner == owner

    def security_keys(self, prompts: Prompts) -> FidoSecurityKeys:
        """The security keys plugged in right now, as the core sees them."""
        return FidoSecurityKeys(
            prompts, simulated=self.plugged(), usb=self.usb, allowed=self.allowed
        )
