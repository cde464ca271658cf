"""Hypothesis strategies for hostile form input, by the kind of field it is sent to.

Values are what a browser (or an attacker with curl) can send: strings, lists of strings and
files. Text never contains lone surrogates (a request body is UTF-8), but it does contain NUL
bytes, control and direction characters, markup, huge strings and bare whitespace.
"""

from __future__ import annotations

import uuid

from django import forms
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import strategies as st

SPECIAL_TEXT = (
    "",
    " ",
    " \t\r\n ",
    "\x00",
    "a\x00b",
    "\u202eexe.pdf",
    "\ufeff\u200b",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ✓ 日本語",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "' OR 1=1 --",
    "%s %d %(x)s {0} {{ x }} {% now %}",
    "../../../../etc/passwd",
    "javascript:alert(1)",
    "NaN",
    "-0",
    "1e309",
)
SPECIAL_NUMBERS = (
    "1,5",
    "7,55",
    "1e5",
    "1e-400",
    "0x10",
    "١٢",
    "½",
    "Infinity",
    "-inf",
    "nan",
    "99999999999999999999999999999999",
    "-99999999999999999999999999999999",
    "0.00000000000000000000000000000001",
)
SPECIAL_DATES = (
    "2025-02-30",
    "0000-00-00",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "2025-13-01",
    "31-12-2025",
    "2025-1-1",
    "1/2/2025",
    "-1-01-01",
    "2025-06-01T25:61",
    "2025-06-01 12:00:00+99:00",
)
SPECIAL_NAMES = (
    "",
    "verslag.pdf",
    "../../etc/passwd",
    "a\x00.pdf",
    "\u202efdp.exe",
    "con.pdf",
    ".htaccess",
    "x" * 400 + ".pdf",
    "naïve résumé.docx",
)
MAGIC = (
    b"",
    b"%PDF-1.7\n",
    b"\x89PNG\r\n\x1a\n",
    b"\xff\xd8\xff\xe0",
    b"PK\x03\x04",
    b"<html><script>alert(1)</script>",
    b"Studentnummer;Naam\n",
)

_characters = st.characters(exclude_categories=("Cs",))

text = st.one_of(
    st.text(_characters, max_size=40),
    st.sampled_from(SPECIAL_TEXT),
    st.builds(
        lambda unit, count: unit * count,
        st.sampled_from(["x", "é", "\x00", " ", "🙂", "a\n"]),
        st.integers(min_value=1_000, max_value=60_000),
    ),
)
numbers = st.one_of(
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.floats().map(repr),
    st.sampled_from(SPECIAL_NUMBERS),
    text,
)
dates = st.one_of(
    st.dates().map(str),
    st.datetimes().map(str),
    st.sampled_from(SPECIAL_DATES),
    text,
)
booleans = st.one_of(st.sampled_from(["on", "true", "false", "0", "1", ""]), text)
ids = st.one_of(
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.uuids().map(str),
    st.just(str(uuid.UUID(int=0))),
    text,
)


@st.composite
def uploads(draw) -> SimpleUploadedFile:
    name = draw(st.one_of(st.sampled_from(SPECIAL_NAMES), st.text(_characters, max_size=60)))
    content = draw(st.sampled_from(MAGIC)) + draw(st.binary(max_size=2048))
    content_type = draw(
        st.sampled_from(["application/pdf", "image/png", "text/csv", "text/html", ""])
    )
    try:
        return SimpleUploadedFile(name or "x", content, content_type=content_type)
    except SuspiciousFileOperation:
        # Names such as "/" or ".." leave no file name; a browser's upload always has one.
        return SimpleUploadedFile("x", content, content_type=content_type)


def _choice_values(field) -> list[str]:
    values = []
    for value, label in field.choices:
        if isinstance(label, list | tuple):  # a group of choices
            values += [str(inner) for inner, _label in label]
        else:
            values.append(str(value))
    return values[:20]


def for_field(field: forms.Field) -> st.SearchStrategy:
    """Hostile and valid values for one field of a form (a list for multiple-value fields)."""
    if isinstance(field, forms.FileField):
        return uploads()
    if isinstance(field, forms.ModelMultipleChoiceField):
        known = [str(pk) for pk in field.queryset.values_list("pk", flat=True)[:10]]
        one = st.one_of(st.sampled_from(known), ids) if known else ids
        return st.lists(one, max_size=4)
    if isinstance(field, forms.ModelChoiceField):
        key = field.to_field_name or "pk"
        known = [str(value) for value in field.queryset.values_list(key, flat=True)[:10]]
        return st.one_of(st.sampled_from(known), ids) if known else ids
    if isinstance(field, forms.MultipleChoiceField):
        values = _choice_values(field)
        one = st.one_of(st.sampled_from(values), text) if values else text
        return st.lists(one, max_size=4)
    if isinstance(field, forms.ChoiceField):
        values = _choice_values(field)
        return st.one_of(st.sampled_from(values), text) if values else text
    if isinstance(field, forms.BooleanField | forms.NullBooleanField):
        return booleans
    if isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField):
        return numbers
    if isinstance(
        field, forms.DateField | forms.DateTimeField | forms.TimeField | forms.DurationField
    ):
        return dates
    return text


def for_input(kind: str, options: list[str], value: str) -> st.SearchStrategy:
    """Hostile and valid values for one field of an HTML form, by its input type."""
    page = [v for v in [value, *options] if v is not None]
    by_kind = {
        "file": uploads(),
        "number": numbers,
        "date": dates,
        "datetime-local": dates,
        "time": dates,
        "checkbox": booleans,
        "radio": booleans,
        "select": ids,
        "email": st.one_of(st.emails(), text),
        "url": st.one_of(st.sampled_from(["https://example.org/x", "ftp://x", "//x"]), text),
    }
    hostile = by_kind.get(kind, text)
    if kind == "file":
        return hostile
    return st.one_of(st.sampled_from(page), hostile) if page else hostile
