"""OpenAPI schema generation (drf-spectacular) tuned to how our API views are written."""

from drf_spectacular import openapi
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme


class AutoSchema(openapi.AutoSchema):
    """Names nested serializers after their view (MeApi.OutputSerializer -> MeOutput), since
    every view calls its own serializers InputSerializer and OutputSerializer."""

    def get_serializer_name(self, serializer, direction):
        name = super().get_serializer_name(serializer, direction)
        owners = type(serializer).__qualname__.split(".")[:-1]
        prefix = "".join(owner.removesuffix("Api").removesuffix("Serializer") for owner in owners)
        return prefix + name


class ApiTokenScheme(KnoxTokenScheme):
    """Our knox authentication in the schema: `Authorization: Token …`, as before."""

    target_class = "market.authentication.ApiTokenAuthentication"
    name = "tokenAuth"
