"""OpenAPI schema generation (drf-spectacular) tuned to how our API views are written: the
refusals each kind of operation may answer (market.rest.refusal), names of nested serializers."""

from drf_spectacular import openapi
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme

from market.rest import refusal

UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


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
