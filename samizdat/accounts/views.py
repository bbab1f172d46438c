from django.contrib.auth import views as auth_views
from django.utils.translation import ngettext

from samizdat.core.clients import client_address

from . import ratelimit



class SignInView(auth_views.LoginView):
    """Django's sign-in, refused with 429 and Retry-After after too many failures.

    The limits count failures per typed username (existing or not, so the answer tells nothing
    about which accounts exist) and per client address; the check comes before the password is
    tried, so even the right password waits.
    """

    template_name = "accounts/login.html"

    def post(self, request, *args, **kwargs):
        username = request.POST.get("username", "")
        limits = ratelimit.login_limits(username, client_address(request))
        account, address = limits[0].key, limits[1].key
        wait = ratelimit.retry_after(ratelimit.LOGIN, limits)
        if wait:
            return self._refused(username, wait)
        form = self.get_form()
        if form.is_valid():
            ratelimit.clear_failures(ratelimit.LOGIN, account=account)
            return self.form_valid(form)
        ratelimit.record_failure(ratelimit.LOGIN, account=account, address=address)
        return self.form_invalid(form)

    def _refused(self, username, wait):
        form = self.get_form_class()(self.request, initial={"username": username[:150]})
        minutes = max(1, round(wait / 60))
        message = ngettext(
            "Too many failed sign-in attempts. Please wait about %(minutes)d minute and try again.",
            "Too many failed sign-in attempts. Please wait about %(minutes)d minutes and try again.",
            minutes,
        ) % {"minutes": minutes}
        response = self.render_to_response(self.get_context_data(form=form, refused=message), status=429)
        response["Retry-After"] = str(wait)
        return response
