"""The radio buttons and checkboxes written in Python are exactly Django's template-rendered
ones, however a template renders them."""

import pytest
from django import forms

from coachmaster import widgets as fast

CHOICES = [("1", "One & <b>"), (2, 'Two "2"'), ("", "None")]


def _form(radio, checkboxes):
    class Form(forms.Form):
        optional = forms.ChoiceField(choices=CHOICES, widget=radio, required=False)
        required = forms.ChoiceField(choices=CHOICES, widget=radio, help_text="Help")
        many = forms.MultipleChoiceField(
            choices=CHOICES, widget=checkboxes, required=False, help_text="Help"
        )

    return Form


@pytest.mark.parametrize("data", [None, {"optional": "nope", "many": ["1", "x"]}])
def test_fast_choice_inputs_render_what_django_renders(data):
    initial = {"optional": "1", "required": 2, "many": ["1", "2"]}
    slow = _form(forms.RadioSelect, forms.CheckboxSelectMultiple)(data, initial=initial)
    quick = _form(fast.RadioSelect, fast.CheckboxSelectMultiple)(data, initial=initial)
    for name in ("optional", "required", "many"):
        assert quick[name].widget_type == slow[name].widget_type
        assert str(quick[name]) == str(slow[name])
        assert len(list(quick[name])) == len(CHOICES)
        for mine, django in zip(quick[name], slow[name], strict=True):
            assert mine.tag() == django.tag()
            assert mine.tag(wrap_label=True) == django.tag(wrap_label=True)
            assert str(mine) == str(django)
    if data is None:
        assert " checked" in next(iter(quick["optional"])).tag()


def test_fast_choice_inputs_keep_custom_attributes():
    attrs = {"class": "x", "data-n": 3, "disabled": True, "hidden": False}
    for slow, quick in (
        (forms.RadioSelect(attrs=attrs), fast.RadioSelect(attrs=attrs)),
        (forms.CheckboxSelectMultiple(attrs=attrs), fast.CheckboxSelectMultiple(attrs=attrs)),
    ):
        slow.choices = quick.choices = CHOICES
        assert quick.render("f", ["1"], attrs={"id": "id_f"}) == slow.render(
            "f", ["1"], attrs={"id": "id_f"}
        )
        context = quick.get_context("f", ["1"], {"id": "id_f"})
        option = context["widget"]["optgroups"][0][1][0]
        assert quick._render(quick.option_template_name, {"widget": option}) == slow._render(
            slow.option_template_name, {"widget": option}
        )


@pytest.mark.parametrize("value", [None, "", "Text & <b>\nline two", 7])
@pytest.mark.parametrize(
    "attrs", [None, {"id": "id_t", "aria-describedby": "h", "required": True}]
)
def test_fast_textarea_renders_what_django_renders(value, attrs):
    slow = forms.Textarea(attrs={"rows": 5}).render("text", value, attrs=attrs)
    assert fast.Textarea(attrs={"rows": 5}).render("text", value, attrs=attrs) == slow


def test_fast_textarea_in_a_form_with_errors_and_help_text():
    class Form(forms.Form):
        slow = forms.CharField(max_length=3, help_text="Help", widget=forms.Textarea)
        quick = forms.CharField(max_length=3, help_text="Help", widget=fast.Textarea)

    form = Form({"slow": "too long", "quick": "too long"})
    assert not form.is_valid()
    assert form["quick"].widget_type == form["slow"].widget_type == "textarea"
    assert str(form["quick"]).replace("quick", "slow") == str(form["slow"])
