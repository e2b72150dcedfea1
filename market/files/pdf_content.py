"""What a PDF may not carry into a vendor's documents: scripts, actions that run or fetch
something, attached files, and XFA forms (which carry scripts of their own). Read with pypdf,
so names spelt with escapes (/J#61vaScript) and objects inside compressed streams are seen
as a PDF reader sees them."""

import io

from pypdf import PdfReader
from pypdf.errors import PdfReadError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

# Keys and action types (/S) that run code, open other files or carry files inside.
ACTIVE = frozenset(
    {
        "/JavaScript",
        "/JS",
        "/Launch",
        "/EmbeddedFile",
        "/EmbeddedFiles",
        "/RichMedia",
        "/XFA",
        "/SubmitForm",
        "/ImportData",
    }
)
MOST_OBJECTS = 200_000  # a 10 MB upload holds far fewer: a bound on the walk, not a limit


class ActivePdf(Exception):
    """The PDF carries something active (`name`), or could not be read to make sure."""

    def __init__(self, name: str):
        super().__init__(name)
        self.name = name


def active_content(data: bytes) -> str | None:
    """The first active name found in the PDF ("/JavaScript"...), or None when there is none.
    Raises ActivePdf("encrypted") or ActivePdf("unreadable") when it cannot be checked."""
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise ActivePdf("encrypted")
        pending, seen = [reader.trailer], set()
        while pending:
            if len(seen) > MOST_OBJECTS:
                raise ActivePdf("unreadable")
            item = pending.pop()
            if isinstance(item, IndirectObject):
                if (item.idnum, item.generation) in seen:
                    continue
                seen.add((item.idnum, item.generation))
                item = item.get_object()
            if isinstance(item, DictionaryObject):
                for key, value in item.items():
                    if key in ACTIVE or (key == "/S" and value in ACTIVE):
                        return str(key if key in ACTIVE else value)
                    pending.append(value)
            elif isinstance(item, ArrayObject):
                pending.extend(item)
            elif isinstance(item, NameObject) and item in ("/JavaScript", "/Launch"):
                return str(item)
    except ActivePdf:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, RecursionError) as damaged:
        raise ActivePdf("unreadable") from damaged
    return None
