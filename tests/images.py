"""Files for upload tests, made in memory."""

from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfWriter


def pdf_bytes(change=None) -> bytes:
    """A one-page PDF, as a scanner or a word processor writes it; `change(writer)` adds to it
    first."""
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    if change is not None:
        change(writer)
    output = BytesIO()
    writer.write(output)
    return output.getvalue()


PDF = pdf_bytes()


def image_file(
    fmt: str = "JPEG", size=(64, 48), name: str = "photo.jpg", exif=None
) -> SimpleUploadedFile:
    output = BytesIO()
    Image.new("RGB", size, "green").save(output, fmt, **({"exif": exif} if exif else {}))
    return SimpleUploadedFile(name, output.getvalue())


def exif_with_gps_and_rotation() -> bytes:
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to display
    exif[0x010F] = "PhoneMaker"
    exif.get_ifd(0x8825)[2] = (0.0, 22.0, 0.0)  # GPS latitude
    return exif.tobytes()


def pdf_file(name: str = "nib.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF)
