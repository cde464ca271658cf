"""Content written in both languages: a Dutch and an English column, read in the active one."""

from __future__ import annotations

from django.utils.translation import get_language


def current_language() -> str:
    """``"en"`` or ``"nl"``: the language pages are rendered in now (Dutch by default)."""
    return "en" if (get_language() or "nl").startswith("en") else "nl"


class Translated:
    """``name = Translated("name")`` reads ``name_en`` in English and ``name_nl`` otherwise.

    An empty English text falls back to the Dutch one, so nothing is ever shown blank.
    """

    def __init__(self, base: str) -> None:
        self.base = base

    def __set_name__(self, owner, name: str) -> None:
        self.attribute = name

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        dutch = getattr(instance, f"{self.base}_nl")
        if current_language() == "en":
            return getattr(instance, f"{self.base}_en") or dutch
        return dutch
