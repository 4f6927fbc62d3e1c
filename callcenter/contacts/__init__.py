"""Contacts on any channel (calls now; chats, e-mails, voicemails and faxes next).

``lifecycle`` is the pure state machine every contact goes through, from arrival to its end.
"""
