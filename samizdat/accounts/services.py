import ipaddress
import logging
from types import SimpleNamespace
from urllib.parse import urlsplit

from allauth.account.models import EmailAddress
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import get_adapter as get_social_adapter
from allauth.socialaccount.models import SocialAccount
from allauth.utils import build_absolute_uri
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from . import mail
from .models import User

logger = logging.getLogger(__name__)


def create_user(username, password, *, email="", display_name="", is_superuser=False):
    """Create a local account; the instance admin when `is_superuser`."""
    user = User(username=username, email=email, display_name=display_name)
    user.set_password(password)
    user.is_staff = user.is_superuser = is_superuser
    user.full_clean(exclude=["password"])
    user.save()
    if email:
        # The admin who makes an account vouches for its address.
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def create_placeholder_user(username, *, email="", display_name=""):
    """An account that cannot sign in (no usable password), standing for an imported author.

    The username gets a number when taken; an admin can later hand the account over with a
    password reset, or merge it by hand.
    """
    base, n = username[:140] or "author", 2
    while User.objects.filter(username__iexact=username).exists():
        username = f"{base}-{n}"
        n += 1
    user = User(username=username, email=email, display_name=display_name)
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    return user


# Sign-up: who may create a local account (SAMIZDAT_SIGNUP), and invitations that open it.

INVITED_SESSION_KEY = "samizdat_signup_invited"


def signup_allowed(request):
    """Whether this visitor may create a local account now."""
    mode = settings.SAMIZDAT_SIGNUP
    if mode == "open":
        return True
    return mode == "invite" and bool(request.session.get(INVITED_SESSION_KEY))


def note_invitation(request, token):
    """Remember that this visitor holds an invitation (to a blog), which opens sign-up by invitation."""
    request.session[INVITED_SESSION_KEY] = token


def forget_invitation(request):
    request.session.pop(INVITED_SESSION_KEY, None)


def coarse_address(ip):
    """The network an address is in (IPv4 /24, IPv6 /48), written as an address; "0.0.0.0" if none."""
    try:
        address = ipaddress.ip_address((ip or "").strip())
    except ValueError:
        return "0.0.0.0"
    prefix = 24 if address.version == 4 else 48
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False).network_address)


# Mail: rendered in the request (in the reader's language), stored with its transaction, sent by the worker.


def queue_mail(message):
    """Send an email message from the worker, once the current transaction commits (samizdat.accounts.mail)."""
    mail.queue(message)


# Round trips to outside providers: where the reader started, so a failure brings them back there.

RETURN_SESSION_KEY = "samizdat_signin_return"


def absolute(request, path):
    """`path` as an absolute URL, built as allauth builds its callback addresses."""
    return build_absolute_uri(request, path)


def remember_return(request, url):
    """Note the (local) page a reader leaves from to sign in elsewhere."""
    if url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        request.session[RETURN_SESSION_KEY] = url


CONNECTING_SESSION_KEY = "samizdat_signin_connecting"


def note_connecting(request, provider_id):
    """The reader pressed this provider's icon here: its "Connecting…" page may go on by itself."""
    request.session[CONNECTING_SESSION_KEY] = provider_id


def take_connecting(request, provider_id):
    """Whether the reader just pressed this provider's icon (once). A link from elsewhere to the
    "Connecting…" page finds nothing here, so that page waits for a click (see SOCIALACCOUNT_LOGIN_ON_GET)."""
    return request.session.pop(CONNECTING_SESSION_KEY, None) == provider_id


def after_failed_round_trip(request, provider, *, error=None, exception=None):
    """Say what went wrong and send the reader back to where they started, if we know it.

    Raises ImmediateHttpResponse with that redirect; returns (for allauth's error page) otherwise.
    """
    url = request.session.pop(RETURN_SESSION_KEY, "")
    name = getattr(provider, "name", "") or _("the other site")
    if error == "cancelled":
        message = _("Signing in with %(provider)s was cancelled.") % {"provider": name}
    elif exception is not None and not isinstance(exception, (PermissionDenied, OAuth2Error)):
        # The provider could not be reached, or answered something that is not OAuth (garbage).
        message = _("%(provider)s could not be reached or gave an answer we could not use. Please try again later.") % {
            "provider": name
        }
    else:
        # A state we did not send (tampered, or another browser's), or a code the provider refused
        # (replayed, or from another round trip).
        message = _("Signing in with %(provider)s did not work: the answer did not match the request we sent. Please try again.") % {"provider": name}
    logger.info("outside sign-in failed: provider=%s error=%s exception=%r", name, error, exception)
    messages.error(request, message)
    if url:
        raise ImmediateHttpResponse(redirect(url))


def failed_round_trip_response(request, exception):
    """The answer to a provider failure that allauth let through: back where the reader was, or sign-in."""
    match = request.resolver_match
    provider_id = (match.kwargs or {}).get("provider_id") or (match.url_name or "").rsplit("_", 1)[0]
    provider = SimpleNamespace(name=_provider_display_name(request, provider_id))
    try:
        after_failed_round_trip(request, provider, exception=exception)
    except ImmediateHttpResponse as back:
        return back.response
    return redirect(settings.LOGIN_URL)


def authorization_origin(request, match):
    """The origin (scheme://host[:port]) of the provider's authorization endpoint, for a provider
    login URL's match; "" when it cannot be told (allauth then reports the failure itself)."""
    provider_id = (match.kwargs or {}).get("provider_id") or (match.url_name or "").rsplit("_", 1)[0]
    try:
        provider = get_social_adapter(request).get_provider(request, provider_id)
        url = provider.get_oauth2_adapter(request).authorize_url
    except Exception:  # noqa: BLE001 (a provider down or misconfigured: the POST says so)
        return ""
    parts = urlsplit(url or "")
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else ""


def _provider_display_name(request, provider_id):
    try:
        provider = get_social_adapter(request).get_provider(request, provider_id)
    except Exception:  # noqa: BLE001 (only for a name in a message)
        return provider_id
    return (provider.app.name if provider.app else "") or provider.name


# A person's own data (privacy): what the accounts app holds, and deleting the account.


def email_addresses_of(user):
    """Every address the account has (verified or not), lower-cased."""
    found = {a.lower() for a in EmailAddress.objects.filter(user=user).values_list("email", flat=True)}
    if user.email:
        found.add(user.email.lower())
    return sorted(found)


def profile_data_of(user):
    """The account's own data, as plain values for the person's download."""
    return {
        "username": user.username, "display_name": user.display_name, "bio": user.bio,
        "language": user.language,
        "date_joined": user.date_joined.isoformat(),
        "last_login": user.last_login.isoformat() if user.last_login else None,
        "email_addresses": [
            {"email": a.email, "verified": a.verified, "primary": a.primary}
            for a in EmailAddress.objects.filter(user=user).order_by("email")
        ],
        "outside_accounts": [
            {"provider": a.provider, "uid": a.uid, "date_joined": a.date_joined.isoformat()}
            for a in SocialAccount.objects.filter(user=user).order_by("provider")
        ],
        "two_factor": sorted(user.authenticator_set.values_list("type", flat=True)),
    }


def delete_account(user):
    """Delete the account and what hangs on it (addresses, sessions, outside identities, two-factor)."""
    user.delete()
