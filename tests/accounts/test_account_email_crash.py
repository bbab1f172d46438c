"""A password reset survives a killed worker: a real `samizdat worker` SIGKILLed while a real SMTP server
on loopback holds the reset email unanswered; a new worker sends it, its link works, and the secret
link is not kept in the database once sent."""

import asyncio
import threading
import time

import pytest

from tests.comments.conftest import Inbox, body_of, smtp_server
from tests.instances import make_instance, scratch_database_url, wait_for  # noqa: F401

LEASE = 1  # seconds: how long a killed worker's email in flight stays claimed

# Vera asks for a password reset through the site (Django's test client in the instance's own process);
# its wake-up goes to the queue, which no worker reads yet.
RESET_ASKED = """
from django.test import Client
from samizdat.accounts.services import create_user
create_user("vera", "a long test passphrase 42", email="vera@example.test")
response = Client().post("/accounts/password/reset/", {"email": "vera@example.test"}, HTTP_HOST="localhost")
assert response.status_code == 302, response.status_code
"""

# Vera opens the link she got and sets a new password.
LINK_USED = """
from django.test import Client
from samizdat.accounts.models import User
client = Client(HTTP_HOST="localhost")
page = client.get("{path}", follow=True)
client.post(page.redirect_chain[-1][0], {{"password1": "another long passphrase 77",
                                          "password2": "another long passphrase 77"}})
print(User.objects.get(username="vera").check_password("another long passphrase 77"))
"""


class DroppingInbox(Inbox):
    """An SMTP server that holds the first message (its data received, no answer yet) until the test has
    killed the sender, then refuses it (its sender is gone): the reset email was never accepted."""

    def __init__(self):
        super().__init__()
        self.holding, self.release = threading.Event(), threading.Event()

    async def handle_DATA(self, server, session, envelope):
        if not self.holding.is_set():
            self.holding.set()
            await asyncio.get_running_loop().run_in_executor(None, self.release.wait, 30)
            return "451 4.3.0 Sender went away"
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def smtp():
    with smtp_server(DroppingInbox()) as inbox:
        yield inbox


def test_a_reset_email_of_a_worker_killed_mid_send_arrives_from_the_next_worker_and_its_link_works(
    make_instance, smtp
):
    instance = make_instance()
    instance.env.update(
        SAMIZDAT_EMAIL_HOST="127.0.0.1", SAMIZDAT_EMAIL_PORT=str(smtp.port), SAMIZDAT_EMAIL_LEASE_SECONDS=str(LEASE),
    )
    instance.python(RESET_ASKED)
    worker = instance.start("worker", "--workers", "1", log_name="worker.log")
    assert smtp.holding.wait(60), worker.log_path.read_text()[-3000:]
    instance.kill(worker)  # mid-send: the SMTP server has the message, unanswered
    smtp.release.set()
    assert smtp.messages == []
    assert instance.sql("SELECT state FROM accounts_accountemail") == [("pending",)]
    time.sleep(LEASE)  # the killed worker's claim on the email runs out

    worker = instance.start("worker", "--workers", "1", log_name="worker.log")
    arrived = wait_for(lambda: smtp.to("vera@example.test"), timeout=60)
    assert arrived, worker.log_path.read_text()[-3000:]
    [message] = smtp.to("vera@example.test")
    assert wait_for(lambda: instance.sql("SELECT state, body FROM accounts_accountemail") == [("sent", "")], timeout=10)
    link = next(word for word in body_of(message).split() if "/password/reset/key/" in word)
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    assert instance.python(LINK_USED.format(path=path)) == "True"
    smtp.wait(2, timeout=2)  # an email sent twice would come now
    assert len(smtp.messages) == 1
