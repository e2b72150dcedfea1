"""Checking uploaded files by their content (never by name) and cleaning images.

Images are decoded with Pillow under size and pixel limits, turned upright by their EXIF
orientation and re-encoded, which drops every piece of metadata (GPS included).
"""

import warnings
from dataclasses import dataclass
from io import BytesIO

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from market.errors import DomainError
from market.files.pdf_content import ActivePdf, active_content

IMAGE_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
EXTENSIONS = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
    "application/pdf": ".pdf",
}


class UploadRejected(DomainError):
    code = "upload_rejected"


@dataclass(frozen=True)
class CleanFile:
    content: bytes
    content_type: str
    width: int = 0
    height: int = 0

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.content_type]


def read_upload(upload, *, field: str) -> bytes:
    """Read at most the size limit, refusing a larger file before it fills memory."""
    limit = settings.UPLOAD_MAX_BYTES
    if upload is None:
        raise UploadRejected(_("Choose a file to upload."), field=field)
    if getattr(upload, "size", 0) and upload.size > limit:
        raise UploadRejected(_("The file is larger than 10 MB."), field=field)
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise UploadRejected(_("The file is larger than 10 MB."), field=field)
    if not data:
        raise UploadRejected(_("The file is empty."), field=field)
    return data


def clean_image(data: bytes, *, field: str) -> CleanFile:
    """A JPEG, PNG or WebP within the limits, upright and without metadata; else UploadRejected."""
    not_an_image = UploadRejected(
        _("The file is not a JPEG, PNG or WebP image."), code="unsupported_type", field=field
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(BytesIO(data))
            if image.format not in IMAGE_TYPES:
                raise not_an_image
            width, height = image.size  # read from the header, before decoding anything
            if width * height > settings.UPLOAD_MAX_PIXELS:
                raise UploadRejected(_("The image is larger than 40 megapixels."), field=field)
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise UploadRejected(_("The image is larger than 40 megapixels."), field=field) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise not_an_image from None
    source_format = image.format
    image = ImageOps.exif_transpose(image)
    # Pillow writes back what it read (a JPEG's comment, for one) unless told otherwise: keep
    # only the colour profile.
    image.info = {key: value for key, value in image.info.items() if key == "icc_profile"}
    output = BytesIO()
    if source_format == "JPEG":
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        image.save(output, "JPEG", quality=88, optimize=True)
    elif source_format == "PNG":
        image.save(output, "PNG", optimize=True)
    else:
        image.save(output, "WEBP", quality=88)
    return CleanFile(output.getvalue(), IMAGE_TYPES[source_format], *image.size)


def clean_document(data: bytes, *, field: str) -> CleanFile:
    """A PDF (checked by its signature, and refused when it carries scripts or files:
    market.files.pdf_content) or an image (cleaned as above)."""
    if data.startswith(b"%PDF-"):
        if b"%%EOF" not in data[-2048:]:
            raise UploadRejected(_("The PDF is damaged or incomplete."), field=field)
        try:
            found = active_content(data)
        except ActivePdf:
            raise UploadRejected(
                _(
                    "The PDF could not be checked: it is protected by a password or damaged. "
                    "Upload it without a password."
                ),
                code="unreadable_pdf",
                field=field,
            ) from None
        if found:
            raise UploadRejected(
                _(
                    "The PDF carries scripts, actions or attached files, which are not accepted. "
                    "Save it again as a plain PDF (Print, then Save as PDF) and upload that."
                ),
                code="active_pdf",
                field=field,
            )
        return CleanFile(data, "application/pdf")
    try:
        return clean_image(data, field=field)
    except UploadRejected as refused:
        if refused.code == "unsupported_type":
            raise UploadRejected(
                _("Upload a PDF or a JPEG, PNG or WebP image."), code=refused.code, field=field
            ) from None
        raise
