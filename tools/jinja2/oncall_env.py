"""A Jinja2 environment configured the way Grafana OnCall configures its own.

OnCall renders templates in a ``jinja2.sandbox.SandboxedEnvironment`` with a
few extra filters, a ``time`` global and ``range`` disabled. The filters below
follow OnCall's documented behaviour (most return ``None`` where Python raises
ValueError, AttributeError or TypeError). They are written for this harness;
they exist only to produce reference outputs for Dozor's specs.
"""

import base64
import datetime as dt
import json
import re
from zoneinfo import ZoneInfo

import regex
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

DEFAULT_FORMAT = "%H:%M / %d-%m-%Y"
_CAUGHT = (ValueError, AttributeError, TypeError)


def _none_on_error(fn):
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except _CAUGHT:
            return None

    wrapper.__name__ = fn.__name__
    return wrapper


def datetimeformat(value, format=DEFAULT_FORMAT):
    try:
        return value.strftime(format)
    except AttributeError:
        return None


@_none_on_error
def datetimeformat_as_timezone(value, format=DEFAULT_FORMAT, tz="UTC"):
    return value.astimezone(ZoneInfo(tz)).strftime(format)


@_none_on_error
def datetimeparse(value, format=DEFAULT_FORMAT):
    return dt.datetime.strptime(value, format)


@_none_on_error
def timestamp_to_datetime(value):
    # OnCall runs in UTC; make the harness independent of the local zone.
    return dt.datetime.fromtimestamp(value, dt.timezone.utc).replace(tzinfo=None)


_DJANGO_DATETIME = re.compile(
    r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})"
    r"[T ](?P<hour>\d{1,2}):(?P<minute>\d{1,2})"
    r"(?::(?P<second>\d{1,2})(?:[.,](?P<microsecond>\d{1,6})\d{0,6})?)?"
    r"\s*(?P<tzinfo>Z|[+-]\d{2}(?::?\d{2})?)?$"
)


def _parse_datetime(value):
    """Django's ``parse_datetime``: ``fromisoformat`` first, then a lenient regex."""
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError:
        m = _DJANGO_DATETIME.match(value)
        if not m:
            return None
        kw = m.groupdict()
        kw["microsecond"] = kw["microsecond"] and kw["microsecond"].ljust(6, "0")
        tz = kw.pop("tzinfo")
        if tz == "Z":
            tz = dt.timezone.utc
        elif tz is not None:
            minutes = int(tz[-2:]) if len(tz) > 3 else 0
            offset = 60 * int(tz[1:3]) + minutes
            if tz[0] == "-":
                offset = -offset
            sign = "-" if offset < 0 else "+"
            tz = dt.timezone(dt.timedelta(minutes=offset), "%s%02d%02d" % ((sign,) + divmod(abs(offset), 60)))
        kw = {k: int(v) for k, v in kw.items() if v is not None}
        return dt.datetime(**kw, tzinfo=tz)


@_none_on_error
def iso8601_to_time(value):
    return _parse_datetime(value)


_RANGE_DURATION = regex.compile(r"^(?P<sign>[-+]?)(?P<amount>\d+)(?P<unit>[smhdwMQy])$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


@_none_on_error
def timedeltaparse(value):
    m = _RANGE_DURATION.match(value)
    if not m or m["unit"] not in _UNITS:
        return None
    amount = int(m["amount"]) * (-1 if m["sign"] == "-" else 1)
    return dt.timedelta(**{_UNITS[m["unit"]]: amount})


@_none_on_error
def tojson_pretty(value):
    return json.dumps(value, sort_keys=True, indent=4, separators=(",", ": "), ensure_ascii=False)


@_none_on_error
def json_dumps(value):
    return json.dumps(value)


def _none_on_regex_error(fn):
    """Regex filters also turn OnCall's 2-second timeout into None."""

    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except _CAUGHT + (TimeoutError,):
            return None

    wrapper.__name__ = fn.__name__
    return wrapper


@_none_on_regex_error
def regex_replace(value, find, replace):
    return regex.sub(find, replace, value, timeout=2)


@_none_on_regex_error
def regex_match(subject, pattern):
    return bool(regex.match(pattern, subject, timeout=2))


@_none_on_regex_error
def regex_search(subject, pattern):
    return bool(regex.search(pattern, subject, timeout=2))


@_none_on_error
def b64decode(value):
    return base64.b64decode(value).decode("utf-8")


@_none_on_error
def parse_json(value):
    return json.loads(value)


def _restricted(name):
    def fn(*args, **kwargs):
        raise SecurityError(f"use of '{name}' is restricted")

    return fn


def make_env(now):
    env = SandboxedEnvironment()
    env.filters.update(
        datetimeformat=datetimeformat,
        datetimeformat_as_timezone=datetimeformat_as_timezone,
        datetimeparse=datetimeparse,
        iso8601_to_time=iso8601_to_time,
        timedeltaparse=timedeltaparse,
        timestamp_to_datetime=timestamp_to_datetime,
        tojson_pretty=tojson_pretty,
        json_dumps=json_dumps,
        regex_replace=regex_replace,
        regex_match=regex_match,
        regex_search=regex_search,
        b64decode=b64decode,
        parse_json=parse_json,
    )
    env.globals["time"] = lambda: now
    env.globals["range"] = _restricted("range")
    return env
