"""Flow 3: the system access session (procedure phase 3), with its troubleshooting rows.

Steps: ``start`` → ``action`` (repeat) → ``logout``. ``start`` may instead
record a failed login or an unavailable MFA method and stay on ``start``,
or, once such a failure is recorded, conclude an attempt that never obtained
access (``not-obtained``).

Rules (each with a test):

* phase 2 is complete first: the envelope was opened and its sheet's QR
  confirmed;
* access established records time, account (the incident's) and system,
  and the pre-change baseline reference is required ("before making any
  changes, document the current state"); for an account that signs in
  through a cloud identity provider, the sign-in session ID from the
  provider's audit log is required too ("note the sign-in timestamp and
  session ID");
* every action has a time (not before access, not in the future), what was
  done, its outcome, and an explicit "narrated to the second person or
  witness" answer; "outside the declared reason" is an explicit yes/no
  answer on every action, and a "yes" needs a justification — the
  procedure says minimum actions only, so the engine makes going beyond it
  a recorded choice that the review sees;
* logout records the time, the computed duration in whole minutes, and the
  post-change configuration reference (or that nothing was changed): the
  record holds "baseline and post-change configurations";
* access that cannot be obtained is concluded: ``session.ended`` with
  ``established: false`` (only after a recorded failure, never after a
  login), so the incident still gets its documentation within 2 hours, the
  approver notice, its signed record, review and credential reset — the
  envelope was opened, so its password is spent either way;
* sessions end (issue 19): ``session.started`` records the policy's longest
  session (``max_minutes``); past it the ``session_limit`` deadline alerts and
  the documentation and approver-notice clocks start at the limit
  (:mod:`kiosk.state.due`); a logout past it is marked ``over_limit``; no live
  action is recorded after the logout (:mod:`kiosk.state.sessions`);
* typed times may not precede the opening and are marked when entered late
  (:mod:`kiosk.procedures.times`);
* an account whose identity provider alerts security on sign-in asks whether
  that alert was received; "no" raises an alert and is a finding;
* troubleshooting: "break-glass account login fails" records the cause
  (password incorrect, disabled, expired, locked), that the account status
  was checked with another admin account and whether the provider's support
  was contacted; "MFA method unavailable" records the cause and the
  resolution (backup method or the provider's recovery procedure).
"""

from __future__ import annotations

from typing import Any

from kiosk.procedures.context import Context
from kiosk.procedures.fields import (
    Field,
    FieldProblem,
    ProcedureError,
    When,
    boolean,
    choice,
    text,
    when,
)
from kiosk.procedures.framework import Flow, Step, incident_of, tagged, ts
from kiosk.procedures.security_alerts import raise_idp_alert_missing
from kiosk.procedures.times import entered, mark_late

LOGIN_CAUSES = ("password-incorrect", "account-disabled", "account-expired", "account-locked")
MFA_CAUSES = ("token-lost", "phone-disconnected", "other")
MFA_RESOLUTIONS = ("backup-method", "provider-recovery")
#: "not-obtained" concludes an attempt whose failures are recorded and that
#: will not obtain access (troubleshooting rows: login fails, MFA unavailable).
START_OUTCOMES = ("established", "login-failed", "mfa-unavailable", "not-obtained")
#: which answers of the start step apply to which outcome (issue 22: shown only then)
ESTABLISHED = When("outcome", ("established",))
PROBLEM = When("outcome", ("login-failed", "mfa-unavailable"))
LOGIN_FAILED = When("outcome", ("login-failed",))


class SessionFlow(Flow):
    name = "session"
    title = "System access"

    def __init__(self, ctx: Context, incident: str) -> None:
        super().__init__(ctx, "start")
        self.incident = incident
        #: minutes a typed time was entered late, beyond the policy's tolerance
        self.late: int | None = None
        self.add(
            Step(
                "start",
                "Log in to the target system",
                (
                    Field(
                        "outcome",
                        "Result",
                        choice(*START_OUTCOMES),
                        choices=START_OUTCOMES,
                        help="'login-failed' and 'mfa-unavailable' record a failed try and stay "
                        "here; 'not-obtained' concludes an attempt that cannot get access, once "
                        "its failure is recorded.",
                    ),
                    Field(
                        "at", "Time access was established (or the attempt concluded)", when, False
                    ),
                    Field(
                        "system",
                        "System accessed",
                        text(120),
                        False,
                        source="systems",
                        free=True,
                        applies=ESTABLISHED,
                    ),
                    Field(
                        "baseline_ref",
                        "Baseline captured (reference)",
                        text(500),
                        False,
                        applies=ESTABLISHED,
                    ),
                    Field(
                        "provider_session_ref",
                        "Sign-in session ID (identity provider's audit log)",
                        text(300),
                        False,
                        applies=ESTABLISHED,
                    ),
                    Field(
                        "cause",
                        "Cause",
                        choice(*LOGIN_CAUSES, *MFA_CAUSES),
                        False,
                        applies=PROBLEM,
                    ),
                    Field("resolution", "Resolution", text(500), False, applies=PROBLEM),
                    Field(
                        "account_status_checked",
                        "Account status verified with another admin account",
                        boolean(),
                        False,
                        applies=LOGIN_FAILED,
                    ),
                    Field(
                        "provider_contacted",
                        "Provider support contacted",
                        boolean(),
                        False,
                        applies=LOGIN_FAILED,
                    ),
                    Field(
                        "reference",
                        "Support or recovery reference",
                        text(300),
                        False,
                        applies=PROBLEM,
                    ),
                    Field(
                        "idp_alert_received",
                        "Security received the provider's sign-in alert",
                        boolean(),
                        False,
                        applies=ESTABLISHED,
                    ),
                ),
                self._start,
                ("start", "action", "logout"),
                ("session.started", "access.problem", "session.ended"),
            )
        )
        self.add(
            Step(
                "action",
                "Record an action",
                (
                    Field("at", "Time", when, False),
                    Field("action", "What was done", text(500)),
                    Field("outcome", "Outcome", text(500)),
                    Field("narrated", "Narrated to the second person or witness", boolean()),
                    Field("outside_reason", "Outside the declared reason", boolean()),
                    Field(
                        "justification",
                        "Why it was necessary",
                        text(500),
                        False,
                        applies=When("outside_reason", (True,)),
                    ),
                    Field(
                        "then", "Next", choice("another", "logout"), choices=("another", "logout")
                    ),
                ),
                self._action,
                ("action", "logout"),
                ("session.action",),
            )
        )
        self.add(
            Step(
                "logout",
                "Log out",
                (
                    Field("at", "Time of logout", when, False),
                    Field(
                        "post_change_ref",
                        "Post-change configuration captured (reference, or 'no change made')",
                        text(500),
                    ),
                ),
                self._logout,
                (),
                ("session.ended",),
            )
        )

    def _time(self, v: dict[str, Any], name: str = "at") -> Any:
        """A typed time: not in the future, not before the envelope was opened; late
        ones are marked (:mod:`kiosk.procedures.times`) in ``self.late``."""
        inc = incident_of(self.ctx, self.incident)
        since = inc.session_started_at or inc.opened_at or inc.declared_at
        at, self.late = entered(self.ctx, v, since, name)
        return at

    def _start(self, v: dict[str, Any]) -> str | None:
        inc = incident_of(self.ctx, self.incident)
        if inc.envelope_opened is None or not inc.sheet_confirmed:
            raise ProcedureError("procedure.phase_incomplete", phase="credential retrieval")
        outcome = v["outcome"]
        if outcome == "not-obtained":
            self._not_obtained(v)
            return None  # the attempt is concluded: documentation follows
        if outcome == "established":
            if "baseline_ref" not in v:
                raise FieldProblem("baseline_ref", "procedure.baseline_required")
            account = self.ctx.journal.state.accounts.get(str(inc.account))
            if account is not None and account.idp and "provider_session_ref" not in v:
                raise FieldProblem(
                    "provider_session_ref",
                    "procedure.provider_session_required",
                    account=account.id,
                    idp=account.idp,
                )
            if account is not None and account.idp_alerts and "idp_alert_received" not in v:
                raise FieldProblem(
                    "idp_alert_received", "procedure.idp_alert_answer", account=account.id
                )
            at = self._time(v)
            data: dict[str, Any] = {
                "incident": inc.id,
                "account": str(inc.account),
                "system": v.get("system") or str(inc.record.get("system", "")),
                "at": ts(at),
                "baseline_ref": v["baseline_ref"],
                "max_minutes": self.ctx.policy.session_max_minutes,
            }
            if "provider_session_ref" in v:
                data["provider_session_ref"] = v["provider_session_ref"]
            if account is not None and account.idp_alerts:
                data["idp_alert_received"] = v["idp_alert_received"]
            self.ctx.append("session.started", tagged(inc, mark_late(data, self.late)))
            if data.get("idp_alert_received") is False:
                raise_idp_alert_missing(self.ctx, inc.id, str(inc.account))
            self.info["started"] = at
            return "action"
        causes = LOGIN_CAUSES if outcome == "login-failed" else MFA_CAUSES
        if v.get("cause") not in causes:
            raise FieldProblem("cause", "procedure.choice", options=", ".join(causes))
        problem: dict[str, Any] = {"incident": inc.id, "problem": outcome, "cause": v["cause"]}
        if outcome == "login-failed":
            if v.get("account_status_checked") is not True:
                raise FieldProblem("account_status_checked", "procedure.status_check_required")
            if "provider_contacted" not in v:
                raise FieldProblem("provider_contacted", "procedure.field_missing", field="support")
            problem["account_status_checked"] = True
            problem["provider_contacted"] = v["provider_contacted"]
            problem["resolution"] = v.get("resolution") or (
                "Account status verified in the admin portal with another admin account"
                + ("; cloud provider support contacted" if v["provider_contacted"] else "")
            )
        else:
            resolution = v.get("resolution")
            if resolution not in MFA_RESOLUTIONS:
                raise FieldProblem(
                    "resolution", "procedure.choice", options=", ".join(MFA_RESOLUTIONS)
                )
            problem["resolution"] = resolution
            problem["provider_contacted"] = resolution == "provider-recovery"
        if "reference" in v:
            problem["reference"] = v["reference"]
        self.ctx.append("access.problem", tagged(inc, problem))
        return "start"

    def _not_obtained(self, v: dict[str, Any]) -> None:
        """Conclude an attempt that never obtained access (its failures are on record)."""
        inc = incident_of(self.ctx, self.incident)
        if not inc.access_problems:
            raise FieldProblem("outcome", "procedure.no_access_problem")
        at = self._time(v)
        data = {"incident": inc.id, "at": ts(at), "duration_minutes": 0, "established": False}
        self.ctx.append("session.ended", tagged(inc, mark_late(data, self.late)))
        self.info["duration_minutes"] = 0
        return None

    def _action(self, v: dict[str, Any]) -> str:
        inc = incident_of(self.ctx, self.incident)
        at = self._time(v)
        if inc.session_started_at is not None and at < inc.session_started_at:
            raise FieldProblem("at", "procedure.before_access")
        if v["outside_reason"] and "justification" not in v:
            raise FieldProblem("justification", "procedure.justification_required")
        data: dict[str, Any] = {
            "incident": inc.id,
            "at": ts(at),
            "action": v["action"],
            "outcome": v["outcome"],
            "narrated": v["narrated"],
            "outside_reason": v["outside_reason"],
        }
        if "justification" in v:
            data["justification"] = v["justification"]
        self.ctx.append("session.action", tagged(inc, mark_late(data, self.late)))
        return "action" if v["then"] == "another" else "logout"

    def _logout(self, v: dict[str, Any]) -> None:
        inc = incident_of(self.ctx, self.incident)
        at = self._time(v)
        started = inc.session_started_at
        if started is None:
            raise ProcedureError("procedure.phase_incomplete", phase="system access")
        if at < started:
            raise FieldProblem("at", "procedure.before_access")
        minutes = int((at - started).total_seconds() // 60)
        data: dict[str, Any] = {
            "incident": inc.id,
            "at": ts(at),
            "duration_minutes": minutes,
            "post_change_ref": v["post_change_ref"],
        }
        if minutes > self.ctx.policy.session_max_minutes:
            data["over_limit"] = True
        self.ctx.append("session.ended", tagged(inc, mark_late(data, self.late)))
        self.info["duration_minutes"] = minutes
        return None
