"""Addresses of objects by uuid, for pages that link hundreds of rows alike.

``reverse()`` (and ``{% url %}``) resolves the name and builds the address anew for every
row, about 60 µs each: five links in the 25 rows of the learning log were a fifth of the page's
time. ``uuid_url`` reverses each URL name once, with a placeholder id, per URL conf and script
prefix, and puts the row's uuid in the placeholder's place: the same address as ``reverse``.
No URL pattern is translated, so the language plays no part. In templates:
``{{ activity.uuid|uuid_url:"competencies:log_activity" }}`` (``{% load uuid_links %}``).
"""

import uuid
from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

_HOLE = uuid.UUID(int=0)


@lru_cache(maxsize=128)
def _pattern(name: str, urlconf, prefix: str) -> str:
    # The prefix is part of the key only: reverse() reads it itself.
    return reverse(name, args=[_HOLE], urlconf=urlconf)


def uuid_url(name: str, value) -> str:
    """The address of URL ``name`` whose only argument is the uuid ``value``."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    return _pattern(name, urlconf, get_script_prefix()).replace(str(_HOLE), str(value))
