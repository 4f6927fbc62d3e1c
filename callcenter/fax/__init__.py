"""Fax over Asterisk (res_fax + res_fax_spandsp): receiving on a fax number, sending an agent's PDF.

The documents and results live in :mod:`recorder.fax` / :mod:`recorder.fax_files`; the records in
:mod:`crm_core.faxes`; the work item in :mod:`callcenter.conversations.fax`. See docs/FAX.md.
"""
