"""Numbers the API takes, bounded to what the database can hold: a bigger one is bad input (422)
rather than an overflow deep in the database driver (500)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

from crm_core import limits

ROW_ID_MAX = limits.ROW_ID
# A row id in the path: /api/customers/{customer_id}.
RowId = Annotated[int, Path(ge=1, le=ROW_ID_MAX)]
# How many rows a list returns.
PageSize = Annotated[int, Query(ge=1, le=1000)]
