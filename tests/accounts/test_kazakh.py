"""Account pages that are django-allauth's speak Kazakh to a Kazakh reader, though allauth ships no kk.

Our translation of allauth's strings is samizdat/accounts/allauth_kk; allauth's Russian catalogue
is the list of what it says, from which the strings of pages Samizdat does not use are left out.
"""

import html
import re
from pathlib import Path

import allauth
import pytest
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.contrib.auth.password_validation import password_validators_help_texts, validate_password
from django.core.exceptions import ValidationError
from django.utils import translation

from tests.catalogues import placeholders, read_po
from tests.comments.conftest import body_of
from tests.conftest import PASSWORD


ALLAUTH_RU = Path(allauth.__file__).parent / "locale" / "ru" / "LC_MESSAGES" / "django.po"
OURS_KK = Path(settings.LOCALE_PATHS[0]) / "kk" / "LC_MESSAGES" / "django.po"
ALLAUTH_KK = Path(settings.BASE_DIR) / "accounts" / "allauth_kk" / "kk" / "LC_MESSAGES" / "django.po"
# allauth's parts that Samizdat does not turn on: its identity provider (ours is django-oauth-toolkit),
# the headless API, WebAuthn (MFA_SUPPORTED_TYPES), phone numbers, sign-in codes, passkeys, and
# the OAuth 1 providers and demo providers.
NOT_USED = re.compile(
    r"(^|/)(idp|headless)/|webauthn|phone|login_code|reauthentication_code|passkey|socialaccount/providers/"
)
# Three Latin words in a row: English left on a page (names, addresses and codes are not like that).
ENGLISH = re.compile(r"\b[A-Za-z]{2,}(?:[ ,’']+[A-Za-z]{2,}){2,}")


def allauth_strings():
    """allauth's msgids that the pages Samizdat uses can show: {(context, msgid): entry}."""
    entries = read_po(ALLAUTH_RU)
    entries.pop((None, ""))
    return {key: e for key, e in entries.items() if not all(NOT_USED.search(f) for f in e.files)}


def visible_text(response):
    page = re.sub(r"<(script|style|title)[^>]*>.*?</\1>", " ", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def test_every_allauth_string_in_use_has_a_kazakh_translation():
    ours, theirs = read_po(OURS_KK), read_po(ALLAUTH_KK)
    scope = allauth_strings()
    assert len(scope) > 250  # the list itself is not empty or cut short
    missing, broken = [], []
    for key, source in scope.items():
        entry = ours.get(key) or theirs.get(key)
        if entry is None or entry.fuzzy or not all(entry.strings):
            missing.append(key)
            continue
        expected = placeholders(source.plural or key[1])
        broken += [(key, s) for s in entry.strings if sorted(set(placeholders(s))) != sorted(set(expected))]
    assert missing == [] and broken == []


def test_kazakh_allauth_catalogue_has_the_plural_forms_of_ours():
    header = read_po(ALLAUTH_KK)[(None, "")].strings[0]
    plural_forms = re.search(r"Plural-Forms: (.*)", header)[1]
    assert plural_forms == re.search(r"Plural-Forms: (.*)", read_po(OURS_KK)[(None, "")].strings[0])[1]
    assert plural_forms.startswith("nplurals=2;")
    plurals = [entry for entry in read_po(ALLAUTH_KK).values() if entry.plural]
    assert plurals and all(len(entry.strings) == 2 for entry in plurals)


def test_our_translation_wins_over_the_allauth_catalogue():
    # "Remove" is in both; ours ("Шығару") is the word our own pages use for it.
    assert (None, "Remove") in read_po(ALLAUTH_KK)
    with translation.override("kk"):
        assert translation.gettext("Remove") == read_po(OURS_KK)[(None, "Remove")].strings[0]


def test_password_rules_and_their_errors_are_in_kazakh():
    with translation.override("kk"):
        texts = password_validators_help_texts()
        with pytest.raises(ValidationError) as refused:
            validate_password("password")
    assert len(texts) == len(settings.AUTH_PASSWORD_VALIDATORS)
    assert [t for t in texts + refused.value.messages if ENGLISH.search(t)] == []


@pytest.fixture
def sign_in(client, make_user):
    """A signed-in user whose browser asks for Kazakh, just past re-authentication."""

    def sign_in(two_factor=True):
        user = make_user("aigerim")
        if two_factor:
            TOTP.activate(user, generate_totp_secret())
            RecoveryCodes.activate(user)
        client.force_login(user)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "kk,ru;q=0.8,en;q=0.5"
        assert client.post("/accounts/reauthenticate/", {"password": PASSWORD}).status_code == 302
        return client

    return sign_in


@pytest.fixture
def kazakh(sign_in):
    return sign_in(two_factor=True)


@pytest.mark.parametrize(
    "path, heading, english",
    [
        ("/accounts/email/", "Электрондық пошта мекенжайлары", "Email Addresses"),
        ("/accounts/password/change/", "Құпиясөзді өзгерту", "Change Password"),
        ("/accounts/2fa/", "Екі факторлы аутентификация", "Two-Factor Authentication"),
        ("/accounts/2fa/recovery-codes/", "Қалпына келтіру кодтары", "Recovery Codes"),
        ("/accounts/2fa/recovery-codes/generate/", "кодтарының жаңа жиынтығын жасағалы", "You are about to generate"),
        ("/accounts/2fa/totp/deactivate/", "Аутентификатор қолданбасын өшіру", "Deactivate Authenticator App"),
        ("/accounts/3rdparty/", "Байланыстырылған тіркелгілер", "Account Connections"),
        ("/accounts/sessions/", "Сеанстар", "Sessions"),
        ("/accounts/reauthenticate/", "Құпиясөзді ұмыттыңыз ба?", "Forgot your password?"),
    ],
)
def test_account_page_is_in_kazakh(kazakh, path, heading, english):
    response = kazakh.get(path)
    assert response.status_code == 200 and response["Content-Language"] == "kk"
    text = visible_text(response)
    assert heading in text and english not in text
    assert ENGLISH.findall(text) == []
    # None of allauth's own phrases is left untranslated.
    phrases = {key[1] for key in allauth_strings() if " " in key[1] and "%" not in key[1] and "<" not in key[1]}
    assert [p for p in phrases if p in text] == []


def test_password_change_errors_and_message_are_in_kazakh(kazakh):
    refused = visible_text(kazakh.post("/accounts/password/change/", {
        "oldpassword": "not it", "password1": "password", "password2": "password",
    }))
    assert "Ағымдағы құпиясөзіңізді енгізіңіз." in refused and "Бұл құпиясөз тым кең таралған." in refused
    assert ENGLISH.findall(refused) == []
    new = "a fresh long passphrase 77"
    changed = visible_text(kazakh.post("/accounts/password/change/", {
        "oldpassword": PASSWORD, "password1": new, "password2": new,
    }, follow=True))
    assert "Құпиясөз сәтті өзгертілді." in changed


def test_email_form_errors_are_in_kazakh(kazakh):
    refused = visible_text(kazakh.post("/accounts/email/", {"action_add": "", "email": "second@example.test"}))
    assert "Екі факторлы аутентификациямен қорғалған тіркелгіге электрондық пошта мекенжайын қоса алмайсыз." in refused
    invalid = kazakh.post("/accounts/email/", {"action_add": "", "email": "not an address"})
    assert "Дұрыс электрондық пошта мекенжайын енгізіңіз." in visible_text(invalid)
    assert 'value="not an address"' in invalid.content.decode()  # what was typed is still there


def test_adding_an_email_address_speaks_kazakh_and_so_does_the_mail(sign_in, mail):
    kazakh = sign_in(two_factor=False)
    response, [message] = mail(
        lambda: kazakh.post("/accounts/email/", {"action_add": "", "email": "second@example.test"}, follow=True),
        "second@example.test",
    )
    assert "Растау хаты second@example.test мекенжайына жіберілді." in visible_text(response)
    assert "Электрондық пошта мекенжайыңызды растаңыз" in message["Subject"]
    body = body_of(message)
    assert "сайтынан сәлем" in body and ENGLISH.findall(body) == []
