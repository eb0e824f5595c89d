"""The terminal's deadlines and the auditors' verifier judge every incident alike.

The dashboard (and its overdue alarms) comes from :mod:`kiosk.state.due`;
the auditors' report from :mod:`kiosk.rules.deadlines`, which reads only
the journal. If the two counted a window from different starts, or ended a
business day at different times, the terminal would alarm where the report
is clean or stay quiet where it reports a miss. Each named scenario runs
through the real flows; then, for every incident, both must give the same
due time and the same verdict.
"""

from __future__ import annotations

import pytest

from hardware.sim.scenarios import SCENARIOS, emergency, history, run
from hardware.sim.simulation import Simulation
from kiosk.rules.deadlines import Facts, incident_deadlines
from kiosk.state import due as deadlines

WINDOWS = ("approver_notice", "solo_signoff", "documentation", "review")
VERDICT = {"met": "met", "met_late": "missed", "overdue": "missed", "open": "open"}


def compare(sim: Simulation) -> dict[tuple[str, str], tuple[object, str]]:
    """Each incident window both sides judge: ``(incident, kind) -> (due, verdict)``."""
    now = sim.clock.now()
    facts = Facts()
    for e in sim.journal.entries():
        facts.observe(e.seq, e.ts, e.kind, e.data)
    audit = {
        (inc, st.rule.code): (st.due, st.state)
        for inc, rows in incident_deadlines(facts, now).items()
        for st in rows
        if st.rule.code in WINDOWS
    }
    terminal = {
        (d.subject, d.kind): (d.due, VERDICT[d.status(now)])
        for d in deadlines.compute(sim.journal.state, sim.ctx.policy)
        if d.kind in WINDOWS
    }
    assert terminal == audit
    return terminal


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_terminal_and_auditors_judge_each_scenario_alike(sim: Simulation, scenario: str) -> None:
    incident = run(sim, scenario)
    judged = {kind for inc, kind in compare(sim) if inc == incident}
    if scenario == "unreachable-approver":
        assert "approver_notice" in judged
    if scenario == "solo":
        assert "solo_signoff" in judged
    if scenario != "drill":
        assert {"documentation", "review"} <= judged


def test_they_agree_on_missed_and_still_running_deadlines(sim: Simulation) -> None:
    late = emergency(
        sim,
        scenario="unreachable-approver",
        unreachable=True,
        late_documentation=True,
        late_review=True,
    )
    judged = compare(sim)
    assert judged[(late, "documentation")][1] == "missed"
    assert judged[(late, "review")][1] == "missed"
    running = emergency(sim, review=False, verify=False)
    assert compare(sim)[(running, "review")][1] == "open"
    # Days later, with nothing more recorded, both call the review missed.
    sim.later(days=9)
    assert compare(sim)[(running, "review")][1] == "missed"


def test_a_year_of_history_is_judged_alike_and_its_misses_alerted(sim: Simulation) -> None:
    """``sealroom simulate --years``: drills, emergencies, late paperwork, all through the flows.

    Every window of every incident gets the same due time and verdict on
    both sides; the history holds misses (late documentation and reviews),
    and each deadline the terminal saw pass was alerted once, on paper.
    """
    history(sim, 1)
    assert sim.journal.verify_or_raise().problem is None
    judged = compare(sim)
    verdicts = {verdict for _due, verdict in judged.values()}
    assert {"met", "missed"} <= verdicts
    missed = {
        f"{kind}:{inc}"
        for (inc, kind), (_due, verdict) in judged.items()
        if verdict == "missed" and kind in WINDOWS
    }
    assert missed <= sim.journal.state.alerted_deadlines
    slips = [j for j in sim.printer.jobs if j.title.startswith("Terminal alert")]
    assert len(slips) >= len(missed)
