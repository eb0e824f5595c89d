"""``sealroom simulate``: whole invocations and the named scenarios, on a simulated terminal.

An invocation (:func:`emergency`) is declared, then the people answer
whichever flow the core's navigation
(:func:`kiosk.procedures.navigation.next_flow`) names next, the same order the
terminal's screens offer; what they answer is :mod:`hardware.sim.people`, the
terminal and its devices :mod:`hardware.sim.simulation`.

Named scenarios (:data:`SCENARIOS`): ``emergency`` (a clean emergency
through rotation, review and verification), ``tampered`` (a tampered
envelope quarantined and the alternative used), ``unreachable-approver``
(15 minutes of attempts, the emergency exception and the approver notified),
``solo`` (solo access with its executive sign-off) and ``drill`` (a
quarterly test). :func:`history` builds ``N`` years of all of them: a drill
per account per quarter, a few emergencies a year of every kind, stock
deliveries, and occasional late documentation and reviews (alerted).

The hook for other tools (exports, benchmarks, the demo) is :func:`simulate`;
it returns the :class:`~hardware.sim.simulation.Simulation` with its open
journal.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Final

from hardware.sim.people import People, answer
from hardware.sim.simulation import Simulation, save, setup
from kiosk.errors import SealroomError
from kiosk.procedures import InvocationFlow, ResetFlow, ReviewFlow, VerificationFlow
from kiosk.procedures.navigation import next_flow

SCENARIOS: Final = (
    "emergency",
    "tampered",
    "unreachable-approver",
    "solo",
    "drill",
    "stale",
    "careless",
)


def emergency(
    sim: Simulation,
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
    resets: int | None = None,
    verification_fails: bool = False,
) -> str:
    """One whole invocation of the procedure; returns the incident id.

    The people declare it, then answer whichever flow the core's
    navigation (:func:`kiosk.procedures.navigation.next_flow`) names
    next, until it names none: the procedure's order is not written here,
    so the simulation follows the core if the order changes. They stop
    before the review with ``review=False``, before the verification with
    ``verify=False``; the other flags choose how they answer (:class:`People`).
    """
    state = sim.journal.state
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
        verification_fails=verification_fails,
    )
    declaration = InvocationFlow(sim.ctx, test=test)
    answer(sim, declaration, people)
    incident = declaration.incident
    while (nxt := next_flow(state, state.incidents.by_id[incident])) is not None:
        flow = nxt.start(sim.ctx)
        if (isinstance(flow, ReviewFlow) and not review) or (
            isinstance(flow, VerificationFlow) and not verify
        ):
            break
        if isinstance(flow, ResetFlow) and resets is not None:
            if resets <= 0:  # ``resets``: how many resets the people do (issue 18's stale)
                break
            resets -= 1
        before = sim.journal.head.seq
        answer(sim, flow, people)
        if sim.journal.head.seq == before:  # the same flow would be named forever
            raise RuntimeError(f"{nxt.label}: answered, but nothing was recorded")
    sim.incidents.append((scenario, incident))
    return incident


def drill(sim: Simulation, account: str = "entra-01") -> str:
    """A quarterly test of ``account``: the whole procedure, recorded as a test."""
    return emergency(sim, account, scenario="drill", test=True)


def run(sim: Simulation, scenario: str) -> str:
    """Run the named scenario (one of :data:`SCENARIOS`); returns its incident id."""
    if scenario == "emergency":
        return emergency(sim)
    if scenario == "tampered":
        return emergency(sim, scenario="tampered", tamper=True)
    if scenario == "unreachable-approver":
        return emergency(sim, scenario="unreachable-approver", unreachable=True)
    if scenario == "solo":
        return emergency(sim, "dc-local", scenario="solo", solo=True)
    if scenario == "drill":
        return drill(sim)
    if scenario == "stale":
        from hardware.sim.stale import stale

        return stale(sim)
    if scenario == "careless":
        from hardware.sim.careless import careless

        return careless(sim)
    raise SealroomError("simulate.unknown_scenario", scenario=scenario, known=", ".join(SCENARIOS))


def history(sim: Simulation, n: int) -> None:
    """``n`` years of history: drills every quarter, emergencies, late deadlines."""
    start = sim.clock.now()
    end = start + dt.timedelta(days=round(365.25 * n))
    accounts = sorted(sim.journal.state.accounts)
    quarter = 0
    while True:
        q_start = start + dt.timedelta(days=91 * quarter)
        if q_start >= end:
            break
        events: list[tuple[dt.datetime, str, str]] = []
        for i, account in enumerate(accounts):
            events.append((q_start + dt.timedelta(days=7 + 14 * i, hours=1), "drill", account))
        for _ in range(sim.rng.choice((0, 1, 1, 2))):
            kind = sim.rng.choice(
                ("emergency", "emergency", "tampered", "unreachable-approver", "solo", "messy")
            )
            day = sim.rng.randint(1, 85)
            events.append(
                (
                    q_start + dt.timedelta(days=day, hours=sim.rng.randint(0, 8)),
                    kind,
                    sim.rng.choice(accounts),
                )
            )
        for when_, kind, account in sorted(events):
            if when_ >= end:
                continue
            if when_ > sim.clock.now():
                sim.clock.set(when_)
            _one(sim, kind, account)
            sim.ctx.check_deadlines()
        quarter += 1
    sim.clock.set(max(end, sim.clock.now()))
    sim.ctx.check_deadlines()


def _one(sim: Simulation, kind: str, account: str) -> None:
    solo_ok = account == "dc-local"
    if kind == "drill":
        emergency(sim, account, scenario="drill", test=True)
    elif kind == "tampered":
        if len(sim.journal.state.envelopes_for(account, "sealed")) < 2:
            sim.seal_new(account)
        emergency(sim, account, scenario="tampered", tamper=True)
    elif kind == "unreachable-approver":
        emergency(sim, account, scenario="unreachable-approver", unreachable=True)
    elif kind == "solo":
        emergency(sim, "dc-local" if not solo_ok else account, scenario="solo", solo=True)
    elif kind == "messy":
        r = sim.rng.random
        emergency(
            sim,
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
        emergency(sim, account)
    # A tampered envelope was quarantined: the account gets a second one again.
    for a in sim.journal.state.accounts:
        if not sim.journal.state.envelopes_for(a, "sealed"):
            sim.seal_new(a)


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
            run(sim, scenario)
        else:
            history(sim, int(years or 0))
        sim.ctx.check_deadlines()
        save(sim)
    except BaseException:
        sim.terminal.close()
        raise
    return sim
