"""A browser set to Kazakh gets django-allauth's account pages in Kazakh, from sign-in on."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PASSWORD = "a long browser passphrase 9"


def test_kazakh_browser_manages_the_account_in_kazakh(new_context, live_server, make_user):
    make_user("aigerim", password=PASSWORD)
    page = new_context(locale="kk-KZ").new_page()  # Chromium then sends Accept-Language: kk-KZ
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Пайдаланушы аты немесе пошта мекенжайы").fill("aigerim")
    page.get_by_label("Құпиясөз").fill(PASSWORD)
    page.get_by_role("button", name="Кіру").click()

    page.goto(live_server.url + "/accounts/2fa/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Екі факторлы аутентификация")
    expect(page.get_by_text("Аутентификатор қолданбасы қосылмаған.")).to_be_visible()

    page.goto(live_server.url + "/accounts/password/change/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Құпиясөзді өзгерту")
    page.get_by_label("Ағымдағы құпиясөз").fill("not the password")
    page.locator("input[name=password1]").fill("short")
    page.locator("input[name=password2]").fill("short")
    page.locator("main").get_by_role("button", name="Құпиясөзді өзгерту").click()
    expect(page.get_by_text("Ағымдағы құпиясөзіңізді енгізіңіз.")).to_be_visible()
    expect(page.get_by_text("Бұл құпиясөз тым қысқа. Онда кемінде 8 таңба болуы керек.")).to_be_visible()
    assert "Change Password" not in page.content() and "This password" not in page.content()
