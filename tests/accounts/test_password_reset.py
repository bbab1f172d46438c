"""Password reset by email (a real SMTP server), limited per typed address and per client address."""

from django.test import Client

from tests.accounts.conftest import link_in, path_of
from tests.conftest import PASSWORD

NEW = "another long passphrase 77"


def ask(client, email, ip="203.0.113.7"):
    return client.post("/accounts/password/reset/", {"email": email}, REMOTE_ADDR=ip)


def test_reset_link_by_email_sets_a_new_password(client, make_user, mail):
    user = make_user("vera")
    response, [message] = mail(lambda: ask(client, "vera@example.test"), "vera@example.test")
    assert response.status_code == 302
    link = path_of(link_in(message, "/password/reset/key/"))
    form_page = client.get(link, follow=True)
    client.post(form_page.redirect_chain[-1][0], {"password1": NEW, "password2": NEW})
    user.refresh_from_db()
    assert user.check_password(NEW) and not user.check_password(PASSWORD)


def test_a_used_reset_link_does_not_work_twice(client, make_user, mail):
    make_user("vera")
    _response, [message] = mail(lambda: ask(client, "vera@example.test"), "vera@example.test")
    link = path_of(link_in(message, "/password/reset/key/"))
    page = client.get(link, follow=True)
    client.post(page.redirect_chain[-1][0], {"password1": NEW, "password2": NEW})
    again = Client().get(link, follow=True)
    assert "This link does not work" in again.content.decode()


def test_an_unknown_address_gets_the_same_page(client, make_user, mail):
    make_user("vera")
    known = ask(client, "vera@example.test")
    unknown = ask(Client(), "nobody@example.test", ip="198.51.100.9")
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]


def test_resets_for_one_address_are_limited_with_retry_after(client, make_user, settings, mail):
    settings.SAMIZDAT_PASSWORD_RESET_RATE_PER_HOUR = 2
    make_user("vera")
    for n in range(2):
        ask(Client(), "vera@example.test", ip=f"203.0.113.{n + 1}")
    response = ask(client, "vera@example.test", ip="198.51.100.9")
    assert response.status_code == 429
    assert 3590 <= int(response["Retry-After"]) <= 3600
    assert 'value="vera@example.test"' in response.content.decode()


def test_resets_from_one_client_address_are_limited(client, make_user, settings, mail):
    settings.SAMIZDAT_PASSWORD_RESET_RATE_PER_HOUR = 2
    for n in range(2):
        ask(client, f"someone{n}@example.test")
    assert ask(client, "someone9@example.test").status_code == 429
    assert ask(client, "someone9@example.test", ip="198.51.100.9").status_code == 302
