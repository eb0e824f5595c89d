"""The break-glass procedure as GUI-neutral, step-by-step flows.

One module per flow of issue 5 (see each module's docstring for its rules):

=========================  ===========================================
module                     flow
=========================  ===========================================
``invocation``             1 invocation declaration (+ approver, solo, account mapping)
``retrieval``              2 envelope check-out and retrieval (+ tampered)
``session``                3 system access session (+ login fails, MFA)
``documentation``          4 session documentation (+ actions exceed records)
``reset``                  5 credential reset (+ reset fails); 8 sealing new envelopes
``review``                 6 post-incident review (+ unauthorised actions)
``verification``           7 verification after reset
``checkin``                8 unopened envelope returned; bag stock received
``drill``                  9 quarterly test drill
``exceptions``             10 troubleshooting index; notify approver; executive sign-off
``inventory``              11 inventory, identity-provider coverage, bag stock, accounts
``policy_change``          a changed policy file approved under dual control
``clock``                  the clock confirmed under dual control after it jumped forward
=========================  ===========================================

The framework (:mod:`kiosk.procedures.framework`) is the wizard: steps and
flows; each step's fields and their parsers are :mod:`kiosk.procedures.fields`,
and the :class:`Context` through which flows reach the journal, the keys
(:class:`Signatures`) and the printer (:class:`Paper`) is
:mod:`kiosk.procedures.context`.
The order of the flows for an incident (which one comes next, with the
procedure's branches) is :mod:`kiosk.procedures.navigation`, followed by the
terminal's screens and by the simulator alike.
"""

from __future__ import annotations

from kiosk.procedures.accounts_lookup import match_accounts
from kiosk.procedures.checkin import ReturnFlow, StandDownFlow, StockFlow
from kiosk.procedures.clock import ClockConfirmFlow
from kiosk.procedures.context import Context, Paper, Signatures
from kiosk.procedures.credentials import (
    AccountUpdateFlow,
    DestroyFlow,
    RetireAccountFlow,
    credential_inventory,
)
from kiosk.procedures.documentation import DocumentationFlow, compile_record, record_hash
from kiosk.procedures.drill import due_drills, start_drill
from kiosk.procedures.exceptions import TROUBLESHOOTING, ExecutiveSignOffFlow, NotifyApproverFlow
from kiosk.procedures.fields import Field, ProcedureError, When
from kiosk.procedures.framework import FORM, Flow, Result, Step, policy_unapproved
from kiosk.procedures.inventory import (
    AccountFlow,
    bag_stock,
    drill_status,
    idp_gaps,
    inventory_rows,
)
from kiosk.procedures.invocation import InvocationFlow
from kiosk.procedures.policy_change import PolicyChangeFlow
from kiosk.procedures.reset import ResetFlow, SealNewEnvelopeFlow
from kiosk.procedures.retrieval import RetrievalFlow
from kiosk.procedures.review import ROOT_CAUSES, ReviewFlow
from kiosk.procedures.session import SessionFlow
from kiosk.procedures.verification import VerificationFlow, chain_gaps

__all__ = [
    "FORM",
    "ROOT_CAUSES",
    "TROUBLESHOOTING",
    "AccountFlow",
    "AccountUpdateFlow",
    "ClockConfirmFlow",
    "Context",
    "DestroyFlow",
    "DocumentationFlow",
    "ExecutiveSignOffFlow",
    "Field",
    "Flow",
    "InvocationFlow",
    "NotifyApproverFlow",
    "Paper",
    "PolicyChangeFlow",
    "ProcedureError",
    "ResetFlow",
    "Result",
    "RetireAccountFlow",
    "RetrievalFlow",
    "ReturnFlow",
    "ReviewFlow",
    "SealNewEnvelopeFlow",
    "SessionFlow",
    "Signatures",
    "StandDownFlow",
    "Step",
    "StockFlow",
    "VerificationFlow",
    "When",
    "bag_stock",
    "chain_gaps",
    "compile_record",
    "credential_inventory",
    "drill_status",
    "due_drills",
    "idp_gaps",
    "inventory_rows",
    "match_accounts",
    "policy_unapproved",
    "record_hash",
    "start_drill",
]
