"""The WhatsApp Cloud API's ways in: the webhook Meta posts to (its verification handshake, then
signed messages and status callbacks), and the signed links its document messages fetch."""

import json
import logging

from django.conf import settings
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from market.errors import DomainError, NotAllowed
from market.models import User
from market.rest import refusal
from orders.documents import pdf_response
from orders.selectors import orders_visible_to
from worker.cloud_api import signature_valid
from worker.whatsapp_inbound import webhook_receive
from worker.whatsapp_tokens import BadToken, ExpiredToken, document_of

logger = logging.getLogger(__name__)
SIGNATURE = "HTTP_X_HUB_SIGNATURE_256"


class TooLarge(DomainError):
    code = "too_large"
    status = 413


class WhatsAppWebhookApi(APIView):
    """`GET` answers Meta's verification handshake; `POST` takes what Meta sends (messages and
    status callbacks), checked against `X-Hub-Signature-256` (HMAC-SHA256 of the raw body with
    the app secret) before any of it is read."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes: list = []
    parser_classes: list = []  # the raw body is read, after its signature

    @extend_schema(
        parameters=[
            OpenApiParameter("hub.mode", str, required=True),
            OpenApiParameter("hub.verify_token", str, required=True),
            OpenApiParameter("hub.challenge", str, required=True),
        ],
        responses={200: OpenApiTypes.STR, 403: refusal(403)},
    )
    def get(self, request):
        query = request.query_params
        expected = settings.WHATSAPP_VERIFY_TOKEN
        challenge = query.get("hub.challenge", "")
        if (
            query.get("hub.mode") != "subscribe"
            or not expected
            or query.get("hub.verify_token") != expected
            or not (0 < len(challenge) <= 200)
        ):
            raise NotAllowed(_("The verification token is not right."))
        return HttpResponse(challenge, content_type="text/plain")

    @extend_schema(
        request=OpenApiTypes.OBJECT,
        responses={
            200: inline_serializer(
                "WhatsAppWebhookOutput", {"received": serializers.IntegerField()}
            ),
            403: refusal(403),
            413: refusal(413),
        },
    )
    def post(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if length < 0 or length > settings.WHATSAPP_WEBHOOK_MAX_BYTES:
            raise TooLarge(_("The request is too large."))
        body = request._request.body
        if not signature_valid(body, request.META.get(SIGNATURE)):
            logger.warning("A WhatsApp webhook with a missing or wrong signature was refused.")
            raise NotAllowed(_("The signature is missing or not right."), code="bad_signature")
        try:
            payload = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            raise DomainError(_("The body is not JSON."), code="parse_error") from None
        if not isinstance(payload, dict) or payload.get("object") != "whatsapp_business_account":
            raise DomainError(_("This is not a WhatsApp webhook."), code="invalid")
        return Response({"received": webhook_receive(payload)}, status=status.HTTP_200_OK)


def whatsapp_document(request, token: str):
    """A document a WhatsApp message carries, fetched by Meta at the message's link: the signed
    link names the order, the document and the person it was sent to, who must still be able to
    read it."""
    try:
        order_id, kind, person_id = document_of(token)
    except (BadToken, ExpiredToken):
        raise Http404 from None
    person = User.objects.filter(pk=person_id, is_active=True).first()
    order = orders_visible_to(person).filter(pk=order_id).first() if person else None
    if order is None:
        raise Http404
    return pdf_response(order, kind, user=person)
