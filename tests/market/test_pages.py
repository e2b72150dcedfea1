import pytest
from django.urls import reverse

from market.models import DepartmentRole
from tests.factories import DepartmentFactory, UserFactory, finance_officer, member

pytestmark = pytest.mark.django_db


def test_pages_speak_indonesian_even_to_an_english_browser(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert response.status_code == 200
    assert response["Content-Language"] == "id"
    assert '<html lang="id">' in response.content.decode()
    assert "Masuk" in response.content.decode()


def test_the_language_switcher_turns_pages_english_and_back(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302

    page = client.get(reverse("login")).content.decode()
    assert '<html lang="en">' in page and "Sign in" in page

    client.post(reverse("set_language"), {"language": "id", "next": "/"})
    assert "Masuk" in client.get(reverse("login")).content.decode()


def test_home_needs_a_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_login_with_a_wrong_password_says_so_in_indonesian(client):
    UserFactory(username="rina")
    response = client.post(reverse("login"), {"username": "rina", "password": "wrong"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Nama pengguna atau kata sandi salah" in page
    assert "nama pengguna nama pengguna" not in page.lower()  # Django's own sentence did


@pytest.mark.parametrize(
    ("role", "heading"),
    [
        (DepartmentRole.REQUESTER, "Pemesan"),
        (DepartmentRole.APPROVER, "Pejabat Pembuat Komitmen (PPK)"),
        (DepartmentRole.RECEIVER, "Penerima"),
        (DepartmentRole.TREASURER, "Bendahara"),
    ],
)
def test_each_department_role_has_its_home_page(login, role, heading):
    department = DepartmentFactory(code="DISDIK", name="Dinas Pendidikan")
    page = login(member(role, department)).get(reverse("home")).content.decode()

    assert f"<h2>{heading}</h2>" in page
    assert "DISDIK — Dinas Pendidikan" in page


def test_finance_and_admin_homes(login, client):
    page = login(finance_officer()).get(reverse("home")).content.decode()
    assert "Audit dan keuangan" in page or "Audit" in page
    client.logout()
    admin_page = login(UserFactory(is_staff=True)).get(reverse("home")).content.decode()
    assert reverse("admin:index") in admin_page


def test_sign_out_ends_the_session(login):
    client = login(member(DepartmentRole.REQUESTER))
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_liveness_needs_nothing_but_the_process(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "alive"}


def test_readiness_reports_database_migrations_broker_and_worker(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    body = client.get("/readyz").json()
    assert body["status"] == "ready"
    assert body["database"]["ok"] is True
    assert body["database"]["engine"] in {"postgresql", "sqlite"}
    assert body["migrations"] == {"ok": True}
    assert body["worker"] == {"ok": True, "mode": "eager"}


def test_readiness_waits_for_a_broker_and_a_worker(client, settings):
    from worker.heartbeat import worker_heard

    settings.REDIS_URL = "redis://127.0.0.1:9"
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:9"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["broker"] == {"ok": False, "mode": "redis", "error": body["broker"]["error"]}
    assert body["worker"] == {"ok": False, "seconds_ago": None}
    worker_heard()
    worker = client.get("/readyz").json()["worker"]
    assert worker["ok"] is True and worker["seconds_ago"] <= 5


def test_static_css_is_served_by_the_app(client):
    page = client.get(reverse("login")).content.decode()
    assert "/static/market/site.css" in page
    assert "cdn" not in page.lower()
