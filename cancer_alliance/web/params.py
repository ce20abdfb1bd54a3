"""Checks for query-string values, so nothing typed into a URL is echoed back unchecked.

Each check refuses an unexpected value with a fixed message (never repeating the value),
because a query string may carry anything, including a patient identifier.
"""

from __future__ import annotations

import re

from fastapi import HTTPException

from cancer_alliance.dataset import periods
from cancer_alliance.web import data

ORG_CODE = re.compile(r"^[A-Z0-9]{3,5}$")


def period(value: str | None) -> str | None:
    if value and not periods.is_month(value):
        raise HTTPException(400, "The period must be a month written YYYY-MM.")
    return value or None


def org_code(value: str | None) -> str | None:
    if value and not ORG_CODE.match(value):
        raise HTTPException(400, "That is not an organisation code.")
    return value or None


def standard(value: str) -> str:
    if value not in data.standard_defs():
        raise HTTPException(404, "There is no such standard.")
    return value


def breakdown(value: str) -> str:
    if value not in data.BREAKDOWNS:
        raise HTTPException(400, "That breakdown is not offered.")
    return value


def tumour_group(con, value: str | None) -> str | None:
    """A tumour group code from the reference data (404 for any other value)."""
    if not value:
        return None
    if value not in set(data.tumour_groups(con)["tumour_group"]):
        raise HTTPException(404, "There is no such tumour group.")
    return value
