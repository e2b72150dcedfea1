"""How every REST endpoint behaves: pagination, the one error format, and input checked once,
so that every field's problem is named in one answer.

Errors always look like {"error": {"code": ..., "message": ..., "fields": {...}}}.
"""

import hashlib
from collections.abc import Mapping

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, pagination, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from market.errors import DomainError, InvalidInput
from market.forms import ServiceForm


class ServiceInputSerializer(serializers.Serializer):
    """The API's market.forms.ServiceForm: `problems(values)` names the service's own field
    rules beside the fields' own checks, every field's problem in one answer, and
    run_serializer calls the service only with input that passed them all."""

    problems = ServiceForm.problems

    def to_internal_value(self, data):
        self._passed = {}
        try:
            values, errors = super().to_internal_value(data), {}
        except exceptions.ValidationError as invalid:
            if not isinstance(data, Mapping):
                raise
            values, errors = self._passed, invalid.detail
        problems = {
            name: problem for name, problem in self.problems(values).items() if name not in errors
        }
        if errors or problems:
            raise exceptions.ValidationError({**errors, **problems})
        return values

    def set_value(self, dictionary, keys, value):
        # REST framework gathers the fields that passed in `dictionary`, and forgets it when
        # another field fails: kept, for `problems` to judge them all the same.
        self._passed = dictionary
        super().set_value(dictionary, keys, value)


def run_serializer(serializer: serializers.Serializer, call):
    """`call(values)`, once, with the request's validated input; InvalidInput with every
    problem the serializer found, and no call, when it did not pass."""
    if not serializer.is_valid():
        raise InvalidInput(_stringify(serializer.errors))
    return call(dict(serializer.validated_data))


class PublicApiView(APIView):
    """Open data for anyone, no login: JSON only, also when a browser follows the link."""

    permission_classes = [AllowAny]
    authentication_classes = []
    renderer_classes = [JSONRenderer]


class PageNumberPagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 100


class CountKeptPaginator(Paginator):
    """Counting every match costs a scan of them all, on every page asked for: the count of a
    query is kept for a minute (the catalogue, where a count a minute old does no harm)."""

    seconds = 60

    @cached_property
    def count(self) -> int:
        try:
            sql, params = self.object_list.query.sql_with_params()
        except (AttributeError, EmptyResultSet):
            return super().count
        key = "page-count:" + hashlib.sha256(f"{sql}|{params}".encode()).hexdigest()
        count = cache.get(key)
        if count is None:
            count = super().count
            cache.set(key, count, self.seconds)
        return count


class CountKeptPagination(PageNumberPagination):
    django_paginator_class = CountKeptPaginator


# REST framework's own words that its Indonesian catalogue lacks; ours translates them.
REST_FRAMEWORK_WORDS = (
    gettext_noop("Not a valid string."),
    gettext_noop("Invalid data. Expected a dictionary, but got {datatype}."),
)


def _error(code: str, message, http_status: int, fields=None) -> Response:
    body = {"code": code, "message": str(message)}
    if fields:
        body["fields"] = fields
    return Response({"error": body}, status=http_status)


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        return _error(exc.code, exc.message, exc.status, exc.named_fields())
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # an unexpected error: let Django log it and answer 500
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        return _error(
            "invalid",
            _("Some fields are not valid."),
            status.HTTP_400_BAD_REQUEST,
            _stringify(detail),
        )
    code = getattr(exc, "default_code", "error")
    if isinstance(exc.detail, dict | list):
        message = _("The request could not be carried out.")
    else:
        message = exc.detail
        code = getattr(exc.detail, "code", code) or code
    error = _error(code, message, response.status_code)
    for header in ("WWW-Authenticate", "Retry-After", "Allow"):
        if header in response:
            error[header] = response[header]
    return error


def _stringify(detail):
    if isinstance(detail, dict):
        return {key: _stringify(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_stringify(item) for item in detail]
    return str(detail)


# The one error format in the API schema (pasar.openapi adds it to every operation).
class ErrorSerializer(serializers.Serializer):
    """Every refusal's body (exception_handler below), as the API schema shows it."""

    class DetailSerializer(serializers.Serializer):
        code = serializers.CharField(help_text="what went wrong, for programs: invalid, not_found…")
        message = serializers.CharField(help_text="what went wrong, for the person, translated")
        fields = serializers.DictField(
            required=False,
            help_text="each field's problems: a list of messages, or, for a field made of "
            "parts (an order's lines), the same by part",
        )

    error = DetailSerializer()


# What each refusal means, wherever it is documented.
REFUSALS = {
    400: gettext_lazy("The input is not valid, or a rule refused it (the fields are named)."),
    401: gettext_lazy("No credentials, or a token that is wrong, expired or signed out."),
    403: gettext_lazy("Not allowed to do this."),
    404: gettext_lazy("Nothing here that the caller may see."),
    409: gettext_lazy("It changed meanwhile; reload and try again."),
    413: gettext_lazy("The request is too large."),
    415: gettext_lazy("The body is not in a format this operation reads."),
    429: gettext_lazy("Too many requests; try again later (Retry-After)."),
}


def refusal(status: int) -> OpenApiResponse:
    """A refusal in the one error format, for a view to document one that its kind of
    operation does not always answer: `extend_schema(responses={404: refusal(404)})`."""
    return OpenApiResponse(ErrorSerializer, description=REFUSALS[status])
