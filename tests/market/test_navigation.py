"""A page never offers a link or button the person cannot use: every link on the pages each role
reaches from the menu opens, and actions are offered only to those who may take them."""

import datetime
import re

import pytest
from django.utils import timezone

from tests.factories import UserFactory, finance_officer

pytestmark = pytest.mark.django_db
LINK = re.compile(r'href="(/[^"#?]*)(?:\?[^"]*)?"')
NOT_CRAWLED = ("/admin/", "/api/", "/static/", "/media/", "/i18n/", "/accounts/logout/")


def links_on(page: str) -> set[str]:
    return {url for url in LINK.findall(page) if not url.startswith(NOT_CRAWLED)}


@pytest.fixture
def people(world):
    today = timezone.localdate()
    world.standing_order()
    world.order((world.rice, "100"), delivery_date=today + datetime.timedelta(days=3))
    return {
        "requester": world.requester,
        "approver": world.approver,
        "receiver": world.receiver,
        "treasurer": world.treasurer,
        "vendor": world.rice_seller,
        "finance": finance_officer(),
        "admin": UserFactory(is_staff=True),
        "nobody": UserFactory(),
    }


@pytest.mark.parametrize(
    "role",
    ["requester", "approver", "receiver", "treasurer", "vendor", "finance", "admin", "nobody"],
)
def test_every_link_a_person_is_shown_opens(client, people, role):
    client.force_login(people[role])
    home = client.get("/").content.decode()
    to_visit, seen = links_on(home), {"/"}
    while to_visit:
        url = to_visit.pop()
        if url in seen or len(seen) > 80:
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code == 200, f"{role} is shown {url} but gets {response.status_code}"
        if response["Content-Type"].startswith("text/html"):
            to_visit |= links_on(response.content.decode()) - seen


def test_the_cart_is_offered_only_to_requesters(client, people):
    for role, offered in (("requester", True), ("finance", False), ("admin", False)):
        client.force_login(people[role])
        assert ('href="/cart/"' in client.get("/").content.decode()) is offered, role


def test_stopping_a_standing_order_is_offered_only_to_its_department(client, people):
    for role, offered in (("requester", True), ("approver", True), ("finance", False)):
        client.force_login(people[role])
        page = client.get("/standing-orders/").content.decode()
        assert ("/stop/" in page) is offered, role
