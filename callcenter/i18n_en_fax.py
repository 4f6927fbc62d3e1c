"""English texts of fax: refusals, the fax pane, and the system line of a fax work item."""

from __future__ import annotations

from typing import Final

TEXTS_EN_FAX: Final[dict[str, str]] = {
    # errors
    "fax.error": "The fax could not be handled.",
    "fax.disabled": "Fax is not enabled.",
    "fax.not_found": "No such fax.",
    "fax.not_yours": "This fax belongs to another agent's work.",
    "fax.bad_number": "Enter a fax number: digits, optionally starting with +.",
    "fax.too_large": "The document is larger than allowed ({limit} bytes).",
    "fax.unknown_customer": "There is no customer {customer_id}.",
    "fax.not_pdf": "Only PDF documents can be faxed.",
    "fax.unreadable": "The PDF cannot be read; save it again as PDF and retry.",
    "fax.timeout": "Converting the PDF took too long; send a shorter or simpler document.",
    "fax.no_ghostscript": "The server cannot convert PDF to fax (ghostscript is not installed).",
    "fax.file_missing": (
        "The fax document is not visible to the server ({path}); check the shared fax directory."
    ),
    # why a fax failed (stored as "<code>: <detail>"; Asterisk's own FAXERROR texts are shown as sent)
    "fax.line_not_taken": "The line did not take the call (busy or no answer).",
    "fax.pbx_refused": "Asterisk refused to place the fax call.",
    "fax.no_result": "The end of the fax call was never reported.",
    "fax.interrupted": "The server restarted during the fax call; its result is unknown.",
    "fax.file_unreadable": "The received fax file cannot be read.",
    # the first line of a fax work item
    "conversation.system.fax_received": "A fax arrived.",
    "conversation.system.fax_failed": "A fax call came in but the fax failed; see its error.",
    # the fax pane
    "ui.fax.title": "Fax",
    "ui.fax.inbox": "Faxes to handle",
    "ui.fax.empty": "No fax to handle.",
    "ui.fax.sent": "Sent faxes",
    "ui.fax.send": "Send a fax",
    "ui.fax.number": "Fax number",
    "ui.fax.document": "PDF document",
    "ui.fax.customer_id": "Customer id (optional)",
    "ui.fax.send_button": "Send fax",
    "ui.fax.queued": "The fax is being sent.",
    "ui.fax.from": "From",
    "ui.fax.to": "To",
    "ui.fax.station": "Station id",
    "ui.fax.pages": "Pages",
    "ui.fax.attempts": "Attempts",
    "ui.fax.error": "Error",
    "ui.fax.download": "Download PDF",
    "ui.fax.no_document": "No document was received.",
    "ui.fax.status.pending": "Waiting to retry",
    "ui.fax.status.sending": "Sending",
    "ui.fax.status.done": "Done",
    "ui.fax.status.failed": "Failed",
}
