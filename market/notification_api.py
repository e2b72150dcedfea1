"""REST endpoints of notifications: a person's own list, marking read, and their choices."""

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from market.models import Notification
from market.notices import words
from market.rest import ServiceInputSerializer, run_serializer
from market.selectors import notifications_of
from market.services.notifications import (
    notification_preference_problems,
    notification_preferences_set,
    notifications_mark_read,
    preferences_of,
)
from market.services.phone_codes import phone_code_confirm, phone_code_request


class NotificationSerializer(serializers.ModelSerializer):
    """The text is written in the reader's language when it is read."""

    title = serializers.SerializerMethodField()
    body = serializers.SerializerMethodField()
    unread = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = [
            "id",
            "kind",
            "title",
            "body",
            "link",
            "object_type",
            "object_id",
            "params",
            "created_at",
            "read_at",
            "unread",
        ]

    def _words(self, notification) -> tuple[str, str]:
        return words(notification.kind, notification.params, language=get_language())

    def get_title(self, notification) -> str:
        return self._words(notification)[0]

    def get_body(self, notification) -> str:
        return self._words(notification)[1]

    def get_unread(self, notification) -> bool:
        return notification.read_at is None


class NotificationFilter(filters.FilterSet):
    unread = filters.BooleanFilter(method="only_unread", label="Only unread")

    class Meta:
        model = Notification
        fields = ["unread"]

    def only_unread(self, queryset, name, value):
        return queryset.filter(read_at__isnull=True) if value else queryset


class NotificationListApi(generics.ListAPIView):
    """The signed-in person's notifications, newest first; `?unread=true` for the unread."""

    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema is made without a request
            return Notification.objects.none()
        return notifications_of(self.request.user)


class NotificationReadApi(APIView):
    """Mark one of one's own notifications read (someone else's answers 404)."""

    @extend_schema(request=None, responses=NotificationSerializer)
    def post(self, request, pk):
        notification = get_object_or_404(notifications_of(request.user), pk=pk)
        notifications_mark_read(user=request.user, ids=[notification.pk])
        notification.refresh_from_db()
        return Response(NotificationSerializer(notification).data)


class NotificationReadAllApi(APIView):
    """Mark every one of one's notifications read."""

    @extend_schema(
        request=None,
        responses=inline_serializer("ReadAllOutput", {"marked": serializers.IntegerField()}),
    )
    def post(self, request):
        return Response({"marked": notifications_mark_read(user=request.user)})


class PreferencesApi(APIView):
    """Which channels reach the signed-in person besides the app (always on), the WhatsApp
    number they reach, and their languages: `language` of their pages (as the page's language
    switcher sets it), `message_language` of their e-mail and WhatsApp messages ("" for the
    same as the pages)."""

    class PreferencesSerializer(ServiceInputSerializer):
        language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False)
        message_language = serializers.ChoiceField(
            choices=settings.LANGUAGES,
            required=False,
            allow_blank=True,
            help_text='"" for the same as the pages',
        )
        in_app = serializers.BooleanField(read_only=True)
        email = serializers.BooleanField(required=False)
        whatsapp = serializers.BooleanField(required=False)
        email_address = serializers.CharField(read_only=True)
        whatsapp_number = serializers.CharField(
            required=False, allow_blank=True, max_length=20, trim_whitespace=True
        )
        whatsapp_verified = serializers.BooleanField(read_only=True)
        whatsapp_available = serializers.BooleanField(read_only=True)

        def problems(self, values: dict) -> dict:
            return notification_preference_problems(values)

    @extend_schema(responses=PreferencesSerializer)
    def get(self, request):
        return Response(self.PreferencesSerializer(preferences_of(request.user)).data)

    @extend_schema(request=PreferencesSerializer, responses=PreferencesSerializer)
    def put(self, request):
        serializer = self.PreferencesSerializer(data=request.data)
        after = run_serializer(
            serializer,
            lambda values: notification_preferences_set(
                user=request.user, by=request.user, **values
            ),
        )
        return Response(self.PreferencesSerializer(after).data)

    @extend_schema(request=PreferencesSerializer, responses=PreferencesSerializer)
    def patch(self, request):
        return self.put(request)


class WhatsAppCodeApi(APIView):
    """`POST`: send a code to the WhatsApp number in the person's choices, to prove it theirs
    (a few an hour; each good for some minutes and a few tries). Only a verified number receives
    WhatsApp messages or may answer an order from WhatsApp."""

    @extend_schema(
        request=None,
        responses={
            202: inline_serializer(
                "WhatsAppCodeSent",
                {"sent_to": serializers.CharField(), "expires_at": serializers.DateTimeField()},
            )
        },
    )
    def post(self, request):
        code = phone_code_request(user=request.user, by=request.user)
        return Response({"sent_to": code.phone, "expires_at": code.expires_at}, status=202)


class WhatsAppVerifyApi(APIView):
    """`POST {"code": "123456"}`: the code sent to the person's WhatsApp number; answered with
    their choices, the number now verified."""

    class CodeSerializer(serializers.Serializer):
        code = serializers.CharField(max_length=12, trim_whitespace=True)

    @extend_schema(request=CodeSerializer, responses=PreferencesApi.PreferencesSerializer)
    def post(self, request):
        run_serializer(
            self.CodeSerializer(data=request.data),
            lambda values: phone_code_confirm(user=request.user, by=request.user, **values),
        )
        return Response(PreferencesApi.PreferencesSerializer(preferences_of(request.user)).data)
