"""Samizdat's rules inside django-allauth's flows: who may sign up, how mail goes out, how an
outside identity may join an existing account, and where a failed round trip sends the reader."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings

from samizdat.core.clients import client_address
from samizdat.core.http import requests_session

from . import linking, services


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        """Local sign-up as the instance admin chose: open, by invitation, or closed."""
        return services.signup_allowed(request)

    def send_mail(self, template_prefix, email, context):
        """Render the message now (in the reader's language), send it from the worker."""
        message = self.render_mail(template_prefix, email, context)
        services.queue_mail(message)

    def get_client_ip(self, request):
        # allauth keeps this with each signed-in session (the "Sessions" page): only the network
        # (IPv4 /24, IPv6 /48) is kept, enough for a person to recognise it, not to trace them.
        return services.coarse_address(client_address(request))


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request, sociallogin):
        # A provider the admin enabled is for readers too: signing in with it makes a reader's
        # account (no blog, no password), whatever SAMIZDAT_SIGNUP says about local sign-up.
        return True

    def authenticate_by_email(self, sociallogin):
        """The existing account an outside identity may sign in to by its email, if any (see linking)."""
        for address in sociallogin.email_addresses:
            user = linking.account_for_outside_email(
                address.email,
                provider_verified=bool(address.verified),
                provider_trusted=self.provider_verifies_email(sociallogin),
            )
            if user is not None:
                return user, address.email
        return None

    def provider_verifies_email(self, sociallogin):
        """Whether the admin trusts this provider's "verified" flag (all but those set to false)."""
        app = sociallogin.account.get_provider().app
        return (app.settings or {}).get("verified_email", True) is not False if app else False

    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        user.display_name = (data.get("name") or " ".join(
            filter(None, [data.get("first_name"), data.get("last_name")])
        ) or data.get("username") or "")[:150]
        if user.email and not linking.email_may_be_claimed(user.email):
            user.email = ""
        return user

    def pre_social_login(self, request, sociallogin):
        """After the lookup (which may have found the account by a verified address): a new account
        takes no address that another account has, verified or not; it is made without it, rather
        than merged into that account or stopped by it."""
        if sociallogin.is_existing:
            return
        sociallogin.email_addresses = [
            a for a in sociallogin.email_addresses if linking.email_may_be_claimed(a.email)
        ]
        if sociallogin.user.email and not linking.email_may_be_claimed(sociallogin.user.email):
            sociallogin.user.email = ""

    def on_authentication_error(self, request, provider, error=None, exception=None, extra_context=None):
        """A failed round trip: back to the post with the comment kept, or allauth's error page."""
        services.after_failed_round_trip(request, provider, error=error, exception=exception)

    def get_requests_session(self):
        # Every request to a provider (discovery, token, user info) passes the SSRF checks.
        return requests_session(timeout=settings.SOCIALACCOUNT_REQUESTS_TIMEOUT)
