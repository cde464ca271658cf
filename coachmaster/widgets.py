"""Form widgets that write Django's own HTML in Python, for the busiest forms.

Django renders every ``<option>``, radio button, label and input through a template of its own
(each including the attributes template): tens of microseconds each, which made the filters and
quick entry of the list pages, the cohort page's selects of every supervisor, the assessment form
and the portfolio cost several milliseconds in widgets alone (docs/performance.md). These classes
give byte for byte the HTML of the Django widget they are named after
(``tests/test_widgets.py``, ``tests/test_choice_widgets.py``), so templates, ``widget_type`` and
the browser tests see no difference.
"""

from __future__ import annotations

import html

from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe


def _escape(value) -> str:
    """``conditional_escape`` without its lazy-string wrapper (the same text): safe strings
    as they are, anything else HTML-escaped."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def _attrs(attrs: dict) -> str:
    """As ``django/forms/widgets/attrs.html``: False leaves the attribute out, True writes its
    name only. Built with ``_escape`` rather than ``format_html`` per attribute: this runs for
    every option of every choice widget."""
    parts = []
    for name, value in attrs.items():
        if value is True:
            parts.append(f" {_escape(name)}")
        elif value is not False:
            parts.append(f' {_escape(name)}="{_escape(value)}"')
    return mark_safe("".join(parts))  # noqa: S308 - every name and value is escaped above


class FastSelect(forms.Select):
    """``forms.Select`` with its options written in Python (same HTML)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [format_html('<select name="{}"{}>', widget["name"], _attrs(widget["attrs"]))]
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(format_html('\n  <optgroup label="{}">', group_name))
            for option in options:
                # select_option.html ends with a newline, which Django's output keeps.
                parts.append(
                    format_html(
                        '\n  <option value="{}"{}>{}</option>\n',
                        str(option["value"]),
                        _attrs(option["attrs"]),
                        option["label"],
                    )
                )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # every part is built with format_html


class FastChoiceInputs:
    """For ``RadioSelect`` and ``CheckboxSelectMultiple``: each option's ``<input>`` (what a
    template gets from ``{{ radio.tag }}``) written in Python, the same HTML as Django's
    ``input_option.html``; forms with hundreds of options (the assessment form, the portfolio)
    render them in a fraction of the time. Whole-widget rendering is Django's own."""

    def _render(self, template_name, context, renderer=None):
        if template_name != self.option_template_name:
            return super()._render(template_name, context, renderer)
        widget = context["widget"]
        value = widget["value"]
        # f-strings of escaped parts rather than format_html: this runs once per option.
        value_attr = f' value="{_escape(str(value))}"' if value is not None else ""
        tag = (
            f'<input type="{_escape(widget["type"])}" name="{_escape(widget["name"])}"'
            f"{value_attr}{_attrs(widget['attrs'])}>"
        )
        if widget.get("wrap_label"):
            label_for = widget["attrs"].get("id")
            for_attr = f' for="{_escape(label_for)}"' if label_for else ""
            tag = f"<label{for_attr}>{tag}\n {_escape(widget['label'])}</label>"
        return mark_safe(tag)  # noqa: S308 - every part is escaped above


# Named as Django's: templates branch on ``BoundField.widget_type``, which is the class name.
class RadioSelect(FastChoiceInputs, forms.RadioSelect):
    pass


class CheckboxSelectMultiple(FastChoiceInputs, forms.CheckboxSelectMultiple):
    pass


class PlainModelChoiceIterator(ModelChoiceIterator):
    """Choices from rows fetched once.

    ``ModelChoiceIterator`` runs ``QuerySet.iterator()`` each time the choices are read (a
    rendered select reads them twice: for ``required`` and for the options). This iterates the
    field's queryset, whose result is kept, or rows the view already has.
    """

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        rows = getattr(self.field, "choice_rows", None)
        for obj in self.queryset if rows is None else rows:
            yield self.choice(obj)


def plain_choices(form, *names: str, **rows) -> None:
    """Give the model choice fields ``names`` of ``form`` the ``PlainModelChoiceIterator``.

    ``rows`` (by field name) are objects the view already has: the options are rendered from
    them instead of a query of their own (``None``: not given). They must be what the field's
    queryset gives, in its order; validation still uses the queryset.
    """
    for name in names:
        if name in form.fields:
            field = form.fields[name]
            field.iterator = PlainModelChoiceIterator
            if rows.get(name) is not None:
                field.choice_rows = rows[name]
            field.widget.choices = field.choices  # the widget holds the iterator it was given


class FastInput:
    """For widgets whose template is only ``django/forms/widgets/input.html`` (text, number,
    date): the ``<input>`` written in Python, the same HTML."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        value = widget["value"]
        return format_html(
            '<input type="{}" name="{}"{}{}>',
            widget["type"],
            widget["name"],
            format_html(' value="{}"', str(value)) if value is not None else "",
            _attrs(widget["attrs"]),
        )


# Named as Django's, for ``BoundField.widget_type``.
class TextInput(FastInput, forms.TextInput):
    pass


class NumberInput(FastInput, forms.NumberInput):
    pass


class DateInput(FastInput, forms.DateInput):
    pass


class FastLabels:
    """A form mixin: ``{{ field.label_tag }}`` written in Python, the same HTML as Django's
    ``django/forms/label.html`` (one template render per label otherwise)."""

    def render(self, template_name=None, context=None, renderer=None):
        if template_name != "django/forms/label.html" or context is None:
            return super().render(template_name, context, renderer)
        if not context["use_tag"]:
            return conditional_escape(context["label"])
        return format_html(
            "<{}{}>{}</{}>",
            context["tag"],
            _attrs(context["attrs"] or {}),
            context["label"],
            context["tag"],
        )


class Textarea(forms.Textarea):
    """``forms.Textarea`` written in Python (same HTML): the assessment form and the portfolio
    have one per competency."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        return format_html(
            '<textarea name="{}"{}>\n{}</textarea>',
            widget["name"],
            _attrs(widget["attrs"]),
            widget["value"] or "",
        )
