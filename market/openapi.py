"""OpenAPI schema generation (drf-spectacular) tuned to how our API views are written."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular import openapi
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    """Every refusal's body (market.rest.exception_handler)."""

    class DetailSerializer(serializers.Serializer):
        code = serializers.CharField(help_text="what went wrong, for programs: invalid, not_found…")
        message = serializers.CharField(help_text="what went wrong, for the person, translated")
        fields = serializers.DictField(
            required=False,
            help_text="each field's problems: a list of messages, or, for a field made of "
            "parts (an order's lines), the same by part",
        )

    error = DetailSerializer()


UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}

# What each refusal means, wherever it is documented.
REFUSALS = {
    400: _("The input is not valid, or a rule refused it (the fields are named)."),
    401: _("No credentials, or a token that is wrong, expired or signed out."),
    403: _("Not allowed to do this."),
    404: _("Nothing here that the caller may see."),
    409: _("It changed meanwhile; reload and try again."),
    415: _("The body is not in a format this operation reads."),
    429: _("Too many requests; try again later (Retry-After)."),
}


def refusal(status: int) -> OpenApiResponse:
    """A refusal in the one error format, for a view to document one that its kind of
    operation does not always answer: `extend_schema(responses={404: refusal(404)})`."""
    return OpenApiResponse(ErrorSerializer, description=REFUSALS[status])


class AutoSchema(openapi.AutoSchema):
    """Names nested serializers after their view (MeApi.OutputSerializer -> MeOutput), since
    every view calls its own serializers InputSerializer and OutputSerializer."""

    def get_serializer_name(self, serializer, direction):
        name = super().get_serializer_name(serializer, direction)
        owners = type(serializer).__qualname__.split(".")[:-1]
        prefix = "".join(owner.removesuffix("Api").removesuffix("Serializer") for owner in owners)
        return prefix + name

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        """Adds the refusals any operation of its kind may answer (in the one error format)
        to those its view documents itself."""
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        for status in self._refusals(operation):
            operation["responses"].setdefault(
                str(status),
                self._get_response_for_code(refusal(status), str(status), ["application/json"]),
            )
        return operation

    def _refusals(self, operation: dict):
        """The statuses an operation of this kind may answer whatever its view does."""
        places = {parameter["in"] for parameter in operation.get("parameters", [])}
        if self.method in UNSAFE_METHODS or "query" in places:
            yield 400
        if self.view.authentication_classes:
            yield from (401, 403)
        if "path" in places or self._get_paginator():
            yield 404
        if self.method in UNSAFE_METHODS:
            yield 409
        if self.method in {"POST", "PUT", "PATCH"}:
            yield 415
        if self.view.throttle_classes:
            yield 429


class ApiTokenScheme(KnoxTokenScheme):
    """Our knox authentication in the schema: `Authorization: Token …`, as before."""

    target_class = "market.authentication.ApiTokenAuthentication"
    name = "tokenAuth"
