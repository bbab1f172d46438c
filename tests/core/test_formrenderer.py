"""The fast form renderer writes the same bytes as Django's widget templates."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from samizdat.comments.forms import CommentForm, FollowByEmailForm
from samizdat.core.formrenderer import FormRenderer

TRICKY = ['plain', '<b>"quoted" & \'single\'</b>', "", "  spaced  ", "Вера ☭", "a\nb"]


class EveryInput(forms.Form):
    text = forms.CharField(max_length=10, widget=forms.TextInput(attrs={"placeholder": gettext_lazy("Search…")}))
    email = forms.EmailField(required=False)
    url = forms.URLField(assume_scheme="https")
    number = forms.IntegerField(min_value=1)
    hidden = forms.CharField(widget=forms.HiddenInput)
    secret = forms.CharField(widget=forms.PasswordInput(render_value=True))
    flag = forms.BooleanField(required=False)
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 3, "data-x": mark_safe("<i>safe</i>"), "off": False}))
    when = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    choice = forms.ChoiceField(choices=[("a", "A"), ("b", "<B>")])


def rendered(form_class, renderer, **kwargs):
    form = form_class(renderer=renderer, **kwargs)
    return {name: str(form[name]) for name in form.fields}


@pytest.mark.parametrize("value", TRICKY)
def test_every_widget_matches_djangos_templates(value):
    data = {name: value for name in EveryInput.base_fields} | {"flag": "on" if value else ""}
    for kwargs in ({}, {"data": data}, {"initial": data}):
        assert rendered(EveryInput, FormRenderer(), **kwargs) == rendered(EveryInput, DjangoTemplates(), **kwargs)


@pytest.mark.parametrize("value", TRICKY)
def test_comment_and_follow_forms_match_djangos_templates(value):
    data = {"name": value, "email": value, "url": value, "body": value, "homepage": value, "remember": "on"}
    for form_class in (CommentForm, FollowByEmailForm):
        assert rendered(form_class, FormRenderer(), data=data) == rendered(form_class, DjangoTemplates(), data=data)


def test_inputs_and_textareas_skip_the_templates(monkeypatch):
    loaded = []
    original = FormRenderer.get_template
    monkeypatch.setattr(FormRenderer, "get_template", lambda self, name: loaded.append(name) or original(self, name))
    rendered(EveryInput, FormRenderer(), data={"text": "x"})
    assert loaded == ["django/forms/widgets/select.html"]
