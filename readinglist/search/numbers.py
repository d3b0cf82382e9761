"""Dates as the index stores them: small integers, which index as few range terms."""

from __future__ import annotations

import datetime as dt

_EPOCH = dt.datetime(1970, 1, 1)


def day_number(day: dt.date) -> int:
    """A publication date: days since 1970-01-01."""
    return (day - _EPOCH.date()).days


def minute_number(when: dt.datetime) -> int:
    """A moment: minutes since 1970-01-01 UTC (naive datetimes are taken as UTC)."""
    if when.tzinfo is not None:
        when = when.astimezone(dt.UTC).replace(tzinfo=None)
    return int((when - _EPOCH).total_seconds() // 60)
