"""The e-mail channel: IMAP intake (raw first), threading, acknowledgements, SMTP replies.

``build_email_channel`` (in :mod:`callcenter.email.channel`) is the one entry point the engine uses.
"""
