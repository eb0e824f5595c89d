"""Flow 1: invocation declaration (procedure phase 1).

Steps: ``details`` → ``approver`` (repeat: one documented contact attempt
each) → ``declare`` → ``acknowledge``.

Rules it enforces (each with a test):

* every field of the BREAK-GLASS INVOCATION RECORD: date/time with zone
  (the terminal's clock and the policy's zone), declaring party and role,
  second authorised person and role, witness (required when the policy says
  so), system and its purpose, a reason of two to three sentences, the
  evidence reference, and the approver's name, role, time, method and
  conditions — or the documented attempts of the emergency exception;
* both custodians must be authorised for the account, and be two people;
  without a second person the declaration is solo access, which opens the
  ``solo-access`` exception (executive sign-off due within 1 hour);
* unclear account mapping: with no account named, the system is matched
  against the inventory; no match or several is refused with the
  candidates, and an account whose system does not match the words given
  needs the name of the system owner who was consulted;
* the approver must be one of the policy's designated approvers; each
  contact attempt is recorded (``approver.contacted``, channel and time);
  the emergency exception (``exception.opened``, approver-unreachable)
  opens only after attempts by phone, messaging and email spanning at least
  the policy's 15 minutes — and starts the 1-hour notify-approver deadline;
* (issue 19) the approver is independent — not the declarer, the second
  person or the witness — with the policy's contact details recorded; a
  voice approval (phone, video, in person) needs the written follow-up's
  reference; an approval after another approver's refusal is marked
  ``after_refusal`` for the review; the 15 minutes of attempts are measured
  between the times the attempts were *recorded*, never typed-in ones, and a
  typed time may not precede the flow and is marked when entered late
  (:mod:`kiosk.procedures.times`); solo access records why the second person
  is unavailable and why access cannot wait;
* both parties acknowledge (``invocation.acknowledged``, signed with their
  keys) before anything else: the retrieval flow refuses an unacknowledged
  incident;
* the declaration is recorded once: a print of the record that fails (and
  is stopped) leaves the flow at ``declare``, and submitting it again only
  prints the same record; a declaration recorded but not acknowledged (the
  terminal locked in between) is acknowledged with :meth:`InvocationFlow.resume`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from kiosk.format.canonical import H, canon
from kiosk.format.clock import parse_ts
from kiosk.format.values import CHANNELS
from kiosk.paper.documents import ApproverAttempt, InvocationRecord
from kiosk.paper.documents import Person as DocPerson
from kiosk.procedures.accounts_lookup import match_accounts, new_incident_id
from kiosk.procedures.context import Context
from kiosk.procedures.fields import (
    Field,
    FieldProblem,
    ProcedureError,
    When,
    boolean,
    choice,
    person,
    sentences,
    text,
    when,
)
from kiosk.procedures.framework import Flow, Step, dual_for, incident_of, ts
from kiosk.procedures.times import entered, mark_late
from kiosk.state.incidents import EXCEPTION_APPROVER_UNREACHABLE, EXCEPTION_SOLO_ACCESS

REQUIRED_CHANNELS = ("phone", "messaging", "email")
#: the approver, channel and time are asked of a contact (an attempt or the approval),
#: not of "unreachable", which only opens the exception (issue 22: shown when they apply)
CONTACTED = When("outcome", ("attempt", "approved"))


#: Channels on which an approval is given by voice: a written follow-up is required.
VOICE_CHANNELS = ("phone", "in-person", "video")


def _fold(name: str) -> str:
    """A name as people write it: case and spacing aside."""
    return " ".join(name.split()).casefold()


def _attempt_record(a: dict[str, Any]) -> dict[str, Any]:
    """One attempt as the invocation record shows it: typed time, recorded time, lateness."""
    out: dict[str, Any] = {
        "at": ts(a["at"]),
        "recorded": ts(a["recorded"]),
        "channel": a["channel"],
        "outcome": a["outcome"],
    }
    if a.get("late") is not None:
        out["entered_late_minutes"] = a["late"]
    return out


class InvocationFlow(Flow):
    name = "invocation"
    title = "Invocation declaration"

    def __init__(self, ctx: Context, *, test: bool = False) -> None:
        super().__init__(ctx, "details")
        self.test = test
        self.incident = new_incident_id(ctx.journal.state, ctx.now(), test)
        #: when the flow began: no typed time may precede it (kiosk.procedures.times)
        self.started = ctx.now()
        self.attempts: list[dict[str, Any]] = []
        self.approval: dict[str, Any] | None = None
        self.exception_opened = False
        #: the recorded declaration (record, seq, hash) once ``declare`` has written it
        self.declared: tuple[dict[str, Any], int, str] | None = None
        pol = ctx.policy
        approvers = tuple(a.name for a in pol.approvers)
        self.add(
            Step(
                "details",
                "Who, what and why",
                (
                    Field("declared_by", "Declaring custodian", self._custodian, kind="custodian"),
                    Field(
                        "declared_by_role",
                        "Declaring custodian's role",
                        text(120),
                        source="roles",
                        free=True,
                    ),
                    Field(
                        "second_person",
                        "Second authorised person",
                        self._custodian,
                        False,
                        kind="custodian",
                    ),
                    Field(
                        "second_person_role",
                        "Second person's role",
                        text(120),
                        source="roles",
                        free=True,
                        applies=When("second_person"),
                    ),
                    Field(
                        "solo_urgent",
                        "Second person unavailable and truly urgent (solo access)",
                        boolean(),
                        False,
                        applies=When("second_person", given=False),
                    ),
                    Field(
                        "solo_unavailable_reason",
                        "Solo access: why the second person is unavailable",
                        text(500),
                        missing="procedure.solo_reasons",
                        applies=When("solo_urgent", (True,)),
                    ),
                    Field(
                        "solo_urgency_reason",
                        "Solo access: why access cannot wait",
                        text(500),
                        missing="procedure.solo_reasons",
                        applies=When("solo_urgent", (True,)),
                    ),
                    Field("witness", "Witness (name and role)", person, pol.witness_required),
                    Field(
                        "system",
                        "System requiring access",
                        text(120),
                        source="systems",
                        free=True,
                    ),
                    Field("system_purpose", "Purpose of the system", text(300)),
                    Field("account", "Break-glass account", text(64), False, source="accounts"),
                    Field(
                        "mapping_confirmed_by",
                        "System owner consulted",
                        text(120),
                        False,
                        applies=When("account"),
                    ),
                    Field("reason", "Reason for invocation (2-3 sentences)", sentences(2, 3)),
                    Field("evidence", "Normal access failure evidence (reference)", text(500)),
                ),
                self._details,
                ("approver",),
            )
        )
        self.add(
            Step(
                "approver",
                "Emergency approver",
                (
                    Field(
                        "outcome",
                        "Outcome",
                        choice("attempt", "approved", "unreachable"),
                        help="'attempt' records one unanswered try; 'unreachable' opens the "
                        "emergency exception after 15 minutes of documented attempts.",
                    ),
                    Field(
                        "approver",
                        "Approver",
                        choice(*approvers),
                        choices=approvers,
                        applies=CONTACTED,
                    ),
                    Field(
                        "channel",
                        "Channel",
                        choice(*CHANNELS),
                        choices=CHANNELS,
                        applies=CONTACTED,
                    ),
                    Field("at", "Time", when, False, applies=CONTACTED),
                    Field(
                        "attempt_outcome",
                        "What happened",
                        choice("no-answer", "declined", "left-message"),
                        applies=When("outcome", ("attempt",)),
                    ),
                    Field(
                        "conditions",
                        "Conditions imposed",
                        text(500),
                        False,
                        applies=When("outcome", ("approved",)),
                    ),
                    Field(
                        "followup_ref",
                        "Written follow-up message (reference; required for a voice approval)",
                        text(300),
                        False,
                        applies=When("outcome", ("approved",)),
                    ),
                    Field("note", "Note", text(500), False),
                ),
                self._approver,
                ("approver", "declare"),
                ("approver.contacted", "exception.opened"),
            )
        )
        self.add(
            Step(
                "declare",
                "Invocation record",
                (Field("confirm", "The record is complete and correct", boolean(True)),),
                self._declare,
                ("acknowledge",),
                ("invocation.declared",),
            )
        )
        self.add(
            Step(
                "acknowledge",
                "Both parties acknowledge",
                (
                    Field("declared_by_ack", "Declaring custodian acknowledges", boolean(True)),
                    Field("second_person_ack", "Second person acknowledges", boolean(True), False),
                    Field("witness_present", "Witness present", boolean(), False),
                ),
                self._acknowledge,
                (),
                ("invocation.acknowledged",),
            )
        )

    @classmethod
    def resume(cls, ctx: Context, incident: str) -> InvocationFlow:
        """The acknowledgement of an incident declared (recorded) but not yet acknowledged.

        Used when the declaring flow is gone (the terminal locked in between):
        the declaration is in the journal, so only ``acknowledge`` is left.
        """
        inc = incident_of(ctx, incident)
        if inc.acknowledged_at is not None:
            raise ProcedureError("procedure.flow_done", flow=cls.title)
        flow = cls(ctx, test=inc.test)
        flow.incident = inc.id
        flow.history = ["details", "approver", "declare"]
        flow.current = "acknowledge"
        return flow

    # -- parsers ------------------------------------------------------------------------
    def _custodian(self, v: Any) -> str:
        cid = text(64)(v)
        c = self.ctx.journal.state.custodians.get(cid)
        if c is None or c.revoked:
            raise ProcedureError("procedure.not_custodian", custodian=cid)
        return cid

    # -- steps --------------------------------------------------------------------------
    def _details(self, v: dict[str, Any]) -> str:
        state = self.ctx.journal.state
        second = v.get("second_person")
        if second is None and not v.get("solo_urgent"):
            raise FieldProblem("second_person", "procedure.second_person_missing")
        if second is None:
            for name in ("solo_unavailable_reason", "solo_urgency_reason"):
                if name not in v:
                    raise FieldProblem(name, "procedure.solo_reasons")
        if second is not None and "second_person_role" not in v:
            raise FieldProblem("second_person_role", "procedure.field_missing", field="role")
        if second is not None and second == v["declared_by"]:
            raise FieldProblem("second_person", "procedure.same_person")
        mapping = "named"
        account_id = v.get("account")
        if account_id is None:
            found = match_accounts(state, v["system"])
            if len(found) != 1:
                raise FieldProblem(
                    "account",
                    "procedure.account_unclear",
                    system=v["system"],
                    candidates=", ".join(f"{a.id} ({a.system})" for a in found) or "none",
                )
            account_id, mapping = found[0].id, "inventory"
        account = state.accounts.get(account_id)
        if account is None:
            raise FieldProblem("account", "procedure.no_account", account=account_id)
        if account not in match_accounts(state, v["system"]):
            if "mapping_confirmed_by" not in v:
                raise FieldProblem(
                    "mapping_confirmed_by",
                    "procedure.mapping_unconfirmed",
                    account=account.id,
                    system=account.system,
                )
            mapping = "system-owner"
        for who in [v["declared_by"], second]:
            if who is not None and who not in account.authorised:
                raise FieldProblem(
                    "declared_by" if who == v["declared_by"] else "second_person",
                    "procedure.not_authorised",
                    name=state.custodians[who].name,
                    account=account.id,
                )
        self.info["details"] = dict(v)
        self.info["account"] = account.id
        self.info["mapping"] = mapping
        self.info["solo"] = second is None
        return "approver"

    def _parties(self) -> dict[str, str]:
        """The incident's people by casefolded name: capacity (the approver must be none)."""
        d = self.info.get("details", {})
        state = self.ctx.journal.state
        out: dict[str, str] = {}
        for key, capacity in (("declared_by", "declarer"), ("second_person", "second person")):
            c = state.custodians.get(str(d.get(key)))
            if c is not None:
                out[_fold(c.name)] = capacity
        witness = d.get("witness")
        if isinstance(witness, dict):
            out[_fold(str(witness.get("name", "")))] = "witness"
        return out

    def _approver(self, v: dict[str, Any]) -> str:
        outcome = v["outcome"]
        if outcome == "unreachable":
            return self._unreachable()
        for name in ("approver", "channel"):
            if name not in v:
                raise FieldProblem(name, "procedure.field_missing", field=name)
        at, late = entered(self.ctx, v, self.started)
        designated = next(a for a in self.ctx.policy.approvers if a.name == v["approver"])
        approved = outcome == "approved"
        if not approved and "attempt_outcome" not in v:
            raise FieldProblem("attempt_outcome", "procedure.field_missing", field="what happened")
        after_refusal = False
        if approved:
            capacity = self._parties().get(_fold(designated.name))
            if capacity is not None:
                raise FieldProblem(
                    "approver",
                    "procedure.approver_is_party",
                    name=designated.name,
                    capacity=capacity,
                )
            if v["channel"] in VOICE_CHANNELS and "followup_ref" not in v:
                raise FieldProblem(
                    "followup_ref", "procedure.followup_required", channel=v["channel"]
                )
            after_refusal = any(
                a["outcome"] == "declined" and a["approver"] != designated.name
                for a in self.attempts
            )
        data: dict[str, Any] = {
            "incident": self.incident,
            "approver": designated.name,
            "role": designated.role,
            "contact": designated.contact,
            "channel": v["channel"],
            "at": ts(at),
            "outcome": "approved" if approved else v["attempt_outcome"],
        }
        if "note" in v:
            data["note"] = v["note"]
        if approved and "followup_ref" in v:
            data["followup_ref"] = v["followup_ref"]
        if after_refusal:
            data["after_refusal"] = True
        if self.test:
            data["test"] = True
        entry = self.ctx.append("approver.contacted", mark_late(data, late))
        self.attempts.append(
            {
                "at": at,
                "recorded": parse_ts(entry.ts),
                "channel": v["channel"],
                "outcome": data["outcome"],
                "approver": designated.name,
                "late": late,
            }
        )
        if approved:
            self.approval = {
                "name": designated.name,
                "role": designated.role,
                "contact": designated.contact,
                "approved_at": ts(at),
                "method": v["channel"],
                "conditions": v.get("conditions", "none"),
            }
            if "followup_ref" in v:
                self.approval["followup_ref"] = v["followup_ref"]
            if after_refusal:
                self.approval["after_refusal"] = True
            return "declare"
        return "approver"

    def _unreachable(self) -> str:
        """Open the emergency exception: no designated approver could be reached.

        Only unanswered attempts count ("no-answer", "left-message"): an
        approver who answered and declined was reachable, and a refusal is
        not an emergency exception. Every designated approver must have been
        tried ("where no approver is reachable"), by phone, messaging and
        email between them, over the policy's period.
        """
        declined = [a for a in self.attempts if a["outcome"] == "declined"]
        if declined:
            raise FieldProblem(
                "outcome",
                "procedure.approver_declined",
                approver=declined[0]["approver"],
                at=ts(declined[0]["at"]),
            )
        tried = [a for a in self.attempts if a["outcome"] in ("no-answer", "left-message")]
        channels = {a["channel"] for a in tried}
        missing = [c for c in REQUIRED_CHANNELS if c not in channels]
        if missing:
            raise FieldProblem("outcome", "procedure.attempts_channels", missing=", ".join(missing))
        reached_for = {t["approver"] for t in tried}
        untried = [a.name for a in self.ctx.policy.approvers if a.name not in reached_for]
        if untried:
            raise FieldProblem(
                "outcome", "procedure.attempts_approvers", missing=", ".join(untried)
            )
        # Measured between the times the attempts were *recorded* (the journal's
        # own timestamps), never from typed-in times: "20 minutes ago" buys nothing.
        first = min(a["recorded"] for a in tried)
        needed = dt.timedelta(minutes=self.ctx.policy.approver_attempts_minutes)
        waited = self.ctx.now() - first
        if waited < needed:
            raise FieldProblem(
                "outcome",
                "procedure.attempts_too_short",
                minutes=self.ctx.policy.approver_attempts_minutes,
                left=int((needed - waited).total_seconds() // 60) + 1,
            )
        data: dict[str, Any] = {
            "incident": self.incident,
            "exception": EXCEPTION_APPROVER_UNREACHABLE,
            "reason": f"No emergency approver reachable after {len(tried)} documented attempts "
            f"over {int(waited.total_seconds() // 60)} minutes (phone, messaging, email).",
        }
        if self.test:
            data["test"] = True
        self.ctx.append("exception.opened", data)
        self.exception_opened = True
        return "declare"

    def record_preview(self) -> dict[str, Any]:
        """The record the ``declare`` step will write, to show before it is confirmed."""
        return self._record()

    def _record(self) -> dict[str, Any]:
        d = self.info["details"]
        state = self.ctx.journal.state
        declarer = state.custodians[d["declared_by"]]
        record: dict[str, Any] = {
            "declared_at": ts(self.ctx.now()),
            "timezone": self.ctx.policy.timezone,
            "declared_by": {
                "custodian": declarer.id,
                "name": declarer.name,
                "role": d["declared_by_role"],
            },
            "second_person": None,
            "witness": d.get("witness"),
            "system": d["system"],
            "system_purpose": d["system_purpose"],
            "account": self.info["account"],
            "account_mapping": {"method": self.info["mapping"]},
            "reason": d["reason"],
            "evidence": d["evidence"],
            "approver": self.approval,
            "approver_attempts": [_attempt_record(a) for a in self.attempts],
            "emergency_exception": self.exception_opened,
        }
        if "mapping_confirmed_by" in d:
            record["account_mapping"]["consulted"] = d["mapping_confirmed_by"]
        if self.info["solo"]:
            record["solo_access"] = {
                "second_person_unavailable": d["solo_unavailable_reason"],
                "cannot_wait": d["solo_urgency_reason"],
            }
        if d.get("second_person"):
            second = state.custodians[d["second_person"]]
            record["second_person"] = {
                "custodian": second.id,
                "name": second.name,
                "role": d["second_person_role"],
            }
        return record

    def _declare(self, v: dict[str, Any]) -> str:
        if self.declared is not None:
            # Recorded, but its printing failed and was stopped: submitting the step
            # again prints the same record; the declaration is never recorded twice.
            self._print(*self.declared)
            return "acknowledge"
        if self.approval is None and not self.exception_opened:
            raise ProcedureError("procedure.no_approval")
        record = self._record()
        data: dict[str, Any] = {
            "incident": self.incident,
            "record": record,
            "account": self.info["account"],
        }
        if self.info["solo"]:
            data["exception"] = EXCEPTION_SOLO_ACCESS
        if self.test:
            data["test"] = True
        entry = self.ctx.append("invocation.declared", data)
        self.info["record_hash"] = H(canon(record))
        self.declared = (record, entry.seq, entry.hash)
        self._print(record, entry.seq, entry.hash)
        return "acknowledge"

    def _print(self, record: dict[str, Any], seq: int, entry_hash: str) -> None:
        def who(p: dict[str, Any] | None) -> DocPerson | None:
            return DocPerson(p["name"], p["role"]) if p else None

        approver = record["approver"]
        second = who(record["second_person"]) or DocPerson("none (solo access)", "")
        doc = InvocationRecord(
            meta=self.ctx.meta(),
            invocation_ref=self.incident,
            declared_at=self.ctx.now(),
            declared_by=DocPerson(record["declared_by"]["name"], record["declared_by"]["role"]),
            second_person=second,
            witness=who(record["witness"]),
            system=record["system"],
            system_purpose=record["system_purpose"],
            reason=record["reason"],
            evidence=record["evidence"],
            approver=DocPerson(approver["name"], approver["role"]) if approver else None,
            approved_at=when(approver["approved_at"]) if approver else None,
            approval_method=approver["method"] if approver else "emergency exception",
            conditions=approver["conditions"] if approver else "",
            entry_seq=seq,
            entry_hash=entry_hash,
            approver_attempts=tuple(
                ApproverAttempt(a["at"], a["channel"], a["outcome"]) for a in self.attempts
            ),
            emergency_exception=self.exception_opened,
        )
        self.ctx.print(doc)

    def _acknowledge(self, v: dict[str, Any]) -> None:
        inc = incident_of(self.ctx, self.incident)
        if not inc.solo and not v.get("second_person_ack"):
            raise FieldProblem("second_person_ack", "procedure.must_confirm")
        if inc.witness is not None and "witness_present" not in v:
            raise FieldProblem("witness_present", "procedure.field_missing", field="witness")
        data: dict[str, Any] = {
            "incident": self.incident,
            "acknowledged_by": list(inc.people),
            "witness_present": bool(v.get("witness_present", False)),
        }
        dual_for(self.ctx, inc, "invocation.acknowledged", data)
        return None
