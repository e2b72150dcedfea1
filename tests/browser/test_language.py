"""Journey: a requester signs in, reads the home page in Indonesian, then switches to English."""

import pytest
from playwright.sync_api import expect

from market.models import DepartmentRole
from tests.factories import PASSWORD, DepartmentFactory, member
from tests.markers import committing

pytestmark = [pytest.mark.browser, committing]


def test_requester_signs_in_in_indonesian_and_switches_to_english(page, live_server):
    department = DepartmentFactory(code="DISDIK", name="Dinas Pendidikan")
    member(DepartmentRole.REQUESTER, department, username="requester", full_name="Rina Pratiwi")

    page.goto(f"{live_server.url}/")
    expect(page.locator("h1")).to_have_text("Masuk")
    page.get_by_label("Nama pengguna").fill("requester")
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()

    expect(page.locator("h1")).to_have_text("Selamat datang, Rina Pratiwi")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(page.get_by_role("heading", name="Pemesan")).to_be_visible()
    expect(page.get_by_role("link", name="Beranda")).to_be_visible()

    page.get_by_role("button", name="EN").click()

    expect(page.locator("h1")).to_have_text("Welcome, Rina Pratiwi")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Requester")).to_be_visible()
    expect(page.get_by_role("link", name="Home")).to_be_visible()
    expect(page.get_by_text("DISDIK — Dinas Pendidikan")).to_be_visible()

    page.reload()  # the choice is remembered
    expect(page.locator("h1")).to_have_text("Welcome, Rina Pratiwi")


def test_choosing_english_messages_keeps_the_pages_in_indonesian(page, live_server):
    member(DepartmentRole.REQUESTER, username="requester", full_name="Rina Pratiwi")

    page.goto(f"{live_server.url}/notifications/preferences/")
    page.get_by_label("Nama pengguna").fill("requester")
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()

    expect(page.locator("h1")).to_have_text("Pilihan notifikasi")
    page.get_by_label("English").check()
    page.get_by_role("button", name="Simpan").click()

    expect(page.get_by_text("Pilihan Anda disimpan.")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(page.get_by_label("English")).to_be_checked()
    page.get_by_role("link", name="Beranda").click()
    expect(page.locator("h1")).to_have_text("Selamat datang, Rina Pratiwi")
