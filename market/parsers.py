"""The API's JSON parser, with limits: a body over JSON_MAX_BYTES answers 413 and JSON nested
deeper than JSON_MAX_DEPTH answers 400, before either costs memory or a 500.

Django's DATA_UPLOAD_MAX_MEMORY_SIZE guards forms and uploads, but REST framework reads a JSON
body from the raw stream, past that check. No request of ours nests more than a few levels.
Kept apart from market.rest: REST framework loads its parsers while that module is importing.
"""

import io

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import exceptions, parsers, status


class TooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"


def _nesting(value, limit: int) -> int:
    """How many containers deep `value` goes, counting no further than just past `limit`."""
    deepest, stack = 0, [(value, 1)] if isinstance(value, dict | list) else []
    while stack and deepest <= limit:
        value, level = stack.pop()
        deepest = max(deepest, level)
        children = value.values() if isinstance(value, dict) else value
        stack.extend((child, level + 1) for child in children if isinstance(child, dict | list))
    return deepest


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        most = settings.JSON_MAX_BYTES
        body = stream.read(most + 1) if stream is not None else b""
        if len(body) > most:
            raise TooLarge(_("The request is larger than %(size)s kB.") % {"size": most // 1024})
        try:
            data = super().parse(io.BytesIO(body), media_type, parser_context)
        except RecursionError:
            data, deep = None, True
        else:
            deep = _nesting(data, settings.JSON_MAX_DEPTH) > settings.JSON_MAX_DEPTH
        if deep:
            raise exceptions.ParseError(_("The JSON is nested too deeply.")) from None
        return data
