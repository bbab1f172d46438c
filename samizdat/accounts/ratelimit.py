"""Rate limits counted in the database, so they hold across worker processes and restarts.

Plain functions over `Attempt` rows, one action name each: sign-in and two-factor codes count
failures; sign-up and password reset count every request (each one may send an email); the
federation inbox can use them with its own action name. Each limit allows `max_failures`
failures of one identity (an account or a client address) within a sliding `window`; past that,
the caller answers 429 with the seconds returned by `retry_after`. The APIs count wrong
credentials per address (as sign-in counts wrong passwords) and writes per account.

Identities are stored only as keyed hashes (HMAC-SHA256 with SECRET_KEY). Whoever holds the
server holds the key and could still test guesses (IPv4 has few addresses), so rows are also
deleted once older than the longest window (`purge_attempts`).
"""

import datetime
import ipaddress
import math
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.crypto import salted_hmac

from .models import Attempt

_SALT = "samizdat.accounts.ratelimit"
LOGIN = "login"
MFA = "mfa"
REAUTHENTICATE = "reauthenticate"
FEDIVERSE_APP = "fediverse_app"
SIGNUP = "signup"
PASSWORD_RESET = "password_reset"
API_AUTH = "api_auth"
API_WRITE = "api_write"
WEBMENTION = "webmention"
HOUR = datetime.timedelta(hours=1)
MINUTE = datetime.timedelta(minutes=1)
# Counted over the sign-in window (SAMIZDAT_LOGIN_RATE_WINDOW); the others within an hour at most.
_LOGIN_WINDOW_ACTIONS = [LOGIN, MFA, REAUTHENTICATE, API_AUTH]


@dataclass(frozen=True)
class Limit:
    """At most `max_failures` failures of the identity `field`=`key` within `window`."""

    field: str  # "account" or "address"
    key: str
    max_failures: int
    window: datetime.timedelta


def _hash(kind, value):
    return salted_hmac(f"{_SALT}.{kind}", value, algorithm="sha256").hexdigest()


def account_key(username):
    """The keyed hash standing for a typed username, whether or not such an account exists."""
    return _hash("account", (username or "").strip().casefold())


def address_key(ip):
    """The keyed hash standing for a client address; IPv6 counts by /64, what one host gets."""
    try:
        address = ipaddress.ip_address((ip or "").strip())
    except ValueError:
        return _hash("address", ip or "")
    if address.version == 6 and address.ipv4_mapped:
        address = address.ipv4_mapped
    if address.version == 6:
        return _hash("address", str(ipaddress.ip_network(f"{address}/64", strict=False)))
    return _hash("address", str(address))


def retry_after(action, limits, *, now=None):
    """Seconds to wait before `action` may be tried again under `limits`; 0 when it may now."""
    now = now or timezone.now()
    wait = 0
    for limit in limits:
        if limit.max_failures <= 0:
            continue
        recent = (
            Attempt.objects.filter(action=action, created_at__gt=now - limit.window, **{limit.field: limit.key})
            .order_by("-created_at")
            .values_list("created_at", flat=True)[: limit.max_failures]
        )
        recent = list(recent)
        if len(recent) >= limit.max_failures:
            # Free again when the oldest of the last max_failures failures leaves the window.
            free_at = recent[-1] + limit.window
            wait = max(wait, math.ceil((free_at - now).total_seconds()))
    return max(wait, 0)


def record_failure(action, *, account="", address="", now=None):
    """Count one failure of `action` against the given identities (hashes from the *_key functions)."""
    Attempt.objects.create(action=action, account=account, address=address, created_at=now or timezone.now())


def clear_failures(action, *, account):
    """Forget an account's failures of `action`, after it succeeded; the address's stay counted."""
    Attempt.objects.filter(action=action, account=account).update(account="")


def purge_attempts(*, now=None):
    """Delete attempts older than their action's window; how many."""
    now = now or timezone.now()
    login_window = datetime.timedelta(seconds=settings.SAMIZDAT_LOGIN_RATE_WINDOW)
    old = Attempt.objects.filter(action__in=_LOGIN_WINDOW_ACTIONS, created_at__lt=now - login_window)
    deleted, _by_model = old.delete()
    old = Attempt.objects.exclude(action__in=_LOGIN_WINDOW_ACTIONS).filter(created_at__lt=now - HOUR)
    deleted_hourly, _by_model = old.delete()
    return deleted + deleted_hourly


def login_limits(username, ip):
    """The sign-in limits for a typed username coming from a client address."""
    window = datetime.timedelta(seconds=settings.SAMIZDAT_LOGIN_RATE_WINDOW)
    return [
        Limit("account", account_key(username), settings.SAMIZDAT_LOGIN_RATE_PER_ACCOUNT, window),
        Limit("address", address_key(ip), settings.SAMIZDAT_LOGIN_RATE_PER_ADDRESS, window),
    ]


def mfa_limits(user_pk, ip):
    """Tries of a signed-in or half-signed-in account (a two-factor code, the password asked again
    before a sensitive change): as for sign-in, so a stolen session is no way to guess a password."""
    window = datetime.timedelta(seconds=settings.SAMIZDAT_LOGIN_RATE_WINDOW)
    return [
        Limit("account", account_key(f"user:{user_pk}"), settings.SAMIZDAT_LOGIN_RATE_PER_ACCOUNT, window),
        Limit("address", address_key(ip), settings.SAMIZDAT_LOGIN_RATE_PER_ADDRESS, window),
    ]


def signup_limits(ip):
    """Sign-ups sent from one client address within an hour."""
    return [Limit("address", address_key(ip), settings.SAMIZDAT_SIGNUP_RATE_PER_HOUR, HOUR)]


def password_reset_limits(email, ip):
    """Password-reset requests for one typed address, and from one client address, within an hour."""
    per_hour = settings.SAMIZDAT_PASSWORD_RESET_RATE_PER_HOUR
    return [Limit("account", account_key(email), per_hour, HOUR), Limit("address", address_key(ip), per_hour, HOUR)]


def fediverse_app_limits(ip):
    """Servers one client address may make the instance register with (fediverse sign-in) in an hour:
    each is an outgoing request and a stored app, so typing names in a loop must not be free."""
    return [Limit("address", address_key(ip), settings.SAMIZDAT_FEDIVERSE_REGISTRATIONS_PER_HOUR, HOUR)]


def api_auth_limits(ip):
    """Wrong API credentials (tokens, application passwords) sent from one client address."""
    window = datetime.timedelta(seconds=settings.SAMIZDAT_LOGIN_RATE_WINDOW)
    return [Limit("address", address_key(ip), settings.SAMIZDAT_API_AUTH_FAILURES_PER_ADDRESS, window)]


def api_write_limits(user_pk):
    """Writes through the APIs by one account a minute, whichever of its credentials it uses."""
    return [Limit("account", account_key(f"user:{user_pk}"), settings.SAMIZDAT_API_WRITES_PER_MINUTE, MINUTE)]


def webmention_limits(ip):
    """Webmentions one client address may have accepted in an hour: each queues a fetch of its
    source by the worker, and the endpoint takes no credentials."""
    return [Limit("address", address_key(ip), settings.SAMIZDAT_WEBMENTION_RATE_PER_HOUR, HOUR)]
