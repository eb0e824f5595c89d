"""Messages about security keys and approvals: WebAuthn, FIDO2 devices, dual control,
enrolment, unlocking with a key.
"""

from __future__ import annotations

from kiosk.errors.messages.message import Message

MESSAGES: dict[str, Message] = {
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
    "approval.refused": Message("The approval was refused: {reason}.", "{advice}"),
}
