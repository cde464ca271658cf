"""Every date field shown as ``<input type="date">`` renders its value as ISO 8601: browsers
ignore any other format and show an empty field (in Dutch, Django would write 27-11-2026,
so an edit form would come up without its dates)."""

import datetime
import importlib
import pkgutil

import pytest
from django import forms
from django.utils import translation

PACKAGES = ("cohorts.forms", "curriculum.forms", "competencies.forms", "thesis.forms")


def _modules():
    for name in PACKAGES:
        module = importlib.import_module(name)
        yield module
        for info in pkgutil.iter_modules(getattr(module, "__path__", [])):
            yield importlib.import_module(f"{name}.{info.name}")


def _date_fields():
    seen = set()
    for module in _modules():
        for form in vars(module).values():
            if not (isinstance(form, type) and issubclass(form, forms.BaseForm)):
                continue
            for name, field in getattr(form, "base_fields", {}).items():
                widget = field.widget
                if isinstance(widget, forms.DateInput) and widget.input_type == "date":
                    key = (form.__module__, form.__name__, name)
                    if key not in seen:
                        seen.add(key)
                        yield pytest.param(widget, id=".".join(key))


@pytest.mark.parametrize("widget", list(_date_fields()))
def test_date_inputs_render_iso_dates(widget):
    with translation.override("nl"):
        html = widget.render("day", datetime.date(2026, 11, 27))
    assert 'value="2026-11-27"' in html
