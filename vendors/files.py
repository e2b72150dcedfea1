"""Serving vendors' private documents, to their own members and administrators only."""

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404

from vendors.models import VendorDocument
from vendors.permissions import reads_documents_of


def document_response(*, user, pk: int) -> FileResponse:
    """The file as an attachment; anyone else gets 404, as if it did not exist."""
    document = get_object_or_404(VendorDocument.objects.select_related("vendor"), pk=pk)
    if not reads_documents_of(user, document.vendor):
        raise Http404
    return FileResponse(
        document.file.open("rb"),
        content_type=document.content_type,
        as_attachment=True,
        filename=f"{document.kind}-{document.vendor.nib}{document.extension}",
    )
