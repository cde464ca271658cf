"""``{{ activity.uuid|uuid_url:"competencies:log_activity" }}``: the same address as
``{% url "competencies:log_activity" activity.uuid %}``, resolved once per URL name for the rows
of long lists (``coachmaster/links.py``)."""

from django import template

from coachmaster import links

register = template.Library()


@register.filter
def uuid_url(value, name: str) -> str:
    """The address of URL ``name`` whose only argument is the uuid ``value``."""
    return links.uuid_url(name, value)
