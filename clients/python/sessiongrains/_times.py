"""Reading the API's times: ISO 8601 with an offset, to aware datetimes."""

from __future__ import annotations

from datetime import datetime, timezone


def parse_time(text: str) -> datetime:
    """An aware ``datetime`` from the API's ISO 8601 text (up to 7 fractional digits; Python keeps 6).

    The server always sends an offset; a time without one would be ambiguous, so it is taken as UTC rather than
    left naive, which would not compare with aware times.
    """
    value = datetime.fromisoformat(text)
    return value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)
