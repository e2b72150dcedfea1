"""Ratings through the API: the list (filtered), one rating, rating an order, changing a rating
within its days (PATCH), and the vendor's one answer. Each endpoint's input and output are its
own serializers; refusals in the one error format (market.rest)."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from market.errors import InvalidInput
from market.permissions import departments_visible_to
from market.rest import ServiceInputSerializer, refusal, run_serializer
from orders.selectors import orders_visible_to
from ratings import services
from ratings.models import ANSWER_LENGTH, COMMENT_LENGTH, HIGHEST, LOWEST, Rating
from ratings.permissions import (
    change_deadline,
    may_answer,
    may_change,
    may_rate,
    reads_ratings,
    shows_author,
)
from ratings.selectors import rating_filter, ratings_visible_to


class RatingOutputSerializer(serializers.ModelSerializer):
    """A rating as its reader may see it: the person who gave it only for the department's
    own people, finance officers, inspectors and administrators (never for the vendor)."""

    order = serializers.IntegerField(source="order_id")
    order_number = serializers.CharField(source="order.number")
    department = serializers.CharField(source="department.code")
    vendor = serializers.IntegerField(source="vendor_id")
    vendor_name = serializers.CharField(source="vendor.display_name")
    rated_by = serializers.SerializerMethodField(help_text="null for the vendor")
    overall = serializers.DecimalField(max_digits=2, decimal_places=1)
    changeable_until = serializers.SerializerMethodField(
        help_text="until when its author may change it, unless the vendor answers first"
    )

    class Meta:
        model = Rating
        fields = [
            "id",
            "order",
            "order_number",
            "department",
            "vendor",
            "vendor_name",
            "rated_by",
            "timeliness",
            "quality",
            "fit",
            "overall",
            "comment",
            "created_at",
            "updated_at",
            "changeable_until",
            "answer",
            "answered_at",
        ]

    def get_rated_by(self, rating) -> str | None:
        user = self.context["request"].user
        return rating.author.display_name if shows_author(user, rating) else None

    def get_changeable_until(self, rating) -> str | None:
        if rating.answered_at is not None:
            return None
        return serializers.DateTimeField().to_representation(change_deadline(rating))


def _output(request, rating: Rating) -> dict:
    rating = ratings_visible_to(request.user).get(pk=rating.pk)
    return RatingOutputSerializer(rating, context={"request": request}).data


class RatingListApi(generics.ListAPIView):
    """Ratings, newest first: every one for finance officers, inspectors and administrators, a
    department's own for its staff, a vendor's own for the vendor. Filter by `department`
    (code), `vendor` (id), `answered`."""

    serializer_class = RatingOutputSerializer

    class FilterSerializer(serializers.Serializer):
        department = serializers.CharField(required=False, max_length=20)
        vendor = serializers.IntegerField(required=False, min_value=1, max_value=2**53)
        answered = serializers.BooleanField(required=False, allow_null=True, default=None)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema's generation
            return Rating.objects.none()
        user = self.request.user
        if not reads_ratings(user):  # before any input is read
            raise NotFound
        filters = self.FilterSerializer(data=self.request.query_params)
        if not filters.is_valid():
            raise InvalidInput(filters.errors)
        values = filters.validated_data
        chosen = {"answered": values.get("answered")}
        if "department" in values:
            chosen["department"] = (
                departments_visible_to(user).filter(code__iexact=values["department"]).first()
            )
            if chosen["department"] is None:
                raise NotFound
        if "vendor" in values:
            chosen["vendor"] = values["vendor"]
        return rating_filter(ratings_visible_to(user), **chosen)

    @extend_schema(
        parameters=[FilterSerializer],
        responses={200: RatingOutputSerializer(many=True), 404: refusal(404)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


def _score_field(required: bool = True):
    return serializers.IntegerField(min_value=LOWEST, max_value=HIGHEST, required=required)


class OrderRatingApi(APIView):
    """Rate the vendor of an order whose goods are all received (the final BAST): a receiver of
    its department, once per order."""

    class InputSerializer(ServiceInputSerializer):
        timeliness = _score_field()
        quality = _score_field()
        fit = _score_field()
        comment = serializers.CharField(
            required=False, allow_blank=True, max_length=COMMENT_LENGTH, default=""
        )

        def problems(self, values):
            return services.score_problems(values)

    @extend_schema(
        request=InputSerializer,
        responses={
            201: RatingOutputSerializer,
            400: refusal(400),
            403: refusal(403),
            404: refusal(404),
            409: refusal(409),
        },
    )
    def post(self, request, pk):
        order = orders_visible_to(request.user).filter(pk=pk).first()
        if order is None:
            raise NotFound
        if not may_rate(request.user, order):  # before the input is read
            raise PermissionDenied
        rating = run_serializer(
            self.InputSerializer(data=request.data),
            lambda values: services.rating_give(order=order, by=request.user, **values),
        )
        return Response(_output(request, rating), status=status.HTTP_201_CREATED)


def _rating_or_404(request, pk) -> Rating:
    rating = ratings_visible_to(request.user).filter(pk=pk).first()
    if rating is None:
        raise NotFound
    return rating


class RatingDetailApi(APIView):
    """One rating; PATCH: its author changes it, within its days and before the vendor answers
    (fields left out keep their value)."""

    class InputSerializer(ServiceInputSerializer):
        timeliness = _score_field(required=False)
        quality = _score_field(required=False)
        fit = _score_field(required=False)
        comment = serializers.CharField(required=False, allow_blank=True, max_length=COMMENT_LENGTH)

        def validate(self, values):
            if not values:
                raise serializers.ValidationError(_("Give at least one field to change."))
            return values

    @extend_schema(responses={200: RatingOutputSerializer, 404: refusal(404)})
    def get(self, request, pk):
        return Response(_output(request, _rating_or_404(request, pk)))

    @extend_schema(
        request=InputSerializer,
        responses={
            200: RatingOutputSerializer,
            400: refusal(400),
            403: refusal(403),
            404: refusal(404),
            409: refusal(409),
        },
    )
    def patch(self, request, pk):
        rating = _rating_or_404(request, pk)
        if not may_change(request.user, rating):  # before the input is read
            raise PermissionDenied
        current = {
            "timeliness": rating.timeliness,
            "quality": rating.quality,
            "fit": rating.fit,
            "comment": rating.comment,
        }
        rating = run_serializer(
            self.InputSerializer(data=request.data),
            lambda values: services.rating_change(
                rating=rating, by=request.user, **{**current, **values}
            ),
        )
        return Response(_output(request, rating))


class RatingAnswerApi(APIView):
    """The rated vendor answers, once; the answer is not changed afterwards."""

    class InputSerializer(ServiceInputSerializer):
        answer = serializers.CharField(max_length=ANSWER_LENGTH)

    @extend_schema(
        request=InputSerializer,
        responses={
            200: RatingOutputSerializer,
            400: refusal(400),
            403: refusal(403),
            404: refusal(404),
            409: refusal(409),
        },
    )
    def post(self, request, pk):
        rating = _rating_or_404(request, pk)
        if not may_answer(request.user, rating):  # before the input is read
            raise PermissionDenied
        rating = run_serializer(
            self.InputSerializer(data=request.data),
            lambda values: services.rating_answer(
                rating=rating, by=request.user, answer=values["answer"]
            ),
        )
        return Response(_output(request, rating))
