"""Private files: vendors' documents, exports, anything no URL may reach."""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.utils.deconstruct import deconstructible


@deconstructible
class PrivateStorage(FileSystemStorage):
    """Private files on disk (the "private" storage unless settings name another): under
    PRIVATE_MEDIA_ROOT, never given a URL, served only by a view that checks who asks (a
    vendor's documents, an export). The folder is read from settings on every use, so it stays
    out of migrations and follows the environment."""

    def __init__(self):
        super().__init__(base_url=None)

    @property
    def base_location(self):
        return settings.PRIVATE_MEDIA_ROOT

    @property
    def location(self):
        return os.path.abspath(self.base_location)


def private_storage():
    """Vendors' documents and exports: STORAGES["private"], PrivateStorage by default, or any
    Django storage backend (an S3-compatible bucket whose objects are private, say)."""
    return storages["private"]
