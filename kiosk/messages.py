"""Every message a person can be shown, in one place.

Each entry is ``code -> (what happened, what to do next, retryable)``. The
texts use ``str.format`` fields filled from an error's parameters. They are
written in the words of the break-glass procedure, for people in an incident:
short, calm, and always ending with the next thing to do.

The UI passes these strings through Qt's translation system; the keys stay
stable so translations survive rewording.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple


class Message(NamedTuple):
    what: str
    next: str
    retryable: bool = False


MESSAGES: dict[str, Message] = {
    "internal": Message(
        "Something unexpected went wrong inside the terminal.",
        "Nothing was recorded. Note the time, then try again; if it repeats, call security.",
    ),
    "cancelled": Message("The operation was cancelled.", "Nothing was recorded.", True),
    # --- policy ---------------------------------------------------------
    "policy.missing": Message(
        "The policy file {path} cannot be read ({reason}).",
        "Restore the policy file from the commissioning copy, then start the terminal again.",
    ),
    "policy.syntax": Message(
        "The policy file {path} is not valid TOML at line {line}: {reason}.",
        "Correct line {line} of the policy file, check it with 'sealroom check-policy', "
        "then start the terminal again.",
    ),
    "policy.invalid": Message(
        "The policy file {path}, line {line}: {reason}.",
        "Correct line {line} of the policy file, check it with 'sealroom check-policy', "
        "then start the terminal again.",
    ),
    # --- journal ---------------------------------------------------------
    "journal.error": Message("The journal reported a problem: {reason}.", "Call security."),
    "journal.exists": Message(
        "A journal already exists in {path}.",
        "Choose an empty directory; an existing journal is never overwritten.",
    ),
    "journal.missing": Message(
        "There is no journal in {path}.",
        "Check the data directory, or commission the terminal with 'sealroom init'.",
    ),
    "journal.cipher": Message(
        "The journal database is not protected as expected: {reason}.",
        "Do not use this terminal. Call security: the database or its library was changed.",
    ),
    "journal.wrong_key": Message(
        "The journal could not be decrypted with the unlocked key.",
        "The key-slot file does not belong to this journal. Call security; nothing was changed.",
    ),
    "journal.corrupt": Message(
        "The journal database file is damaged ({reason}).",
        "Do not use this terminal. Call security and restore from the last audit export.",
    ),
    "journal.integrity": Message(
        "The journal does not verify: entry {seq} {reason}.",
        "Do not use this terminal. Call security: the record may have been altered.",
    ),
    "journal.locked": Message(
        "The journal in {path} is already open in another Sealroom program.",
        "Close the other program (or wait for it to finish), then try again.",
        True,
    ),
    "journal.undecryptable": Message(
        "The journal could not be decrypted: {reason}.",
        "Nothing was changed. Check the key-slot file belongs to this terminal; call security.",
    ),
    "journal.busy": Message(
        "Entry {seq} is still waiting for signatures.",
        "Finish or cancel the approval in progress first.",
        True,
    ),
    "journal.pending_gone": Message(
        "This approval was already finished or cancelled.", "Start the step again."
    ),
    "journal.write_failed": Message(
        "The journal could not be written ({reason}). Nothing was recorded.",
        "Check the terminal's disk, then try again. If it repeats, call security.",
        True,
    ),
    "payload.invalid": Message(
        "The record for '{kind}' is not complete: {reason}.",
        "Correct the highlighted field and try again.",
    ),
    "payload.secret": Message(
        "The record for '{kind}' tried to store a field named '{field}', "
        "which looks like a secret.",
        "Secrets are never written to the journal. This is a defect: call security.",
    ),
    "payload.unknown_kind": Message(
        "The terminal does not know how to record '{kind}'.", "This is a defect: call security."
    ),
    # --- state -----------------------------------------------------------
    "transition.illegal": Message("{reason}.", "{advice}"),
    "envelope.unknown": Message(
        "Envelope {serial} is not in the inventory.",
        "Check you scanned the right envelope. New bags must be received into stock first.",
    ),
    "envelope.reused": Message(
        "Serial {serial} was already used (it is {state}).",
        "A serial is used once. Take a new bag from stock and scan its serial.",
    ),
    "envelope.bad_state": Message(
        "Envelope {serial} is {state}; it cannot be {action}.",
        "{advice}",
    ),
    # --- key slots -------------------------------------------------------
    "keyslot.missing": Message(
        "The key-slot file {path} is missing.",
        "Restore it from the commissioning backup; the journal cannot be opened without it.",
    ),
    "keyslot.damaged": Message(
        "The key-slot file is damaged ({reason}).",
        "Nothing was changed. Restore the key-slot file from the commissioning backup.",
    ),
    "keyslot.wrong_passphrase": Message(
        "That recovery passphrase is not correct.",
        "Check the recovery sheet from the safe and type it again; spaces and case do not matter.",
        True,
    ),
    "keyslot.fido2_mismatch": Message(
        "That security key answered, but its secret does not open the journal.",
        "Use another custodian's key or the recovery passphrase, and tell security.",
    ),
    "keyslot.last_slot": Message(
        "Removing this key would leave no way to unlock the terminal.",
        "Keep the recovery slot; enrol a replacement key first.",
    ),
    "keyslot.weak_passphrase": Message(
        "That recovery passphrase is too short (at least {minimum} letters and digits).",
        "Let the terminal generate one, or choose a longer one.",
    ),
    "keyslot.no_slot": Message(
        "No key slot of kind '{kind}' can open this journal.",
        "Use another custodian's key or the recovery passphrase.",
    ),
    # --- alert slips: what a printed alert says, and what to do ----------
    "alert.clock.moved_back": Message(
        "The terminal's clock moved backwards (clock {clock}, last entry {last_entry}).",
        "Check the clock against a trusted time source and call security; entries keep the "
        "last recorded time until the clock is right.",
    ),
    "alert.key.counter_not_increased": Message(
        "A security key's signature counter did not increase: the key may have been cloned.",
        "Take that key out of service, keep it for investigation and call security now.",
    ),
    "alert.deadline.overdue": Message(
        "A deadline of the break-glass procedure is overdue ({kind}, {subject}, due {due}).",
        "Complete the overdue step now and record why it was late.",
    ),
    "alert.usb.refused": Message(
        "A USB device that is not on the allow-list was connected ({description}).",
        "Remove the device and call security; the terminal will not use it.",
    ),
    "alert.envelope.tampered": Message(
        "Envelope {serial} shows signs of tampering and was quarantined ({failed}).",
        "Escalate to the security team immediately with this slip and the photographs "
        "({photo_ref}).",
    ),
    "alert.review.escalated": Message(
        "The post-incident review found policy violations or unexplained actions.",
        "Escalate to security and governance now and preserve all logs.",
    ),
    # --- devices, approvals, scans, export: filled in by later layers ----
    # == fido2 messages (security keys, approvals) ==
    "webauthn.malformed": Message(
        "The security-key approval is damaged: its field '{field}' cannot be read.",
        "Nothing was recorded. Ask the custodian to approve again with their key.",
    ),
    "webauthn.type": Message(
        "The security-key answer is not an approval (wrong WebAuthn type).",
        "Nothing was recorded. Ask the custodian to approve again with their key.",
    ),
    "webauthn.challenge": Message(
        "The security key signed a different step than the one on screen.",
        "Nothing was recorded. Ask the custodian to approve this step again.",
    ),
    "webauthn.rp_mismatch": Message(
        "The security key answered for another service, not for {rp_id}.",
        "Nothing was recorded. Use the key enrolled on this terminal; if it is, call security.",
    ),
    "webauthn.no_up": Message(
        "The security key did not confirm that someone touched it.",
        "Nothing was recorded. Approve again and touch the key when it blinks.",
        True,
    ),
    "webauthn.no_uv": Message(
        "The security key did not confirm its PIN, which this terminal requires.",
        "Nothing was recorded. Approve again and enter the key's PIN when asked.",
        True,
    ),
    "webauthn.signature": Message(
        "The security key's signature does not match its enrolled public key.",
        "Nothing was recorded. Do not use this key; call security (it may be a copy).",
    ),
    "webauthn.alg": Message(
        "The credential uses signature algorithm {alg}, which this terminal does not accept.",
        "Enrol a key that supports ES256 or EdDSA.",
    ),
    "webauthn.key": Message(
        "The enrolled public key of this credential cannot be read.",
        "Call security: the enrolment record is damaged.",
    ),
    "webauthn.counter": Message(
        "The security key's counter did not increase ({previous} then {current}).",
        "The key may have been copied. Stop, keep the key aside and call security.",
    ),
    "fido.no_key": Message(
        "No security key was found.",
        "Plug the custodian's security key into the terminal, then try again.",
        True,
    ),
    "fido.several_keys": Message(
        "More than one plugged-in key holds a credential enrolled for this step.",
        "Leave only the approving custodian's key plugged in, then try again.",
        True,
    ),
    "fido.unplugged": Message(
        "The security key stopped answering (it was unplugged or failed).",
        "Nothing was recorded. Plug the key back in, then start the approval again.",
        True,
    ),
    "fido.bad_response": Message(
        "The security key sent an answer that cannot be read.",
        "Nothing was recorded. Unplug the key, plug it back in and try again; "
        "if it repeats, call security.",
        True,
    ),
    "fido.touch_timeout": Message(
        "The security key was not touched in time.",
        "Nothing was recorded. Start again and touch the key when it blinks.",
        True,
    ),
    "fido.denied": Message(
        "The security key refused the request.",
        "Nothing was recorded. Try again; if it repeats, use another enrolled key.",
        True,
    ),
    "fido.pin_wrong": Message(
        "That PIN is not correct. {attempts_left} attempts left before the key locks.",
        "Type the PIN of this security key again, carefully.",
        True,
    ),
    "fido.pin_blocked": Message(
        "This security key is locked: its PIN was entered wrongly too many times.",
        "The key can no longer approve. Call security to revoke it and enrol a new one.",
    ),
    "fido.pin_power_cycle": Message(
        "The security key stopped accepting PINs after 3 wrong attempts in a row.",
        "Unplug the key, plug it back in, then enter the correct PIN.",
        True,
    ),
    "fido.pin_set": Message(
        "The new PIN is set on this security key.",
        "Keep it secret; you will type it at every approval.",
    ),
    "fido.pin_not_set": Message(
        "This security key has no PIN, so it cannot confirm who is using it.",
        "Use the key that was enrolled on this terminal (enrolment always sets a PIN).",
    ),
    "fido.pin_policy": Message(
        "That new PIN is not accepted: it must be {min_len} to {max_len} characters.",
        "Choose another PIN of the right length and type it again.",
        True,
    ),
    "fido.no_credential": Message(
        "This security key holds no credential enrolled for this step.",
        "Use the custodian's enrolled key. A key enrolled elsewhere cannot approve here.",
        True,
    ),
    "fido.already_enrolled": Message(
        "This security key is already enrolled on this terminal.",
        "Use a different key for the new enrolment.",
    ),
    "fido.unsupported": Message(
        "This security key cannot do what the terminal needs ({feature}).",
        "Use a FIDO2 key with a PIN, ES256 or EdDSA, and the hmac-secret extension.",
    ),
    "fido.error": Message(
        "The security key reported error {ctap_code}.",
        "Nothing was recorded. Unplug the key, plug it back in and try again.",
        True,
    ),
    "fido.key_not_allowed": Message(
        "{label} is not on this terminal's allow-list of security keys.",
        "Unplug it and use your enrolled key; tell security a foreign key was offered.",
        True,
    ),
    # == end fido2 messages ==
    # == approval messages (dual control, enrolment, unlock with a key) ==
    "approval.unknown_credential": Message(
        "This security key is not enrolled on this terminal.",
        "Nothing was recorded. Use your own enrolled key; new keys are enrolled by two "
        "custodians first.",
    ),
    "approval.revoked_credential": Message(
        "This security key of {name} was revoked; it can no longer approve or unlock anything.",
        "Nothing was recorded. Use another enrolled key, or ask another custodian.",
    ),
    "approval.revoked_custodian": Message(
        "{name} is no longer a custodian (revoked); their keys cannot approve anything.",
        "Nothing was recorded. Another enrolled custodian must approve.",
    ),
    "approval.wrong_custodian": Message(
        "The approval names another person than the owner of the key ({name}).",
        "Nothing was recorded. Each custodian approves with their own key; call security.",
    ),
    "approval.self_enrolment": Message(
        "A first enrolment must be approved by the key being enrolled, for that same person.",
        "Nothing was recorded. Touch the new key when asked and enter its PIN.",
        True,
    ),
    "approval.same_key": Message(
        "This security key ({name}) has already approved this step.",
        "The second approval must come from another custodian, with their own key.",
        True,
    ),
    "approval.same_person": Message(
        "{name} has already approved this step (with another key).",
        "The second approval must come from a different custodian.",
        True,
    ),
    "approval.not_authorised": Message(
        "{name} is not authorised for account {account}.",
        "Nothing was recorded. Two custodians authorised for this account must approve.",
        True,
    ),
    "approval.no_duty": Message(
        "{name} does not hold the '{duty}' duty this step needs.",
        "Nothing was recorded. Ask a custodian with that duty to approve.",
        True,
    ),
    "approval.wrong_person": Message(
        "The plugged-in key belongs to nobody who may approve this step now.",
        "Plug in the key of the custodian who approves next.",
        True,
    ),
    "approval.replayed": Message(
        "This approval was for another step ({step}), not the one on screen.",
        "Nothing was recorded. An approval is used once: approve this step again with your key.",
        True,
    ),
    "approval.counter": Message(
        "The security key of {name} reported counter {current}, not above {previous}: it may "
        "have been copied. The approval was refused and an alert was recorded "
        "(entry {alert_seq}).",
        "Stop. Keep the key aside and call security. The step must start again.",
    ),
    "approval.no_role": Message(
        "There is no approval role '{role}' in this step.", "Start the step again."
    ),
    "approval.role_done": Message(
        "The approval as {role} has already been given.",
        "The next approval is for the other role.",
        True,
    ),
    "approval.incomplete": Message(
        "This step still needs approval as: {missing}.",
        "Nothing was recorded yet. The remaining custodian approves with their key.",
        True,
    ),
    "approval.exception_required": Message(
        "'{kind}' needs two custodians; a single approval needs a recorded policy exception.",
        "Find a second custodian, or record the policy exception first.",
    ),
    "enrol.bad_custodian": Message(
        "The custodian '{value}' is not written as id:Name:Role.",
        "Write each custodian as id:Full Name:Role, e.g. dana:Dana Whitfield:IT Director.",
    ),
    "enrol.need_two": Message(
        "Commissioning needs exactly two different first custodians (got {count}).",
        "Give two custodians, each with their own security key.",
    ),
    "enrol.custodian_exists": Message(
        "{name} ({custodian}) is already enrolled.",
        "To give them another key, enrol the key as a replacement or an extra key of theirs.",
    ),
    "enrol.pin_missing": Message(
        "No PIN was given for the security key of {name}.",
        "Give one PIN per line on --pin-fd, or run on a terminal to be asked.",
    ),
    "unlock.no_key_slot": Message(
        "No security key can unlock this terminal yet.",
        "Unlock with the recovery passphrase from the safe.",
    ),
    # == end approval messages ==
    # == scan messages (scanners, serials, QR, USB allow-list) ==
    "scan.not_text": Message(
        "The scan did not arrive as text.",
        "Scan the code again; if it repeats, call security.",
        True,
    ),
    "scan.empty": Message(
        "The scan was empty.", "Scan the code again, holding the scanner steady.", True
    ),
    "scan.too_long": Message(
        "The scan is too long ({length} characters; at most {limit} are expected).",
        "Scan only the envelope's serial barcode or the terminal's own QR code.",
        True,
    ),
    "scan.control_char": Message(
        "The scan contains an invisible control character ({char}) at position {position}.",
        "Scan the printed code again. If it repeats, the label may be forged: call security.",
        True,
    ),
    "scan.lookalike": Message(
        "The scan contains {char} at position {position}, which looks like '{looks_like}' but is"
        " a different character.",
        "Do not use this envelope: the label may be forged or retyped. Set it aside and call"
        " security. If you typed the serial, check the keyboard layout and type it again.",
    ),
    "scan.non_ascii": Message(
        "The scan contains a character that no serial or terminal code uses ({char}) at position"
        " {position}.",
        "Check the scanner's keyboard layout and scan again. If it repeats, call security.",
        True,
    ),
    "scan.wrong_pattern": Message(
        "'{serial}' is not an envelope serial (serials look like {pattern}).",
        "Scan the serial barcode on the envelope's seal strip, not another code.",
        True,
    ),
    "scan.bad_check_digit": Message(
        "'{serial}' fails its {scheme} check digit: it was misread or mistyped.",
        "Scan the serial again. If you typed it, compare it character by character with the bag.",
        True,
    ),
    "scan.unknown_serial": Message(
        "Envelope {serial} is not in the inventory.",
        "Check you scanned the right envelope. New bags must be received into stock first.",
    ),
    "scan.serial_used": Message(
        "Serial {serial} was already used (the envelope is {state}).",
        "A serial is used once. Take a new bag from stock and scan its serial.",
    ),
    "scan.wrong_state": Message(
        "Envelope {serial} is {state}; for this step ({purpose}) it must be {expected}.",
        "Check you picked the right envelope. If the inventory looks wrong, call security.",
    ),
    "scan.garbage": Message(
        "The scanner on {port} sent data that is not text.",
        "Scan again. If it repeats, check the scanner is set to send UTF-8 or ASCII text.",
        True,
    ),
    "scan.qr_not_ours": Message(
        "That code was not made by a Sealroom terminal.",
        "Scan the terminal's own QR code on the sheet, label or record.",
        True,
    ),
    "scan.qr_version": Message(
        "That code uses format version {version}; this terminal reads version {supported}.",
        "Use a code printed by this terminal. Call security if it should have been.",
    ),
    "scan.qr_malformed": Message(
        "That code is damaged or incomplete: {reason}.",
        "Scan it again. If it repeats, call security: the paper may not be genuine.",
        True,
    ),
    "scan.qr_bad_mac": Message(
        "That code was not printed by this terminal, or it was altered.",
        "Do not use this paper. Set it aside and call security.",
    ),
    "scan.qr_unknown_kind": Message(
        "That code is of a kind this terminal does not know ({kind}).",
        "Use a code printed by this terminal. Call security if it should have been.",
    ),
    "scan.qr_wrong_kind": Message(
        "That is the QR code of a {kind}; this step needs a {expected}.",
        "Scan the right document's QR code.",
        True,
    ),
    "device.scanner_open": Message(
        "The scanner on {port} cannot be opened ({reason}).",
        "Check the scanner's cable, unplug and plug it in again, then try again.",
        True,
    ),
    "device.scanner_gone": Message(
        "The scanner on {port} was disconnected.",
        "Plug the scanner in again, then scan again.",
        True,
    ),
    "device.usb_unavailable": Message(
        "The terminal cannot list its USB devices ({reason}).",
        "Call security: the terminal cannot check which devices are attached.",
    ),
    "device.usb_refused": Message(
        "A USB device that is not on the terminal's list was plugged in: {description}"
        " (vendor {vendor}, product {product}, class {usb_class}).",
        "Unplug it. The terminal will not use it, and this was recorded.",
    ),
    # == end scan messages ==
    # == print messages (documents, passwords, CUPS) ==
    "print.cupsd_down": Message(
        "The print service (CUPS) is not running.",
        "Restart the terminal's print service (or the terminal), then print again.",
        True,
    ),
    "print.queue_missing": Message(
        "The printer queue '{queue}' does not exist on this terminal.",
        "Check the printer is installed under that name (policy [printing] queue), "
        "then print again.",
        True,
    ),
    "print.stopped": Message(
        "The printer '{queue}' is stopped{detail}.",
        "Check the printer (power, cable, jam), resume the queue, then print again. "
        "Nothing was printed.",
        True,
    ),
    "print.paper_out": Message(
        "The printer '{queue}' is out of paper.",
        "Load paper, then print again. The unfinished job was removed.",
        True,
    ),
    "print.rejecting": Message(
        "The printer queue '{queue}' is not accepting jobs.",
        "Ask security to set the queue to accept jobs, then print again.",
        True,
    ),
    "print.timeout": Message(
        "The printer did not finish job {job} within {seconds} seconds.",
        "Check the printer and the paper; the job was removed. Print again.",
        True,
    ),
    "print.job_failed": Message(
        "The print system ended job {job} as '{state}' instead of printing it.",
        "Check the printer, then print again.",
        True,
    ),
    "print.submit_failed": Message(
        "The print system refused the job ({reason}).",
        "Check the printer queue, then print again.",
        True,
    ),
    "print.tools_missing": Message(
        "The printing tools ({tool}) are not installed on this terminal.",
        "This is a set-up fault: call security to reinstall the terminal's print service.",
    ),
    "print.spool_left": Message(
        "A copy of sensitive job {job} may remain in the print spool ({where}).",
        "Do not leave the terminal. Call security to purge the print spool, "
        "and treat this credential as exposed.",
    ),
    "password.policy": Message(
        "The password rules in the policy cannot be used: {reason}.",
        "Correct the [passwords] section of the policy under dual control, then try again.",
    ),
    "secret.wiped": Message(
        "This secret was already wiped from memory.",
        "Generate a new credential and print a new sheet.",
    ),
    "document.invalid": Message(
        "The {document} cannot be printed: '{field}' {reason}.",
        "Correct '{field}', then print again.",
    ),
    "document.secret_in_code": Message(
        "The {document} would put the password into a printed code or note.",
        "Nothing was printed. This is a defect: call security.",
    ),
    "document.font_missing": Message(
        "The document font {font} is missing from the terminal.",
        "This is a set-up fault: call security to reinstall the terminal.",
    ),
    # == end print messages ==
    "device.error": Message("The device reported a problem: {reason}.", "{advice}", True),
    "approval.refused": Message("The approval was refused: {reason}.", "{advice}"),
    "scan.invalid": Message("That scan was refused: {reason}.", "{advice}"),
    "export.failed": Message("The export failed: {reason}.", "{advice}", True),
    # == procedure messages (the break-glass procedure engine, kiosk/procedures) ==
    "procedure.refused": Message("This step was refused: {reason}.", "Correct it and try again."),
    "procedure.step_failed": Message(
        "The step '{step}' could not be completed: {reason}", "Correct it and submit it again."
    ),
    "procedure.flow_done": Message(
        "The {flow} is already complete.", "Go on with the next phase from the dashboard."
    ),
    "procedure.unknown_field": Message(
        "'{field}' is not asked for by the step '{step}'.", "Fill in only the fields shown."
    ),
    "procedure.field_missing": Message("{field} is required.", "Fill it in.", True),
    "procedure.not_text": Message("This must be text.", "Type it in words.", True),
    "procedure.length": Message(
        "This must be {low} to {high} characters long.", "Shorten or complete it.", True
    ),
    "procedure.control_char": Message(
        "This contains an invisible control character.", "Type it again.", True
    ),
    "procedure.sentences": Message(
        "The reason has {count} sentences; the procedure asks for {low} to {high}.",
        "Summarise the incident in two to three sentences, each ending with a full stop.",
        True,
    ),
    "procedure.not_bool": Message("Answer yes or no.", "Choose one.", True),
    "procedure.must_confirm": Message(
        "This must be confirmed before going on.",
        "Do what it says, then confirm it. If it cannot be done, stop and call security.",
        True,
    ),
    "procedure.choice": Message("Choose one of: {options}.", "Pick one from the list.", True),
    "procedure.naive_time": Message(
        "The time has no time zone.", "Give the time with its zone.", True
    ),
    "procedure.not_time": Message("This is not a time.", "Give a date and time.", True),
    "procedure.future_time": Message(
        "That time is in the future.", "Give the time it actually happened.", True
    ),
    "procedure.not_person": Message(
        "A person needs a name and a role.", "Give both the name and the role.", True
    ),
    "procedure.list": Message("At least {low} item(s) are needed.", "Add them.", True),
    "procedure.not_custodian": Message(
        "{custodian} is not an enrolled custodian.",
        "Choose a person on the approved break-glass access list.",
        True,
    ),
    "procedure.second_person_missing": Message(
        "No second authorised person was named.",
        "Name the second person. If none is available and it is truly urgent, choose solo "
        "access: an executive must then sign off within 1 hour.",
        True,
    ),
    "procedure.same_person": Message(
        "The second authorised person must be someone else.",
        "Dual control needs two different people.",
        True,
    ),
    "procedure.two_people": Message(
        "This step needs two different custodians.",
        "Name a second authorised person with their own key.",
    ),
    "procedure.account_unclear": Message(
        "The inventory does not give one break-glass account for '{system}' (candidates: "
        "{candidates}).",
        "Choose the account from the inventory. If still unclear, consult the system owner and "
        "name them.",
        True,
    ),
    "procedure.mapping_unconfirmed": Message(
        "Account {account} is registered for {system}, not for the system named.",
        "Consult the system owner and name them, or choose the matching account.",
        True,
    ),
    "procedure.no_account": Message(
        "Account {account} is not in the inventory.",
        "Check the inventory, or register the account under dual control first.",
    ),
    "procedure.account_exists": Message(
        "Account {account} is already in the inventory.", "Use another account id.", True
    ),
    "procedure.not_authorised": Message(
        "{name} is not authorised for account {account}.",
        "Only persons on the account's authorised list may retrieve its credentials.",
        True,
    ),
    "procedure.attempts_channels": Message(
        "The approver has not yet been tried by {missing}.",
        "Try phone, messaging and email and record each attempt before proceeding under the "
        "emergency exception.",
        True,
    ),
    "procedure.attempts_approvers": Message(
        "Not every designated approver has been tried: {missing}.",
        "The emergency exception is for when no approver can be reached. Try each of them "
        "and record the attempt before proceeding under it.",
        True,
    ),
    "procedure.approver_declined": Message(
        "{approver} was reached and declined break-glass access ({at}).",
        "The emergency exception is only for approvers who cannot be reached, not for a "
        "refusal: do not proceed. Give the approver the missing information and ask again, "
        "or stop here (nothing has been declared).",
    ),
    "procedure.attempts_too_short": Message(
        "Approvers have been tried for less than {minutes} minutes.",
        "Keep trying and recording attempts; the emergency exception opens in about {left} "
        "minute(s).",
        True,
    ),
    "procedure.no_approval": Message(
        "Neither an approval nor the emergency exception is recorded.",
        "Record the approver's answer, or the attempts to reach one.",
    ),
    "procedure.no_incident": Message(
        "Incident {incident} is not in the journal.", "Choose an incident from the dashboard."
    ),
    "procedure.not_acknowledged": Message(
        "Incident {incident} has not been acknowledged by both parties.",
        "Both parties acknowledge the invocation before anything else.",
    ),
    "procedure.wrong_envelope": Message(
        "Envelope {serial} holds the credentials of {holds}, not of {account}.",
        "Put it back and take the envelope of {account} (sealed: {options}).",
        True,
    ),
    "procedure.not_this_envelope": Message(
        "{serial} is not the envelope of this step ({expected}).",
        "Scan the serial of the envelope in front of you; if they differ, stop and call security.",
        True,
    ),
    "procedure.not_this_incident": Message(
        "Envelope {serial} was not checked out for incident {incident}.",
        "Scan the envelope that was taken out for this incident.",
        True,
    ),
    "procedure.photo_required": Message(
        "A tampered envelope needs a photograph reference.",
        "Photograph the condition and enter the photograph's reference. Do not open it.",
        True,
    ),
    "procedure.sheet_mismatch": Message(
        "The sheet's QR code does not belong to envelope {serial} (it names {scanned}).",
        "Do not use these credentials. Put the sheet back in the envelope and call security.",
    ),
    "procedure.policy_unapproved": Message(
        "The policy file in use (sha256 {policy_hash}…) is not the one the journal recorded.",
        "Nothing else can be done until two custodians approve the change: on the dashboard, "
        "choose 'Approve the changed policy'. If nobody meant to change it, call security.",
    ),
    "procedure.policy_unchanged": Message(
        "The policy file is the one the journal already recorded.", "Nothing to approve."
    ),
    "procedure.no_slip_to_print": Message(
        "Alert {seq} has no slip waiting to be printed again.",
        "Nothing to print: check the alert list.",
    ),
    "procedure.sheet_not_printed": Message(
        "Credential sheet {sheet_ref} did not print: {problem}",
        "That sheet is void, and this was recorded. If any part of it came out of the "
        "printer, shred it now. Then print again: the new sheet gets a new password.",
        True,
    ),
    "procedure.phase_incomplete": Message(
        "The {phase} phase is not complete.",
        "Each phase is completed before the next one starts: finish it first.",
    ),
    "procedure.baseline_required": Message(
        "The baseline reference is missing.",
        "Before changing anything, capture the current state (screenshots, exports) and give "
        "its reference.",
        True,
    ),
    "procedure.status_check_required": Message(
        "The account status has not been verified.",
        "Verify the break-glass account's status in the admin portal with another admin "
        "account, then record it.",
        True,
    ),
    "procedure.before_access": Message(
        "That time is before access was established.", "Give the right time.", True
    ),
    "procedure.justification_required": Message(
        "An action outside the declared reason needs a justification.",
        "Say why it was necessary, or do not perform it: break-glass is for the declared "
        "emergency only.",
        True,
    ),
    "procedure.already_signed": Message(
        "The session record of {incident} is already signed.", "Nothing more to do here."
    ),
    "procedure.record_changed": Message(
        "The session record changed after it was reviewed.",
        "Review the updated record, then sign it.",
        True,
    ),
    "procedure.rotation_not_due": Message(
        "No rotation is due for account {account}: none of its envelopes was opened.",
        "To add an envelope for it, use 'Seal a new envelope'.",
    ),
    "procedure.provider_session_required": Message(
        "Account {account} signs in through {idp}: the sign-in session ID is needed.",
        "Note the sign-in time and session ID from the {idp} sign-in (audit) log and enter "
        "the session ID.",
        True,
    ),
    "procedure.witness_absence": Message(
        "The witness named for this invocation was not present when it was acknowledged.",
        "Record in the review why, and how the invocation was observed instead: the procedure "
        "documents a missing witness in the post-incident report.",
        True,
    ),
    "procedure.invocation_ended": Message(
        "Invocation {incident} has ended: it was stood down, or its envelope went back to end it.",
        "If break-glass access is needed again, declare a new invocation.",
    ),
    "procedure.stand_down_opened": Message(
        "Envelope {serial} was opened for this invocation: it cannot simply end.",
        "Go on with the procedure: log the session (or conclude it as not obtained), "
        "document and sign it; the credential reset follows.",
    ),
    "procedure.no_access_problem": Message(
        "No failed login or unavailable MFA method is recorded for this incident.",
        "Record what went wrong first (Result: login failed, or MFA unavailable, with the "
        "cause and what was checked); then conclude the attempt.",
        True,
    ),
    "procedure.rotation_due": Message(
        "An envelope of account {account} was opened and its credential has not been reset.",
        "Use 'Credential reset' for it: the reset seals the new envelope, destroys the opened "
        "one and records the reset. A new envelope sealed on its own would leave the old "
        "password about.",
    ),
    "procedure.no_old_envelope": Message(
        "No opened envelope of {account} is waiting to be destroyed.", "Call security."
    ),
    "procedure.capacity": Message(
        "Each participant needs a capacity: one of {options}.", "Choose each one's capacity.", True
    ),
    "procedure.participants": Message(
        "The review is missing: {missing}.",
        "Include the invokers, the emergency approver, a security representative and the "
        "system owner.",
        True,
    ),
    "procedure.journal_disagrees": Message(
        "The journal shows {what}.", "Answer 'no' and record it as a finding.", True
    ),
    "procedure.audit_events": Message(
        "Audit events not confirmed: {missing}.",
        "Check the system's audit logs; if an event is missing, investigate before going on.",
        True,
    ),
    "procedure.chain_incomplete": Message(
        "The documentation chain is incomplete: {missing}.",
        "Complete the missing records, then verify again.",
    ),
    "procedure.no_exception": Message(
        "No '{exception}' exception was recorded for this incident.",
        "This step belongs to that troubleshooting path only.",
    ),
    "procedure.duplicate_serial": Message(
        "Serial {serial} was scanned twice.", "Scan each bag once.", True
    ),
    "simulate.what": Message(
        "Say what to simulate: a scenario or a number of years, not both.",
        "Use --scenario NAME (one of {known}) or --years N.",
    ),
    "simulate.unknown_scenario": Message(
        "There is no scenario named '{scenario}'.", "Choose one of: {known}."
    ),
    "simulate.years": Message("{years} years cannot be simulated.", "Choose 1 to 50 years."),
    "simulate.not_empty": Message(
        "{path} already holds a simulated terminal.", "Give an empty or new directory."
    ),
    # == end procedure messages ==
    # == export messages (audit export to USB) ==
    "export.not_approved": Message(
        "The export is not approved: {reason}.",
        "An enrolled auditor and a custodian must approve the export with their keys, "
        "then start it again.",
    ),
    "export.no_volume": Message(
        "No removable USB stick is mounted.",
        "Insert the auditors' USB stick, wait a few seconds, then choose it.",
        True,
    ),
    "export.not_removable": Message(
        "{path} is not a removable volume.",
        "Exports go only to a removable USB stick: choose the stick in the list.",
        True,
    ),
    "export.read_only": Message(
        "The USB stick at {path} is read-only.",
        "Slide the stick's write-protect switch off, or use another stick, then export again.",
        True,
    ),
    "export.medium_full": Message(
        "The USB stick is full: the export needs {needed} bytes and {free} are free.",
        "Nothing valid was left on the stick. Use a stick with more free space, then export again.",
        True,
    ),
    "export.medium_gone": Message(
        "The USB stick went away while the export was being written.",
        "Nothing valid was left on it and the failed attempt is in the journal. Plug the stick "
        "in again (or use another one), then export again.",
        True,
    ),
    "export.write_failed": Message(
        "The export could not be written to the USB stick ({reason}).",
        "Nothing valid was left on it and the failed attempt is in the journal. Try another stick.",
        True,
    ),
    "export.exists": Message(
        "A bundle named {bundle} is already on the stick.",
        "Wait a second, then export again: each bundle gets a new name.",
        True,
    ),
    # == end export messages ==
    # == ui messages ==
    "ui.scan_overlong": Message(
        "That scan was longer than any serial or QR code this terminal expects.",
        "Scan only the envelope's serial barcode or the credential sheet's QR code.",
        True,
    ),
    "ui.no_scan_here": Message(
        "This step does not take a scan.",
        "Finish this step first; the screen asks for a scan when it needs one.",
        True,
    ),
    # == end ui messages ==
}


class _Blank(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "(" + key + ")"


def lookup(code: str) -> Message:
    """The message for ``code``, or the internal-error message if unknown."""
    return MESSAGES.get(code, MESSAGES["internal"])


def render(code: str, params: Mapping[str, Any]) -> str:
    """Fill a message's fields; a missing field shows as ``(name)``, never raises."""
    msg = lookup(code)
    values = _Blank(params)
    what = msg.what.format_map(values)
    nxt = msg.next.format_map(values)
    return f"{what} {nxt}".strip()


def is_retryable(code: str) -> bool:
    return lookup(code).retryable
