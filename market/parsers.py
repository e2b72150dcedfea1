"""The API's JSON parser: JSON nested deeper than Python's stack answers 400, not 500.

Kept apart from market.rest: REST framework loads its parsers while that module is importing.
"""

from django.utils.translation import gettext as _
from rest_framework import exceptions, parsers


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError(_("The JSON is nested too deeply.")) from None
