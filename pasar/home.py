"""The home page: who you are, where you work, and each app's panel of what waits for you.

The shell may import every app, so it names the panels itself, in the order they show."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from market.models import DepartmentRole, Membership, OrganisationRole
from market.panels import Panel
from market.permissions import home_sections, roles_of
from orders.views import orders_panel
from procurement.views import budget_panel
from ratings.views import ratings_panel
from vendors.views import vendor_panel

# Each returns its panel, or None when it is not for this person.
PANELS = (orders_panel, vendor_panel, ratings_panel, budget_panel)


def panels_for(request) -> list[Panel]:
    return [panel for build in PANELS if (panel := build(request)) is not None]


@login_required
def home(request):
    roles = roles_of(request.user)
    memberships = (
        Membership.objects.filter(user=request.user, department__is_active=True)
        .select_related("department")
        .order_by("department__code", "role")
    )
    context = {
        "sections": home_sections(request.user),
        "memberships": memberships,
        "organisation_roles": [OrganisationRole(role).label for role in roles.organisation_roles],
        "role_labels": dict(DepartmentRole.choices),
        "panels": panels_for(request),
    }
    return render(request, "pasar/home.html", context)
