"""The account pages that are ours: allauth's, with our rate limits in front (429 and Retry-After)."""

from allauth.account.views import LoginView, PasswordResetView, ReauthenticateView, SignupView
from allauth.mfa.base.views import AuthenticateView
from allauth.mfa.base.views import ReauthenticateView as MfaReauthenticateView
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_POST
from django.utils.translation import ngettext

from samizdat.core.clients import client_address

from . import providers, ratelimit, services
from .fediverse_apps import FediverseError
from .indieauth.client import IndieAuthError


def _refusal(wait, *, sign_in=True):
    minutes = max(1, round(wait / 60))
    if sign_in:
        message = ngettext(
            "Too many failed sign-in attempts. Please wait about %(minutes)d minute and try again.",
            "Too many failed sign-in attempts. Please wait about %(minutes)d minutes and try again.",
            minutes,
        )
    else:
        message = ngettext(
            "Too many requests from here. Please wait about %(minutes)d minute and try again.",
            "Too many requests from here. Please wait about %(minutes)d minutes and try again.",
            minutes,
        )
    return message % {"minutes": minutes}


class LimitedFormMixin:
    """Answer 429 with Retry-After, before the form is even looked at, while a limit is reached.

    `limits()` gives the limits of this request; failures are counted by `counts_failures` views
    (a wrong password), every request by the others (each may send an email).
    """

    action = ""
    counts_failures = True

    def limits(self):
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        limits = self.limits()
        wait = ratelimit.retry_after(self.action, limits)
        if wait:
            return self.refused(wait)
        keys = {limit.field: limit.key for limit in limits}
        response = super().post(request, *args, **kwargs)
        failed = response.status_code == 200 and request.method == "POST"
        if failed or not self.counts_failures:
            ratelimit.record_failure(self.action, **keys)
        elif "account" in keys:
            ratelimit.clear_failures(self.action, account=keys["account"])
        return response

    def refused(self, wait):
        form = self.get_form_class()(**self.refused_form_kwargs())
        context = self.get_context_data(form=form, refused=_refusal(wait, sign_in=self.counts_failures))
        response = self.render_to_response(context, status=429)
        response["Retry-After"] = str(wait)
        return response

    def refused_form_kwargs(self):
        # What the person typed stays in the form (but passwords, which are never sent back).
        typed = {k: v[:254] for k, v in self.request.POST.items() if "password" not in k and k != "csrfmiddlewaretoken"}
        return {"initial": typed}


class SignInView(LimitedFormMixin, LoginView):
    """allauth's sign-in, refused with 429 after too many failures per typed login and per address.

    The check comes before the password is tried, so even the right password waits; unknown
    logins count like known ones, so the answer tells nothing about which accounts exist.
    """

    action = ratelimit.LOGIN

    def limits(self):
        return ratelimit.login_limits(self.request.POST.get("login", ""), client_address(self.request))

    def refused_form_kwargs(self):
        return {"request": self.request, **super().refused_form_kwargs()}


class LimitedSignupView(LimitedFormMixin, SignupView):
    """Sign-up, at most SAMIZDAT_SIGNUP_RATE_PER_HOUR tries an hour from one address."""

    action = ratelimit.SIGNUP
    counts_failures = False

    def limits(self):
        return ratelimit.signup_limits(client_address(self.request))


class LimitedPasswordResetView(LimitedFormMixin, PasswordResetView):
    """Password reset by email, limited per typed address and per client address."""

    action = ratelimit.PASSWORD_RESET
    counts_failures = False

    def limits(self):
        return ratelimit.password_reset_limits(self.request.POST.get("email", ""), client_address(self.request))


class LimitedReauthenticateMixin(LimitedFormMixin):
    """The password (or a two-factor code) asked again before a sensitive change, such as adding an
    email address or turning two-factor off: wrong answers count against the account and the address."""

    action = ratelimit.REAUTHENTICATE

    def limits(self):
        return ratelimit.mfa_limits(self.request.user.pk, client_address(self.request))

    def refused_form_kwargs(self):
        return {"user": self.request.user, **super().refused_form_kwargs()}


class LimitedReauthenticateView(LimitedReauthenticateMixin, ReauthenticateView):
    pass


class LimitedMfaReauthenticateView(LimitedReauthenticateMixin, MfaReauthenticateView):
    pass


def not_offered(request):
    raise Http404


class LimitedAuthenticateView(AuthenticateView):
    """The two-factor code page: wrong codes count against the account and the address, as passwords do."""

    def post(self, request, *args, **kwargs):
        limits = ratelimit.mfa_limits(self.stage.login.user.pk, client_address(request))
        wait = ratelimit.retry_after(ratelimit.MFA, limits)
        if wait:
            response = self.render_to_response(self.get_context_data(refused=_refusal(wait)), status=429)
            response["Retry-After"] = str(wait)
            return response
        response = super().post(request, *args, **kwargs)
        keys = {limit.field: limit.key for limit in limits}
        if response.status_code == 200:
            ratelimit.record_failure(ratelimit.MFA, **keys)
        else:
            ratelimit.clear_failures(ratelimit.MFA, account=keys["account"])
        return response


def _start_elsewhere(request, start, errors, field):
    """The sign-in page's fediverse and website forms: on to the reader's server, or back with why not."""
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    back = reverse("accounts:login") + (f"?{urlencode({'next': next_url})}" if next_url else "")
    try:
        key, url = start(request, request.POST.get(field, ""), next_url=next_url)
    except errors as refused:
        messages.error(request, str(refused))
        return redirect(back)
    services.remember_return(request, back)
    services.note_connecting(request, key)
    return redirect(url)


@require_POST
def fediverse_sign_in(request):
    """The sign-in page's "Log in with your fediverse account"."""
    return _start_elsewhere(request, providers.fediverse_login_url, FediverseError, "fediverse")


@require_POST
def indieauth_sign_in(request):
    """The sign-in page's "Log in with your own website"."""
    return _start_elsewhere(request, providers.indieauth_connecting_url, IndieAuthError, "indieauth")
