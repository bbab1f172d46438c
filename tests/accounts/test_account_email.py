"""Account emails are rows until sent: a failed queue write neither fails the reader's request nor
loses the email (the minute's sweep sends it), and a sent reset email's secret link is not kept."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from samizdat.accounts import mail as account_mail, tasks
from samizdat.accounts.models import AccountEmail, User
from tests.accounts.conftest import link_in, path_of
from tests.accounts.test_password_reset import NEW, ask
from tests.accounts.test_signup import PASSWORD, signup


@pytest.fixture
def queue_down(monkeypatch):
    """The task queue refuses writes (Redis down, say) until the test puts it back."""
    from huey.contrib.djhuey import HUEY

    def refuse(task):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(HUEY, "enqueue", refuse)
    return lambda: monkeypatch.undo()


def sweep():
    """The minute's sweep, with its tasks run at once (sent when it returns)."""
    return tasks.send_due_account_emails_task.call_local()


def test_a_reset_asked_while_the_queue_is_down_succeeds_and_its_email_comes_with_the_sweep(
    client, make_user, smtp, immediate_tasks, queue_down, django_capture_on_commit_callbacks
):
    user = make_user("vera")
    immediate_tasks.immediate = False  # the queue write fails as a real one does
    with django_capture_on_commit_callbacks(execute=True):
        response = ask(client, "vera@example.test")
    assert response.status_code == 302 and response["Location"].endswith("/password/reset/done/")
    assert smtp.messages == []
    [email] = AccountEmail.objects.all()
    assert email.state == AccountEmail.State.PENDING

    queue_down()  # the queue is back
    immediate_tasks.immediate = True
    assert sweep() == 1
    [message] = smtp.to("vera@example.test")
    link = path_of(link_in(message, "/password/reset/key/"))
    form_page = client.get(link, follow=True)
    client.post(form_page.redirect_chain[-1][0], {"password1": NEW, "password2": NEW})
    user.refresh_from_db()
    assert user.check_password(NEW)
    # The secret link went out; it is not kept with the row.
    email.refresh_from_db()
    assert email.state == AccountEmail.State.SENT and email.body == "" and email.to == "vera@example.test"
    assert sweep() == 0 and len(smtp.messages) == 1  # sent once


def test_a_signup_while_the_queue_is_down_makes_the_account_and_its_verification_email_comes_later(
    client, db, settings, smtp, immediate_tasks, queue_down, django_capture_on_commit_callbacks
):
    settings.SAMIZDAT_SIGNUP = "open"
    immediate_tasks.immediate = False
    with django_capture_on_commit_callbacks(execute=True):
        response = signup(client)
    assert response.status_code == 302
    user = User.objects.get(username="nadia")
    queue_down()
    immediate_tasks.immediate = True
    assert sweep() == 1
    [message] = smtp.to("nadia@example.test")
    assert Client().post(path_of(link_in(message, "/confirm-email/"))).status_code == 302
    assert user.emailaddress_set.get().verified
    assert Client().post("/accounts/login/", {"login": "nadia", "password": PASSWORD}).status_code == 302


def test_an_address_refused_for_good_is_given_up_and_its_body_wiped(
    client, make_user, smtp, immediate_tasks, monkeypatch, django_capture_on_commit_callbacks
):
    make_user("vera")

    async def refuse(server, session, envelope, address, rcpt_options):
        return "550 5.1.1 No such mailbox"

    monkeypatch.setattr(smtp, "handle_RCPT", refuse, raising=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert ask(client, "vera@example.test").status_code == 302
    assert smtp.messages == []
    email = AccountEmail.objects.get()
    assert (email.state, email.body) == (AccountEmail.State.FAILED, "")
    assert "No such mailbox" in email.last_error


def test_an_email_queued_before_account_emails_were_rows_is_still_sent(smtp, immediate_tasks, db):
    tasks.send_mail_task({
        "subject": "Reset your password", "body": "Follow https://example.test/r/1", "from_email": "s@example.test",
        "to": ["vera@example.test"], "headers": {},
    })
    [message] = smtp.to("vera@example.test")
    assert message["Subject"] == "Reset your password"
    assert AccountEmail.objects.get().state == AccountEmail.State.SENT


def test_old_sent_rows_are_forgotten(db):
    [pk] = account_mail.outbox.store(account_mail.rows_for("S", "B", "f@example.test", ["t@example.test"], {}))
    AccountEmail.objects.filter(pk=pk).update(state=AccountEmail.State.SENT,
                                               created_at=timezone.now() - datetime.timedelta(days=31))
    assert tasks.forget_sent_account_emails_task.call_local() == 1 and not AccountEmail.objects.exists()
