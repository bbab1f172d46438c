"""Django's form renderer, with plain <input> and <textarea> elements written in Python.

Django renders every widget through two templates (the widget's, and attrs.html). On a post page
with its comment form that was a fifth of the time Django spent on the page, for a dozen short
tags. These produce the same bytes as Django 5.2's templates (django/forms/widgets/input.html,
attrs.html, textarea.html; tests/core/test_formrenderer.py compares them); every other widget,
and any template a project overrides, still goes through the templates.
"""

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe

_INPUTS = {
    f"django/forms/widgets/{kind}.html"
    for kind in ("text", "email", "url", "hidden", "checkbox", "number", "password", "search", "tel", "date",
                 "datetime", "time", "color")
}
_TEXTAREA = "django/forms/widgets/textarea.html"


def _text(value):
    # {{ value|stringformat:'s' }}: str() of the value, escaped unless it is already safe.
    return conditional_escape(value if isinstance(value, SafeData) else str(value))


def _attrs(attrs):
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        parts.append(f" {conditional_escape(name)}" if value is True else f' {conditional_escape(name)}="{_text(value)}"')
    return "".join(parts)


class FormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        widget = context.get("widget")
        if widget is not None and template_name == widget.get("template_name"):
            if template_name in _INPUTS:
                value = widget["value"]
                shown = "" if value is None else f' value="{_text(value)}"'
                return mark_safe(
                    f'<input type="{conditional_escape(widget["type"])}" name="{conditional_escape(widget["name"])}"'
                    f"{shown}{_attrs(widget['attrs'])}>"
                )
            if template_name == _TEXTAREA:
                value = widget["value"]
                return mark_safe(
                    f'<textarea name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>\n'
                    f"{conditional_escape(value) if value else ''}</textarea>"
                )
        return super().render(template_name, context, request)
