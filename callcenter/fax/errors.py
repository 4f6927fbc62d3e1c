"""Refusals of the fax use cases (``fax.*`` codes; texts in :mod:`callcenter.i18n_en_fax`).

FaxError (a CallCenterError)
 ├── fax.disabled         fax is not enabled in the settings
 ├── fax.not_found        no such fax (or not one this person may see)
 ├── fax.bad_number       the number to send to is not a phone number
 ├── fax.too_large        the upload is larger than ``fax.max_upload_bytes``
 ├── fax.unknown_customer the customer to file the fax under does not exist
 ├── fax.not_pdf / fax.unreadable / fax.timeout / fax.no_ghostscript   the PDF cannot be converted
 └── fax.file_missing     the engine cannot see the fax's file (shared path not mounted?)
"""

from __future__ import annotations

from callcenter.errors import CallCenterError


class FaxError(CallCenterError):
    code = "fax.error"

    def __init__(self, code: str | None = None, **params: object) -> None:
        if code is not None:
            self.code = code
        self.params = params
        super().__init__(f"{self.code} {params}" if params else self.code)
