"""The public comment form ("Leave a Reply")."""

import hashlib
import secrets
import time

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _, pgettext_lazy

STARTED_SALT = "samizdat.comments.form-started"
# A form older than this counts as having no valid token (a replayed or scraped form).
STARTED_MAX_AGE = 2 * 24 * 3600
MAX_BODY = 5000


def started_token(post_id):
    """A signed note of when (and for which post) the form was rendered."""
    return signing.dumps([post_id, time.time()], salt=STARTED_SALT)


def seconds_since(token, post_id):
    """Seconds since the form was rendered, or None when the token is missing, forged, stale or foreign."""
    try:
        token_post, started = signing.loads(token, salt=STARTED_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    elapsed = time.time() - float(started)
    if token_post != post_id or elapsed < 0 or elapsed > STARTED_MAX_AGE:
        return None
    return elapsed


class CommentForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=100)
    email = forms.EmailField(label=_("Email"), max_length=254, help_text=_("Never shown."))
    url = forms.URLField(label=_("Website"), max_length=200, required=False, assume_scheme="https")
    body = forms.CharField(
        label=_("Comment"), max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 6, "cols": 45}),
        help_text=_("You may use *emphasis*, **strong**, [links](https://example.org), > quotes and `code`."),
    )
    # Filled in by robots only: hidden from people by CSS and from assistive technology.
    homepage = forms.CharField(
        label=_("Leave this field empty"), required=False, max_length=200,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    nonce = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    started = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)
    notify_replies = forms.BooleanField(label=_("Notify me of follow-up comments by email."), required=False)
    notify_posts = forms.BooleanField(label=_("Notify me of new posts by email."), required=False)
    remember = forms.BooleanField(
        label=_("Save my name, email, and website in this browser for the next time I comment."),
        required=False, initial=True,
    )

    def __init__(self, *args, user=None, post=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.signed_in = user is not None and user.is_authenticated
        if self.signed_in:
            for name in ("name", "email", "url", "remember"):
                del self.fields[name]
        if post is not None and not self.is_bound:
            # A guest's form may be a stored page that every guest shares: it gets no nonce of its
            # own (one would make two guests' comments one); derived_nonce() stands in.
            if self.signed_in:
                self.initial.setdefault("nonce", secrets.token_urlsafe(16))
            self.initial.setdefault("started", started_token(post.pk))

    def derived_nonce(self, post_id):
        """For a form sent without a nonce: the same form sent twice gives the same value."""
        data = self.cleaned_data
        parts = [str(post_id), data.get("started", ""), data.get("name", ""), data.get("email", ""), data["body"]]
        return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:32]

    def clean_body(self):
        body = self.cleaned_data["body"].strip()
        if not body:
            raise forms.ValidationError(_("Please write a comment."))
        return body

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Please give a name."))
        return name

    @property
    def guest_fields(self):
        return [self[name] for name in ("name", "email", "url") if name in self.fields]

    @property
    def option_fields(self):
        names = ["notify_replies", "notify_posts"] + ([] if self.signed_in else ["remember"])
        return [self[name] for name in names]


class FollowByEmailForm(forms.Form):
    """A guest's "Follow this blog by email": an address, and the field only robots fill in."""

    # Not "Email": on a post page the comment form has a field of that name.
    email = forms.EmailField(
        label=_("Your email address"), max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "required": True}),
    )
    homepage = forms.CharField(
        label=_("Leave this field empty"), required=False, max_length=200,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
