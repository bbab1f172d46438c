"""Dashboard screens for one's own API credentials: make one (its secret shown once), list, revoke."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import tokens
from .models import Token
from .token_forms import TokenForm


@login_required
def token_list(request):
    form = TokenForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            token, secret = tokens.create_token(
                request.user, name=form.cleaned_data["name"], scopes=form.cleaned_data["scopes"],
                kind=form.cleaned_data["kind"],
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            # Shown on this answer only: no redirect, and it is stored nowhere but as a digest.
            created = (token, secret)
            form = TokenForm()
    response = render(
        request,
        "api/tokens.html",
        {"form": form, "created": created, "tokens": Token.objects.filter(user=request.user)},
        status=400 if form.errors else 200,
    )
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@login_required
def token_revoke(request, pk):
    token = get_object_or_404(Token, pk=pk, user=request.user)
    tokens.revoke_token(token)
    messages.success(request, _("Revoked “%(name)s”: programs using it can no longer sign in with it.")
                     % {"name": token.name})
    return redirect("tokens:token_list")
