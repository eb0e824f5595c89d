"""Flow 4: session documentation (procedure phase 4), and "actions exceed documentation".

Steps: ``compile`` → ``sign``; ``compile`` may go to ``discrepancy`` first
(and back) when the actions performed exceed what was documented.

Rules (each with a test):

* the session has ended (logout recorded) before it can be documented;
* the full record is compiled from the journal — the invocation record,
  retrieval evidence (check-out, inspection, opening and who signed),
  access time, baseline, every action with time and outcome, logout and
  duration, any access problems and reconstructed actions — and its SHA-256
  (:func:`record_hash`) is what both persons sign (``session.signed``,
  dual, ``record_hash``); the session record is then printed with the
  signers' names and key ids;
* due within the policy's 2 hours of logout: the deadline is shown
  (:attr:`DocumentationFlow.deadline`), an overdue one is alerted (entry and
  slip) before signing, and a late signature records ``late_minutes``;
* troubleshooting "actions performed exceed what was documented": the
  system's audit log reference, the discrepancy, the investigation and each
  reconstructed action (``session.action`` with ``source: audit-log``) are
  recorded before the record is compiled again;
* a print that fails after signing (and is stopped) leaves the flow at
  ``sign``: submitting it again prints the same signed record without a
  second signature or entry.
"""

from __future__ import annotations

from typing import Any

from kiosk.format.canonical import H, canon
from kiosk.format.clock import parse_ts
from kiosk.format.entry import Entry
from kiosk.paper.documents import Person, SessionAction, SessionRecord, Signer
from kiosk.procedures.context import Context
from kiosk.procedures.fields import Field, FieldProblem, ProcedureError, boolean, text, when
from kiosk.procedures.framework import Flow, Step, dual_for, incident_of, tagged, ts
from kiosk.state import due as deadlines

RETRIEVAL_KINDS = (
    "envelope.checked_out",
    "envelope.inspected",
    "envelope.opened",
    "sheet.confirmed",
)


def compile_record(ctx: Context, incident: str) -> dict[str, Any]:
    """The full session record of ``incident``, from the journal alone."""
    inc = incident_of(ctx, incident)
    state = ctx.journal.state
    retrieval: list[dict[str, Any]] = []
    actions: list[dict[str, Any]] = []
    problems: list[dict[str, Any]] = []
    discrepancies: list[dict[str, Any]] = []
    started: dict[str, Any] = {}
    ended: dict[str, Any] = {}
    for e in ctx.journal.entries(inc.declared_seq):
        if e.data.get("incident") != incident or e.data.get("purpose") == "verification":
            continue
        if e.kind in RETRIEVAL_KINDS:
            item: dict[str, Any] = {"seq": e.seq, "ts": e.ts, "kind": e.kind}
            item.update({k: e.data[k] for k in ("serial", "result", "photo_ref") if k in e.data})
            if e.attest:
                item["signed_by"] = [
                    state.custodians[str(a["custodian"])].name
                    for a in e.attest
                    if str(a.get("custodian")) in state.custodians
                ]
            retrieval.append(item)
        elif e.kind == "session.started":
            started = {
                k: e.data[k]
                for k in ("at", "account", "system", "baseline_ref", "provider_session_ref")
                if k in e.data
            }
        elif e.kind == "session.action":
            actions.append({k: v for k, v in e.data.items() if k not in ("incident", "test")})
        elif e.kind == "session.ended":
            ended = {"at": e.data["at"], "duration_minutes": e.data["duration_minutes"]}
            if e.data.get("established") is False:
                ended["established"] = False  # access was never obtained
            if "post_change_ref" in e.data:
                ended["post_change_ref"] = e.data["post_change_ref"]
        elif e.kind == "access.problem":
            problems.append({k: v for k, v in e.data.items() if k not in ("incident", "test")})
        elif e.kind == "documentation.discrepancy":
            discrepancies.append({k: v for k, v in e.data.items() if k not in ("incident", "test")})
    actions.sort(key=lambda a: str(a["at"]))
    return {
        "incident": incident,
        "test": inc.test,
        "invocation": inc.record,
        "retrieval": retrieval,
        "access": started,
        "access_problems": problems,
        "actions": actions,
        "logout": ended,
        "discrepancies": discrepancies,
    }


def record_hash(record: dict[str, Any]) -> str:
    return H(canon(record))


def documentation_deadline(ctx: Context, incident: str) -> deadlines.Deadline | None:
    for d in deadlines.compute(ctx.journal.state, ctx.policy):
        if d.kind == "documentation" and d.subject == incident:
            return d
    return None


class DocumentationFlow(Flow):
    name = "documentation"
    title = "Session documentation"

    def __init__(self, ctx: Context, incident: str) -> None:
        super().__init__(ctx, "compile")
        self.incident = incident
        #: the signed record and its entry, once ``sign`` has recorded them
        self.signed: tuple[dict[str, Any], Entry] | None = None
        self.add(
            Step(
                "compile",
                "Review the session record",
                (
                    Field("exceeds", "Actions performed exceed what was documented", boolean()),
                    Field(
                        "both_reviewed", "Both persons reviewed the whole record", boolean(), False
                    ),
                ),
                self._compile,
                ("discrepancy", "sign"),
            )
        )
        self.add(
            Step(
                "discrepancy",
                "Reconstruct the actual actions from the audit log",
                (
                    Field("audit_log_ref", "System audit log (reference)", text(500)),
                    Field("description", "What was not documented", text(500)),
                    Field("investigation", "Investigation", text(500)),
                    Field(
                        "actions",
                        "Reconstructed actions",
                        _actions,
                        kind="rows",
                        columns=("at", "action", "outcome", "outside_reason", "justification"),
                    ),
                ),
                self._discrepancy,
                ("compile",),
                ("documentation.discrepancy", "session.action"),
                "More was done than was logged. Open the system's audit log for the session, "
                "say what was not documented and what you found, and add each action the log "
                "shows (time, action, outcome). They are recorded as taken from the audit log; "
                "then the record is compiled again for both of you to review.",
                branch=True,
            )
        )
        self.add(
            Step(
                "sign",
                "Both persons sign the record",
                (Field("confirm", "We have reviewed the record and sign it", boolean(True)),),
                self._sign,
                (),
                ("session.signed",),
            )
        )

    @property
    def deadline(self) -> deadlines.Deadline | None:
        """The 2-hour documentation deadline (for the step bar's countdown)."""
        return documentation_deadline(self.ctx, self.incident)

    def _compile(self, v: dict[str, Any]) -> str:
        inc = incident_of(self.ctx, self.incident)
        if inc.session_ended_at is None:
            raise ProcedureError("procedure.phase_incomplete", phase="system access")
        if inc.signed_at is not None:
            raise ProcedureError("procedure.already_signed", incident=inc.id)
        if v["exceeds"]:
            return "discrepancy"
        if v.get("both_reviewed") is not True:
            raise FieldProblem("both_reviewed", "procedure.must_confirm")
        record = compile_record(self.ctx, self.incident)
        self.info["record"] = record
        self.info["record_hash"] = record_hash(record)
        return "sign"

    def _discrepancy(self, v: dict[str, Any]) -> str:
        inc = incident_of(self.ctx, self.incident)
        data = {k: v[k] for k in ("audit_log_ref", "description", "investigation")}
        data["incident"] = inc.id
        self.ctx.append("documentation.discrepancy", tagged(inc, data))
        for a in v["actions"]:
            item: dict[str, Any] = {
                "incident": inc.id,
                "at": ts(a["at"]),
                "action": a["action"],
                "outcome": a["outcome"],
                "narrated": False,
                "outside_reason": a["outside_reason"],
                "source": "audit-log",
            }
            if a.get("justification"):
                item["justification"] = a["justification"]
            self.ctx.append("session.action", tagged(inc, item))
        return "compile"

    def _sign(self, v: dict[str, Any]) -> None:
        if self.signed is not None:
            # Signed and recorded, but printing failed and was stopped: submitting the
            # step again prints the same record; nobody signs or records it twice.
            self._print(*self.signed)
            return None
        inc = incident_of(self.ctx, self.incident)
        record = compile_record(self.ctx, self.incident)
        digest = record_hash(record)
        if digest != self.info.get("record_hash"):
            # The journal changed since the review: review again.
            self.info["record"], self.info["record_hash"] = record, digest
            raise ProcedureError("procedure.record_changed")
        summary: dict[str, Any] = {
            "actions": len(record["actions"]),
            "outside_reason": sum(1 for a in record["actions"] if a["outside_reason"]),
            "duration_minutes": int(record["logout"]["duration_minutes"]),
        }
        d = self.deadline
        now = self.ctx.now()
        if d is not None and now > d.due:
            summary["late_minutes"] = int((now - d.due).total_seconds() // 60)
        entry = dual_for(
            self.ctx,
            inc,
            "session.signed",
            {"incident": inc.id, "record_hash": digest, "summary": summary},
        )
        self.signed = (record, entry)
        self._print(record, entry)
        return None

    def _print(self, record: dict[str, Any], entry: Entry) -> None:
        state = self.ctx.journal.state
        signers = tuple(
            Signer(
                state.custodians[str(a["custodian"])].name,
                state.custodians[str(a["custodian"])].role,
                str(a["credential_id"]),
                parse_ts(entry.ts),
            )
            for a in entry.attest
        )
        retrieval = "; ".join(
            f"{r['kind']} {r.get('serial', '')} at {r['ts']}"
            + (f" signed by {', '.join(r['signed_by'])}" if r.get("signed_by") else "")
            for r in record["retrieval"]
        )
        witness = record["invocation"].get("witness")
        inc = incident_of(self.ctx, self.incident)
        access = record["access"]  # empty when access was never obtained
        doc = SessionRecord(
            meta=self.ctx.meta(),
            invocation_ref=self.incident,
            account=str(access.get("account") or inc.account or ""),
            system=str(access.get("system") or record["invocation"].get("system", "")),
            envelope_serial=str(inc.envelope_opened),
            retrieval_evidence=retrieval or "none recorded",
            access_established=parse_ts(access["at"]) if "at" in access else None,
            access_problems=tuple(
                f"{str(p['problem']).replace('-', ' ').capitalize()}: "
                f"{str(p['cause']).replace('-', ' ')}; {p.get('resolution', '')}"
                + (f" (reference {p['reference']})" if p.get("reference") else "")
                for p in record["access_problems"]
            ),
            actions=tuple(
                SessionAction(
                    parse_ts(a["at"]),
                    f"{a['action']} — {a['outcome']}"
                    + (" [outside the declared reason]" if a["outside_reason"] else "")
                    + (" [from audit log]" if a.get("source") == "audit-log" else ""),
                )
                for a in record["actions"]
            ),
            terminated=parse_ts(record["logout"]["at"]),
            baseline=str(access.get("baseline_ref", "")),
            post_change=str(record["logout"].get("post_change_ref", "")),
            provider_session=str(access.get("provider_session_ref", "")),
            signers=signers,
            entry_seq=entry.seq,
            entry_hash=entry.hash,
            witness=Person(witness["name"], witness["role"]) if witness else None,
        )
        self.ctx.print(doc)


def _actions(v: Any) -> list[dict[str, Any]]:
    """Reconstructed actions: ``[{at, action, outcome, outside_reason, justification?}]``."""
    if not isinstance(v, list) or not v:
        raise ProcedureError("procedure.list", low=1)
    out = []
    for item in v:
        if not isinstance(item, dict):
            raise ProcedureError("procedure.list", low=1)
        at = when(item.get("at"))
        outside = boolean()(item.get("outside_reason"))
        out.append(
            {
                "at": at,
                "action": text()(item.get("action")),
                "outcome": text()(item.get("outcome")),
                "outside_reason": outside,
                "justification": text()(item["justification"])
                if item.get("justification")
                else None,
            }
        )
    return out
