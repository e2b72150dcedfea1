"""REST endpoints of the market app: who am I, regions, audit checkpoints (tokens: token_api)."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from market.models import District, Membership
from market.permissions import roles_of
from market.selectors import district_list
from market.services.audit_checkpoints import audit_checkpoints


class MeApi(APIView):
    """The signed-in person and the roles they hold."""

    class OutputSerializer(serializers.Serializer):
        class MembershipSerializer(serializers.Serializer):
            department = serializers.CharField(source="department.code")
            department_name = serializers.CharField(source="department.name")
            role = serializers.CharField()

        username = serializers.CharField()
        full_name = serializers.CharField(source="display_name")
        is_platform_admin = serializers.BooleanField()
        organisation_roles = serializers.ListField(child=serializers.CharField())
        memberships = MembershipSerializer(many=True)

    @extend_schema(responses=OutputSerializer)
    def get(self, request):
        roles = roles_of(request.user)
        memberships = Membership.objects.filter(user=request.user).select_related("department")
        payload = {
            "username": request.user.username,
            "display_name": request.user.display_name,
            "is_platform_admin": roles.is_platform_admin,
            "organisation_roles": sorted(roles.organisation_roles),
            "memberships": memberships.order_by("department__code", "role"),
        }
        return Response(self.OutputSerializer(payload).data)


class DistrictListApi(generics.ListAPIView):
    """The regency's districts and villages; public, for registration forms and open data."""

    permission_classes = [AllowAny]

    class OutputSerializer(serializers.ModelSerializer):
        class VillageSerializer(serializers.Serializer):
            id = serializers.IntegerField()
            code = serializers.CharField()
            name = serializers.CharField()
            is_priority = serializers.BooleanField()

        villages = VillageSerializer(many=True)
        village_count = serializers.IntegerField()
        priority_village_count = serializers.IntegerField()

        class Meta:
            model = District
            fields = ["id", "code", "name", "village_count", "priority_village_count", "villages"]

    serializer_class = OutputSerializer

    def get_queryset(self):
        return district_list()


class PublicAuditCheckpointsApi(APIView):
    """The audit chain's latest signed checkpoints (sequence, hash, time, key id, signature),
    newest first; public, so that anyone can keep them and hold the trail to them later
    (`manage.py verify_audit --checkpoint FILE`)."""

    permission_classes = [AllowAny]

    class OutputSerializer(serializers.Serializer):
        sequence = serializers.IntegerField()
        hash = serializers.CharField()
        time = serializers.CharField()
        key_id = serializers.CharField()
        signature = serializers.CharField()

    @extend_schema(responses=OutputSerializer(many=True))
    def get(self, request):
        return Response(self.OutputSerializer(audit_checkpoints(), many=True).data)
