"""``uuid_url`` gives exactly what ``reverse`` and ``{% url %}`` give."""

import uuid

import pytest
from django.template import Context, Template
from django.urls import clear_script_prefix, reverse, set_script_prefix

from coachmaster.links import uuid_url

NAMES = ["competencies:log_activity", "competencies:evidence_detail", "thesis:milestone"]


@pytest.mark.parametrize("name", NAMES)
def test_uuid_url_is_reverse(name):
    value = uuid.uuid4()
    assert uuid_url(name, value) == reverse(name, args=[value])
    assert uuid_url(name, str(value)) == reverse(name, args=[value])


def test_uuid_url_follows_the_script_prefix():
    value = uuid.uuid4()
    plain = uuid_url("thesis:milestone", value)
    set_script_prefix("/coachmaster/")
    try:
        assert uuid_url("thesis:milestone", value) == "/coachmaster" + plain
        assert uuid_url("thesis:milestone", value) == reverse("thesis:milestone", args=[value])
    finally:
        clear_script_prefix()
    assert uuid_url("thesis:milestone", value) == plain


def test_template_filter_writes_what_the_url_tag_writes():
    value = uuid.uuid4()
    context = Context({"value": value})
    with_filter = Template(
        '{% load uuid_links %}{{ value|uuid_url:"competencies:log_activity" }}'
    ).render(context)
    with_tag = Template('{% url "competencies:log_activity" value %}').render(context)
    assert with_filter == with_tag
