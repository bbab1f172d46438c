"""Dates and times written by other servers and API clients, read without trusting them.

Django's `parse_datetime` answers None for text that is no date, but raises ValueError for text
shaped like one that no calendar has ("2024-13-45T12:00:00Z"); and a moment at the very edge of
the calendar with an offset cannot be turned into UTC for the database. Both are None here.
"""

import datetime

from django.utils.dateparse import parse_date, parse_datetime


def read_datetime(value):
    """The datetime `value` writes in ISO 8601 (naive if it names no offset), or None."""
    try:
        moment = parse_datetime(str(value))
        if moment is not None and moment.tzinfo is not None:
            moment.astimezone(datetime.UTC)
    except (ValueError, OverflowError):
        return None
    return moment


def read_date(value):
    """The date `value` writes in ISO 8601 (YYYY-MM-DD), or None."""
    try:
        return parse_date(str(value))
    except ValueError:
        return None
