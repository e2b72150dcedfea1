"""REST endpoints of API tokens: sign a device in, list the signed-in devices, sign out."""

from django.contrib.auth import authenticate
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from market.errors import DomainError
from market.models import ApiToken
from market.selectors import api_tokens_of
from market.services.api_tokens import (
    api_token_create,
    api_token_revoke,
    api_tokens_revoke_all,
)
from market.throttles import AuditedScopedRateThrottle


class DeviceSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    name = serializers.CharField()
    created = serializers.DateTimeField()
    last_used_at = serializers.DateTimeField(allow_null=True)
    expiry = serializers.DateTimeField(allow_null=True)
    current = serializers.SerializerMethodField()

    def get_current(self, token) -> bool:
        return token.pk == getattr(self.context.get("auth"), "pk", None)


def _signed_in_token(request) -> ApiToken:
    if not isinstance(request.auth, ApiToken):
        raise DomainError(
            _("This request was not signed with an API token."), code="not_token_signed"
        )
    return request.auth


class TokenCreateApi(APIView):
    """Exchange a username and password for a token for one device (then send
    `Authorization: Token …`). The token is shown only in this answer. Signing in again with
    the same device name replaces that device's token; a token unused for 14 days expires."""

    permission_classes = [AllowAny]
    throttle_classes = [AuditedScopedRateThrottle]
    throttle_scope = "sign_in"
    authentication_classes = []

    class InputSerializer(serializers.Serializer):
        username = serializers.CharField(max_length=150)
        password = serializers.CharField(
            max_length=128, style={"input_type": "password"}, trim_whitespace=False
        )
        device_name = serializers.CharField(
            max_length=80,
            required=False,
            allow_blank=True,
            help_text=_("Which device this is, e.g. “Phone of Bu Sri”."),
        )

    class OutputSerializer(serializers.Serializer):
        token = serializers.CharField()
        expiry = serializers.DateTimeField()
        device = DeviceSerializer()

    @extend_schema(request=InputSerializer, responses={200: OutputSerializer})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        credentials = {key: data.validated_data[key] for key in ("username", "password")}
        # The Django request: django-axes marks a locked-out sign-in on it for its middleware.
        user = authenticate(request._request, **credentials)
        if user is None:
            raise DomainError(_("Username or password is wrong."), code="invalid_credentials")
        token, secret = api_token_create(user=user, name=data.validated_data.get("device_name", ""))
        payload = {"token": secret, "expiry": token.expiry, "device": token}
        context = {"auth": token}
        return Response(self.OutputSerializer(payload, context=context).data)


class TokenListApi(APIView):
    """The devices signed in to your account, with when each was last used."""

    @extend_schema(responses=DeviceSerializer(many=True))
    def get(self, request):
        devices = api_tokens_of(request.user)
        return Response(DeviceSerializer(devices, many=True, context={"auth": request.auth}).data)


class TokenRevokeApi(APIView):
    """Sign one of your devices out."""

    @extend_schema(responses={204: None})
    def delete(self, request, public_id):
        token = get_object_or_404(api_tokens_of(request.user), public_id=public_id)
        api_token_revoke(token=token, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokenLogoutApi(APIView):
    """Sign this device out: the token of this request stops working."""

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        api_token_revoke(token=_signed_in_token(request), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokenLogoutAllApi(APIView):
    """Sign every device out, this one included."""

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        api_tokens_revoke_all(user=request.user, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
