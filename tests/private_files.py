"""The private storage (evidence, snapshot copies, thesis versions, reports) in a temporary
folder for a test.

Each private ``FileField`` resolved its storage when its model was imported, so besides
``storages["private"]`` every such field's storage instance is pointed there too.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.apps import apps
from django.core.files.storage import storages
from django.db.models import FileField

CACHED = ("base_location", "location")


def _private_storages() -> list:
    private = storages["private"]
    found = {id(private): private}
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, FileField) and type(field.storage) is type(private):
                found.setdefault(id(field.storage), field.storage)
    return list(found.values())


@contextmanager
def private_files_in(location: Path, patch) -> Iterator[Path]:
    """Points every private storage at ``location`` (``patch``: a ``MonkeyPatch``)."""
    targets = _private_storages()
    for storage in targets:
        patch.setattr(storage, "_location", str(location))
        for cached in CACHED:
            storage.__dict__.pop(cached, None)
    try:
        yield location
    finally:
        for storage in targets:
            for cached in CACHED:
                storage.__dict__.pop(cached, None)
