"""``sealroom simulate --scenario stale``: issue 18's failure paths, each left for the verifier.

What the terminal lets happen is journaled and left unresolved, so that
``sealroom verify`` reports each finding of
:mod:`kiosk.rules.credential_findings`:

* ``dc-local``: a new credential sealed without a reset supersedes both old
  copies, which are never destroyed (``credential.superseded_not_destroyed``);
* ``entra-01``: a tampered envelope, the alternative copy used, and the
  reset never done (``credential.tampered_not_rotated``);
* ``entra-02``: the reset's verification fails, and the second reset is
  never done (``credential.verification_failed``).

What the terminal refuses cannot be journaled by it, so the scenario
provokes each refusal and notes it (``sim.notes``): a superseded copy at
check-out (``envelope.superseded``; the finding
``credential.superseded_opened`` exists for other terminals' journals), and
a reset approved only by the incident's own people
(``credential.separation``; finding ``credential.rotation_by_incident_people``).
Both findings are tested on hand-built journals
(``tests/kiosk/verify/test_credential_findings.py``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hardware.sim.scenarios import emergency
from kiosk.procedures import ResetFlow, RetrievalFlow

if TYPE_CHECKING:
    from hardware.sim.simulation import Simulation


def stale(sim: Simulation) -> str:
    """Run the stale paths; returns the tampered incident's id."""
    state = sim.journal.state
    # 1 a sealing without a reset: the old copies are superseded and left in the safe
    old = sorted(e.serial for e in state.envelopes_for("dc-local", "sealed"))
    sim.later(hours=2)
    sim.seal_new("dc-local")
    # 2 tampering, the alternative used, and no reset
    sim.later(days=1)
    tampered = emergency(sim, "entra-01", scenario="stale", tamper=True, resets=0)
    # 3 the reset's verification fails, and the reset is not done again
    sim.later(days=1)
    emergency(sim, "entra-02", scenario="stale", verification_fails=True, resets=1)
    # the refusals: a superseded copy at check-out, and a reset by the incident's people
    retrieval = RetrievalFlow(sim.ctx, tampered, account="entra-01")
    refused = retrieval.submit({"serial": sim.scan(old[0])})
    sim.notes.append(
        f"Refused: checking out superseded envelope {old[0]} "
        f"({refused.codes.get('serial', 'accepted!')})"
    )
    inc = state.incidents.by_id[tampered]
    reset = ResetFlow(sim.ctx, "entra-01", list(inc.people), incident=tampered)
    while reset.current == "bag":
        reset.submit({"serial": sim.scan(sim.blank(exclude=reset.serials))})
    outcome = reset.submit({"confirm": True})
    sim.notes.append(
        "Refused: a reset approved only by the incident's people "
        f"({', '.join(sorted(set(outcome.codes.values()))) or 'accepted!'})"
    )
    return tampered
