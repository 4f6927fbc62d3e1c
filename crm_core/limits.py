"""Maximum field lengths, shared by the schema and the validators."""

from __future__ import annotations

NAME = 200
SHORT = 64
CODE = 32
PHONE_RAW = 64
E164 = 20
EMAIL = 254
LANGUAGE = 16
NOTE = 2000
ADDRESS_LINE = 200
POSTAL_CODE = 20
COUNTRY = 2
TITLE = 200
REASON = 200
PATH = 500
EXTERNAL_REF = 128
TAG = 64
ARTICLE_BODY = 100_000
SEARCH_QUERY = 500
SEARCH_TERM = 96
TICKET_TEXT = 10_000
# The largest row id: ids are 64-bit signed integers (BIGINT; SQLite's INTEGER).
ROW_ID = 2**63 - 1
