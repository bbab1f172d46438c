"""The OpenID Connect / OAuth 2 authorize step in our style, with remembered consent; avatars."""

import re
from urllib.parse import parse_qs, urlsplit

from django.http import HttpResponse
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from oauth2_provider.exceptions import OAuthToolkitError
from oauth2_provider.models import Application
from oauth2_provider.views import AuthorizationView as DOTAuthorizationView

from samizdat.accounts.models import User
from samizdat.core.middleware import CONTENT_SECURITY_POLICY
from samizdat.social.avatars import identicon_svg

from . import services
from .scopes import SCOPES

# A host name, IPv4 or [IPv6] address and port: nothing that could end a CSP directive.
SAFE_NETLOC = re.compile(r"[A-Za-z0-9.\-]+(:[0-9]+)?|\[[0-9A-Fa-f:.]+\](:[0-9]+)?")


class AuthorizationView(DOTAuthorizationView):
    """DOT's authorization endpoint: sign-in through our login page, consent asked once per scope set.

    A person who already agreed to this application for these scopes goes straight back to it
    (unless it asks `prompt=consent` or `prompt=login`); agreeing on the screen is remembered.
    """

    template_name = "provider/authorize.html"

    def get(self, request, *args, **kwargs):
        prompt = set(request.GET.get("prompt", "").split())
        if not prompt & {"consent", "login", "create"}:
            try:
                scopes, credentials = self.validate_authorization_request(request)
            except OAuthToolkitError as error:
                return self.error_response(error, application=None)
            application = Application.objects.get(client_id=credentials["client_id"])
            if services.has_consent(request.user, application, scopes):
                try:
                    uri, _headers, _body, _status = self.create_authorization_response(
                        request=request, scopes=" ".join(scopes), credentials=credentials, allow=True
                    )
                except OAuthToolkitError as error:
                    return self.error_response(error, application)
                return self.redirect(uri, application)
        return super().get(request, *args, **kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)
        location = response.get("Location", "")
        if form.cleaned_data.get("allow") and "code" in parse_qs(urlsplit(location).query):
            application = Application.objects.get(client_id=form.cleaned_data["client_id"])
            services.remember_consent(self.request.user, application, form.cleaned_data["scope"].split())
        return response

    def redirect(self, redirect_to, application):
        response = super().redirect(redirect_to, application)
        return continue_to(self.request, response["Location"]) or response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["redirect_host"] = urlsplit(context.get("redirect_uri") or "").netloc
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        # The consent form's answer is a redirect to the application: allow that origin as a form
        # target, or browsers stop the redirect (CSP form-action also applies to redirects).
        policy = csp_allowing_form_target(context.get("redirect_uri") or "")
        if policy:
            response["Content-Security-Policy"] = policy
        return response


def continue_to(request, url):
    """A page that goes on to `url` by meta refresh, when a plain redirect there would be blocked; else None.

    When our own form (the login page) led here through redirects, Chromium applies that form's
    CSP `form-action 'self'` to every hop, so a redirect to the client's origin is stopped. A new
    navigation from a page of ours is not a form submission, so the refresh goes through.
    """
    ours = f"{request.scheme}://{request.get_host()}"
    target = urlsplit(url)
    if request.method != "GET" or f"{target.scheme}://{target.netloc}" == ours:
        return None
    referer = urlsplit(request.headers.get("Referer", ""))
    from_our_page = (
        request.headers.get("Sec-Fetch-Site") == "same-origin" or f"{referer.scheme}://{referer.netloc}" == ours
    )
    if not from_our_page:
        return None
    return render(request, "provider/continue.html", {"url": url, "host": target.netloc})


def csp_allowing_form_target(url):
    """Our Content-Security-Policy with `url`'s origin added to form-action; "" for an odd URL."""
    target = urlsplit(url)
    if target.scheme not in {"http", "https"} or not SAFE_NETLOC.fullmatch(target.netloc):
        return ""
    return CONTENT_SECURITY_POLICY.replace(
        "form-action 'self'", f"form-action 'self' {target.scheme}://{target.netloc}"
    )


@login_required
def connected_apps(request):
    """The applications that may use the signed-in person's account, each with a Revoke button."""
    if request.method == "POST":
        application = Application.objects.filter(pk=request.POST.get("application")).first()
        if application is not None:
            services.revoke_consent(request.user, application)
            messages.success(request, _("%(name)s can no longer use your account.") % {"name": application.name})
        return redirect("provider:connected-apps")
    apps = services.connected_apps(request.user)
    scopes = {name: str(text) for name, text in SCOPES.items()}
    rows = [(app, [scopes.get(s, s) for s in app.scopes]) for app in apps]
    return render(request, "provider/connected_apps.html", {"rows": rows})


@cache_control(public=True, max_age=24 * 3600)
def picture(request, user_id):
    """A person's identicon as an SVG document, for applications that show the `picture` claim."""
    person = get_object_or_404(User, pk=user_id, is_active=True)
    svg = str(identicon_svg(person.pk, 96, person.name)).replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1)
    return HttpResponse(svg, content_type="image/svg+xml")
