"""Forms of the dashboard's comment screens."""

import ipaddress

from django import forms
from django.utils.translation import gettext_lazy as _, pgettext_lazy

from samizdat.comments.models import CommentSettings


class CommentEditForm(forms.Form):
    author_name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=100)
    author_url = forms.URLField(label=_("Website"), max_length=200, required=False, assume_scheme="https")
    body = forms.CharField(label=_("Comment"), max_length=5000, widget=forms.Textarea(attrs={"rows": 8}))


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Your reply"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))


class CommentSettingsForm(forms.ModelForm):
    class Meta:
        model = CommentSettings
        fields = [
            "enabled", "close_after_days", "thread_depth", "per_page", "policy", "notify_authors",
            "blocked_words", "blocked_emails", "blocked_ips",
        ]
        widgets = {
            "blocked_words": forms.Textarea(attrs={"rows": 4}),
            "blocked_emails": forms.Textarea(attrs={"rows": 4}),
            "blocked_ips": forms.Textarea(attrs={"rows": 4}),
        }

    def clean_thread_depth(self):
        depth = self.cleaned_data["thread_depth"]
        if not 1 <= depth <= 10:
            raise forms.ValidationError(_("Choose a depth from 1 to 10."))
        return depth

    def clean_blocked_ips(self):
        text = self.cleaned_data["blocked_ips"]
        for line in text.splitlines():
            if line.strip():
                try:
                    ipaddress.ip_network(line.strip(), strict=False)
                except ValueError:
                    raise forms.ValidationError(
                        _("“%(value)s” is not an IP address or range."), params={"value": line.strip()}
                    )
        return text
