"""The recorder: call recordings, voicemail and fax as records (files, metadata, retention).

No telephony here: pure cores over plain values, and thin adapters to the file system and the CRM
database. The engine (``callcenter``) feeds it from call events and serves its files to the desktop.
Recordings: ``files`` (checking and removing a file), ``recordings`` (the index), ``retention``.
"""
