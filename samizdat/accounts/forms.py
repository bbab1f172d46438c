"""allauth's forms with our words (translated in our catalogues, Kazakh included)."""

from allauth.account.forms import LoginForm
from django.utils.translation import gettext_lazy as _


class SignInForm(LoginForm):
    """Sign-in by username or email address."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        login = self.fields["login"]
        login.label = _("Username or email")
        login.widget.attrs.update(autocomplete="username", placeholder="")
        password = self.fields["password"]
        password.label, password.help_text = _("Password"), ""
        password.widget.attrs["placeholder"] = ""
        self.fields["remember"].label = _("Stay signed in on this browser")
