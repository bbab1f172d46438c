"""One's own data: download it all as JSON, or delete the account (issue #4, "Privacy")."""

import json

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import ProtectedError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from samizdat.accounts import services as account_services
from samizdat.blogs.roles import Role
from samizdat.comments import services as comment_services
from samizdat.core import personal_data
from samizdat.federation import following
from samizdat.posts.models import Post


class DeleteAccountForm(forms.Form):
    comments = forms.ChoiceField(
        label=gettext_lazy("Your comments"), widget=forms.RadioSelect, initial="keep",
        choices=[
            ("keep", gettext_lazy('Keep them, shown as written by "deleted user"')),
            ("delete", gettext_lazy("Delete them (replies to them go too)")),
        ],
    )
    username = forms.CharField(label=gettext_lazy("Type your username to confirm"), max_length=150)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_username(self):
        if self.cleaned_data["username"].strip() != self.user.username:
            raise forms.ValidationError(_("That is not your username."))
        return self.cleaned_data["username"]


def data_of(user):
    """Everything the instance holds about `user` that is theirs, as one JSON-ready dict."""
    return {"exported_at": timezone.now().isoformat(), **personal_data.data_of(user)}


def _blockers(user):
    """Why the account cannot be deleted yet (posts would lose their author, blogs their owner)."""
    reasons = []
    if Post.objects.filter(author=user).exists():
        reasons.append(_("You have written posts or pages. Ask the blog's owner to give them to another author first."))
    if user.memberships.filter(role=Role.OWNER).exists():
        reasons.append(_("You own a blog. Give it another owner, or delete it, first."))
    return reasons


@login_required
def privacy(request):
    """The page: what is kept, a download link, and the form to delete the account."""
    form = DeleteAccountForm(user=request.user)
    return render(request, "dashboard/privacy.html", {"form": form, "blockers": _blockers(request.user)})


@login_required
def export(request):
    """All of one's data as a JSON file."""
    body = json.dumps(data_of(request.user), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    name = f"samizdat-{request.user.username}-{timezone.now():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@login_required
def delete_account(request):
    """Delete the account, its comments kept as "deleted user" or removed, as the person chose."""
    user = request.user
    form = DeleteAccountForm(request.POST, user=user)
    blockers = _blockers(user)
    if blockers or not form.is_valid():
        return render(request, "dashboard/privacy.html", {"form": form, "blockers": blockers}, status=400)
    try:
        with transaction.atomic():
            comment_services.forget_commenter(user, keep_comments=form.cleaned_data["comments"] == "keep")
            account_services.delete_account(user)
    except ProtectedError:
        form.add_error(None, _("Something you wrote still needs this account; nothing was deleted."))
        return render(request, "dashboard/privacy.html", {"form": form, "blockers": blockers}, status=400)
    # Fediverse accounts only this person followed are followed no more (the hourly sweep would).
    following.end_follows()
    logout(request)
    messages.success(request, _("Your account is deleted."))
    return redirect("/")
