"""FastSelect writes exactly the HTML of Django's template-rendered Select."""

import pytest
from django import forms

from coachmaster.widgets import FastSelect

CHOICES = [
    ("", "All"),
    ("a", "Alpha & <b>"),
    (1, "One"),
    ("Group “x”", [("g1", "In group"), ("g2", 'Quote "q"')]),
]


@pytest.mark.parametrize("value", [None, "", "a", 1, "g2", ["a", "g1"]])
@pytest.mark.parametrize(
    "attrs", [None, {"id": "x_1", "required": True, "disabled": False, "data-n": 3}]
)
def test_fast_select_renders_what_select_renders(value, attrs):
    expected = forms.Select(choices=CHOICES).render("kind", value, attrs=attrs)
    assert FastSelect(choices=CHOICES).render("kind", value, attrs=attrs) == expected


def test_fast_select_in_a_form_with_errors_and_help_text():
    class Form(forms.Form):
        slow = forms.ChoiceField(choices=CHOICES, help_text="Help")
        fast = forms.ChoiceField(choices=CHOICES, help_text="Help", widget=FastSelect)

    form = Form({"slow": "nope", "fast": "nope"})
    assert not form.is_valid()
    assert str(form["fast"]).replace("fast", "slow") == str(form["slow"])
    assert 'aria-invalid="true"' in str(form["fast"])


@pytest.mark.django_db
def test_plain_choices_fetch_the_rows_once_without_a_cursor(django_assert_num_queries):
    from coachmaster.widgets import plain_choices
    from competencies.models import ActivityKind
    from tests.competencies.log_helpers import kinds

    kinds()

    class Form(forms.Form):
        kind = forms.ModelChoiceField(queryset=ActivityKind.objects.all(), widget=FastSelect)

    form = Form()
    plain_choices(form, "kind")
    with django_assert_num_queries(1) as captured:
        first, second = str(form["kind"]), str(form["kind"])
    assert first == second and "<option" in first
    assert "CURSOR" not in captured.captured_queries[0]["sql"].upper()


@pytest.mark.parametrize(
    ("fast", "slow"),
    [
        ("TextInput", forms.TextInput),
        ("NumberInput", forms.NumberInput),
        ("DateInput", forms.DateInput),
    ],
)
@pytest.mark.parametrize("value", [None, "", "a & <b>", 3, "2026-03-01"])
@pytest.mark.parametrize(
    "attrs", [None, {"id": "x_1", "required": True, "disabled": False, "step": 0.25}]
)
def test_fast_inputs_render_what_django_renders(fast, slow, value, attrs):
    from coachmaster import widgets

    widget = getattr(widgets, fast)
    assert widget.__name__ == slow.__name__  # BoundField.widget_type comes from the name
    expected = slow(attrs={"placeholder": "“q”"}).render("q", value, attrs=attrs)
    assert widget(attrs={"placeholder": "“q”"}).render("q", value, attrs=attrs) == expected


def test_fast_labels_and_inputs_in_a_form_with_errors_and_help_text():
    import datetime

    from coachmaster.widgets import DateInput, FastLabels, TextInput

    class Slow(forms.Form):
        required_css_class = "req"
        title = forms.CharField(label="Title & <more>", max_length=10, help_text="Help")
        when = forms.DateField(label="When?", widget=forms.DateInput(format="%Y-%m-%d"))
        hidden_label = forms.CharField(label="", required=False)

    class Fast(FastLabels, forms.Form):
        required_css_class = "req"
        title = forms.CharField(
            label="Title & <more>", max_length=10, help_text="Help", widget=TextInput
        )
        when = forms.DateField(label="When?", widget=DateInput(format="%Y-%m-%d"))
        hidden_label = forms.CharField(label="", required=False, widget=TextInput)

    for data, kwargs in [
        (None, {}),
        ({"title": "x" * 11, "when": "nope"}, {}),
        (None, {"auto_id": False}),
        (None, {"initial": {"when": datetime.date(2026, 3, 1)}, "label_suffix": ":"}),
    ]:
        slow, fast = Slow(data, **kwargs), Fast(data, **kwargs)
        for name in ("title", "when", "hidden_label"):
            assert str(fast[name]) == str(slow[name])
            assert fast[name].label_tag() == slow[name].label_tag()
            assert fast[name].label_tag(attrs={"class": "x"}) == slow[name].label_tag(
                attrs={"class": "x"}
            )
            assert fast[name].legend_tag() == slow[name].legend_tag()
        assert str(fast) == str(slow)  # the whole form still renders through its templates
