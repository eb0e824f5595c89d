"""The state's rule tables: one rule for every kind the journal knows, checked at import."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

import kiosk.state
from kiosk.errors import TransitionError
from kiosk.errors.messages import MESSAGES
from kiosk.format.entry import GENESIS_PREV, Entry
from kiosk.format.kinds import KINDS
from kiosk.state import State
from kiosk.state.envelopes import REFUSED
from kiosk.state.incidents import STEPS
from kiosk.state.kinds import RuleTableError, require_every_kind
from kiosk.state.rules import RULES


def test_every_kind_has_a_state_rule_and_an_incident_step() -> None:
    assert set(RULES) == set(KINDS)
    assert set(STEPS) == set(KINDS) - {"invocation.declared"}


def test_a_table_missing_a_kind_is_refused_naming_it() -> None:
    without = {kind: rule for kind, rule in RULES.items() if kind != "envelope.opened"}
    with pytest.raises(RuleTableError, match=r"no rule for envelope\.opened;"):
        require_every_kind(without, "the state's rules")


def test_a_rule_for_a_misspelt_kind_is_refused_naming_it() -> None:
    typo = dict(STEPS, **{"sesion.started": STEPS["session.started"]})
    with pytest.raises(RuleTableError, match=r"does not know: sesion\.started"):
        require_every_kind(typo, "incident steps", set(KINDS) - {"invocation.declared"})


def test_a_kind_added_to_the_journal_without_rules_stops_the_import() -> None:
    """The check runs when kiosk.state is imported, not when the kind is first written."""
    program = (
        "import kiosk.format.kinds as kinds\n"
        "kinds.KINDS['envelope.teleported'] = kinds.KINDS['envelope.opened']\n"
        "import kiosk.state\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=False, timeout=60
    )
    assert run.returncode != 0
    assert "RuleTableError" in run.stderr and "envelope.teleported" in run.stderr


def test_an_entry_of_an_unknown_kind_is_refused_not_skipped() -> None:
    state = State()
    genesis = {
        "kiosk_id": "k",
        "kiosk_key": "ssh-ed25519 X",
        "policy_hash": "0" * 64,
        "uv_required": True,
    }
    first = Entry(1, "2026-01-01T00:00:00.000Z", "journal.genesis", genesis, GENESIS_PREV).sealed()
    state.check(first)
    state.apply(first)
    odd = Entry(2, "2026-01-01T00:00:01.000Z", "envelope.teleported", {}, first.hash)
    with pytest.raises(
        TransitionError, match=r"does not know how to record 'envelope\.teleported'"
    ):
        state.check(odd)


def test_every_refusal_of_the_state_has_its_words_in_the_message_table() -> None:
    """A code without words would show a person the internal-error message instead."""
    source = "".join(p.read_text() for p in Path(kiosk.state.__file__).parent.glob("*.py"))
    raised = set(re.findall(r'TransitionError\(\s*"([a-z_.]+)"', source))
    raised |= set(re.findall(r'"(transition\.[a-z_]+)"', source)) | set(REFUSED.values())
    assert len(raised) > 40
    assert sorted(raised - set(MESSAGES)) == []
