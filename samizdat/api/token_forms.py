from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ALL_SCOPES, Scope, Token


class TokenForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=Token.Kind.choices, initial=Token.Kind.PERSONAL, widget=forms.RadioSelect,
        help_text=_("Application passwords are for WordPress apps (user name and password); "
                    "tokens for scripts and the Samizdat API."),
    )
    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("What will use it, for example “Phone” or “Release script”.")
    )
    scopes = forms.MultipleChoiceField(
        label=_("It may"), choices=Scope.choices, initial=ALL_SCOPES, widget=forms.CheckboxSelectMultiple
    )
