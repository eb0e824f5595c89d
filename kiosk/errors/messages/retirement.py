"""Messages about retiring a terminal (``sealroom retire``, issue 21)."""

from __future__ import annotations

from kiosk.errors.messages.message import Message

MESSAGES: dict[str, Message] = {
    "terminal.retire_unfinished": Message(
        "This terminal was retired (entry {seq}), but its final audit export was not written; "
        "it must not run, and its key material is kept until the export exists.",
        "Plug in a USB stick for the final export and run 'sealroom retire' again with two "
        "custodians and an auditor: it writes the export, prints the certificate and "
        "destroys the key material.",
    ),
    "terminal.no_final_export": Message(
        "The key material is destroyed only after a final audit export holds the retirement "
        "(entry {seq}).",
        "Write the final export first: run 'sealroom retire' again.",
    ),
    "retire.no_auditor": Message(
        "The final export needs an enrolled auditor and a custodian, and none of the people "
        "named is an auditor.",
        "Name the auditor who takes the final export with --auditor, or enrol one first.",
    ),
    "retire.not_a_stick": Message(
        "{path} is not a directory where a USB stick is mounted.",
        "Plug in the stick for the final export and give the folder it is mounted at.",
    ),
    "retire.certificate_exists": Message(
        "{path} already exists; the certificate is never written over another file.",
        "Give a new file name.",
    ),
    "retire.no_certificate": Message(
        "This retired terminal's note does not hold the certificate's facts.",
        "Use the certificate printed at the retirement, or the final export's head with "
        "'sealroom verify'.",
    ),
}
