"""The API's parsers, with limits: a JSON body over JSON_MAX_BYTES answers 413 and JSON nested
deeper than JSON_MAX_DEPTH answers 400, before either costs memory or a 500; a body that is not
JSON answers 400 saying where, in the reader's language; text that no database, page or log can
keep (a NUL, a lone UTF-16 surrogate), in any body, answers 400 naming where it is, before any
view reads it.

Django's DATA_UPLOAD_MAX_MEMORY_SIZE guards forms and uploads, but REST framework reads a JSON
body from the raw stream, past that check. No request of ours nests more than a few levels.
Kept apart from market.rest: REST framework loads its parsers while that module is importing.
"""

import io
import json

from django.conf import settings
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from rest_framework import exceptions, parsers, status

from market.bounds import SURROGATE, characters_problem


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


def _name(key) -> str:
    """A key as an error may name it: without the characters that make it unprintable."""
    return SURROGATE.sub("\ufffd", str(key).replace("\x00", ""))


def _text_errors(value):
    """The problems of the text in parsed input, shaped like it: `[message]` for a string,
    `{key or index: ...}` for an object or a list, naming each key or value at fault; None
    when there are none. Form fields (a MultiValueDict) are named by their key alone."""
    if isinstance(value, str):
        problem = characters_problem(value)
        return [problem] if problem else None
    if isinstance(value, MultiValueDict):
        items = ((key, [v for v in values if isinstance(v, str)]) for key, values in value.lists())
        return _text_errors({key: "".join(values) for key, values in items})
    if isinstance(value, dict | list):
        errors = {}
        for key, child in value.items() if isinstance(value, dict) else enumerate(value):
            problem = isinstance(key, str) and characters_problem(key)
            found = [problem] if problem else _text_errors(child)
            if found:
                errors[_name(key)] = found
        return errors or None
    return None


def _refuse_unkeepable_text(data) -> None:
    if errors := _text_errors(data):
        raise exceptions.ValidationError(errors)


def _not_json(cause) -> str:
    """Why a body is not JSON, in the reader's language (REST framework says it in English)."""
    if isinstance(cause, json.JSONDecodeError):
        return _("The body is not valid JSON (line %(line)s, column %(column)s).") % {
            "line": cause.lineno,
            "column": cause.colno,
        }
    if isinstance(cause, UnicodeDecodeError):
        return _("The body is not text in UTF-8.")
    return _("The body is not valid JSON.")


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
        except exceptions.ParseError as error:
            raise exceptions.ParseError(_not_json(error.__context__)) from None
        else:
            deep = _nesting(data, settings.JSON_MAX_DEPTH) > settings.JSON_MAX_DEPTH
        if deep:
            raise exceptions.ParseError(_("The JSON is nested too deeply.")) from None
        _refuse_unkeepable_text(data)
        return data


class FormParser(parsers.FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        _refuse_unkeepable_text(data)
        return data


class MultiPartParser(parsers.MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parsed = super().parse(stream, media_type, parser_context)
        _refuse_unkeepable_text(parsed.data)
        return parsed
