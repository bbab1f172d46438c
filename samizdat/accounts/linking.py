"""When an outside identity (a provider's account) may join an existing local account.

The rule (issue #4, "linking without hijacking"): an outside identity is linked to an existing
account only after that account's owner proves control of it, either by being signed in to it
when they connect the identity (allauth's "connect" flow), or by a verified email address on both
sides: the provider says it verified the address, the admin trusts that provider's word, and the
local account verified the same address with us. An unverified address, on either side, never
merges accounts, and never blocks a sign-in either: the outside identity then gets an account of
its own, without that address.
"""

from allauth.account.models import EmailAddress
from django.db.models import Q

from .models import User


def account_for_outside_email(email, *, provider_verified, provider_trusted):
    """The account an outside identity with `email` may sign in to, or None."""
    if not (email and provider_verified and provider_trusted):
        return None
    row = (
        EmailAddress.objects.select_related("user")
        .filter(email__iexact=email.strip(), verified=True, user__is_active=True)
        .first()
    )
    return row.user if row else None


def email_may_be_claimed(email):
    """Whether a new account may take `email`: no account has it yet, verified or not."""
    email = (email or "").strip()
    if not email:
        return False
    taken = User.objects.filter(Q(email__iexact=email) | Q(emailaddress__email__iexact=email)).exists()
    return not taken
