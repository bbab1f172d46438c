"""Each moderation rule, the moderators' actions, and the dashboard queue."""

import datetime

import pytest
from django.utils import timezone

from samizdat.blogs.roles import Role
from samizdat.comments import services, spam
from samizdat.comments.models import Comment, CommentSettings, Policy


def submit(post, ip="198.51.100.7", user=None, **fields):
    values = {"body": "A fair point about the ballot.", "name": "Vera", "email": "vera@example.test", "elapsed": 60}
    values.update(fields)
    comment, _ = services.submit_comment(post, services.Submission(**values), ip=ip, user=user)
    return comment


@pytest.fixture
def post(make_post):
    return make_post()


def policy(post, **fields):
    CommentSettings.objects.update_or_create(blog=post.blog, defaults=fields)
    post.blog.refresh_from_db()
    if hasattr(post.blog, "_state"):
        post.blog._state.fields_cache.clear()


def test_open_policy_publishes_a_clean_comment(post):
    policy(post, policy=Policy.OPEN)
    assert submit(post).status == Comment.Status.APPROVED


def test_hold_first_policy_holds_a_first_comment(post):
    comment = submit(post)
    assert comment.status == Comment.Status.PENDING and comment.reasons == ["first_time"]


def test_hold_first_policy_publishes_a_known_commenter(post):
    services.moderate(submit(post, body="one"), "approve")
    assert submit(post, body="two").status == Comment.Status.APPROVED


def test_hold_all_policy_holds_even_known_commenters(post):
    services.moderate(submit(post, body="one"), "approve")
    policy(post, policy=Policy.HOLD_ALL)
    assert submit(post, body="two").reasons == ["hold_all"]


def test_blocked_word_sends_the_comment_to_spam_with_its_reason(post):
    policy(post, policy=Policy.OPEN, blocked_words="casino\n")
    comment = submit(post, body="Best CASINO deals")
    assert comment.status == Comment.Status.SPAM and "blocked_word" in comment.reasons


def test_blocked_email_domain_sends_the_comment_to_spam(post):
    policy(post, policy=Policy.OPEN, blocked_emails="@spam.example")
    assert "blocked_email" in submit(post, email="x@spam.example").reasons


def test_blocked_ip_range_sends_the_comment_to_spam(post):
    policy(post, policy=Policy.OPEN, blocked_ips="203.0.113.0/24")
    assert submit(post, ip="203.0.113.50").status == Comment.Status.SPAM
    assert submit(post, ip="198.51.100.1", body="other").status == Comment.Status.APPROVED


def test_honeypot_sends_the_comment_to_spam_not_to_nowhere(post):
    comment = submit(post, honeypot="http://buy.example")
    assert comment.pk and comment.status == Comment.Status.SPAM and "honeypot" in comment.reasons


def test_comment_sent_too_fast_is_held(post):
    policy(post, policy=Policy.OPEN)
    comment = submit(post, elapsed=0.5)
    assert comment.status == Comment.Status.PENDING and comment.reasons == ["too_fast"]


def test_comment_without_a_form_token_is_held(post):
    policy(post, policy=Policy.OPEN)
    assert submit(post, elapsed=None).reasons == ["form_token"]


def test_comment_with_many_links_is_held(post):
    policy(post, policy=Policy.OPEN)
    body = "https://a.example https://b.example https://c.example"
    assert submit(post, body=body).reasons == ["links"]


def test_duplicate_comment_is_held(post):
    policy(post, policy=Policy.OPEN)
    submit(post, body="Same words")
    assert submit(post, body="same   WORDS", email="other@example.test").reasons == ["duplicate"]


def test_duplicate_of_a_moderators_corrected_text_is_held(post):
    policy(post, policy=Policy.OPEN)
    first = submit(post, body="Teh first version")
    services.edit_comment(first, body="The corrected version", name=first.author_name, url="")
    assert submit(post, body="Teh first version", email="b@example.test").reasons == []
    assert submit(post, body="the corrected  version", email="c@example.test").reasons == ["duplicate"]


def test_duplicate_on_another_post_by_someone_else_is_not_held(post, make_post):
    policy(post, policy=Policy.OPEN)
    submit(post, body="Same words")
    other = make_post(post.blog)
    assert submit(other, body="Same words", email="other@example.test").reasons == []


def test_duplicate_on_another_post_by_the_same_commenter_is_held(post, make_post):
    policy(post, policy=Policy.OPEN)
    submit(post, body="Same words", email="Vera@Example.test")
    other = make_post(post.blog)
    assert submit(other, body="same words", email="vera@example.test").reasons == ["duplicate"]


def test_duplicate_on_another_post_by_the_same_account_is_held(post, make_post, make_user):
    policy(post, policy=Policy.OPEN)
    reader = make_user()
    submit(post, body="Same words", user=reader)
    other = make_post(post.blog)
    assert submit(other, body="Same words", user=reader).reasons == ["duplicate"]


def test_resent_form_past_the_rate_limit_returns_its_first_comment(post, settings):
    settings.SAMIZDAT_COMMENT_RATE_PER_MINUTE = 1
    first = submit(post, nonce="form-1")
    assert submit(post, nonce="form-1").pk == first.pk
    with pytest.raises(services.CommentRefused):
        submit(post, nonce="form-2")


def test_post_author_is_published_at_once(post):
    assert submit(post, user=post.author).status == Comment.Status.APPROVED


def test_editor_is_published_at_once(post, member):
    editor = member(post.blog, Role.EDITOR)
    assert submit(post, user=editor).status == Comment.Status.APPROVED


def test_marking_spam_teaches_the_filter(post):
    comment = submit(post, body="cheap pills online")
    services.moderate(comment, "spam")
    assert spam.SpamToken.objects.get(token="pills").spam == 1
    assert Comment.objects.get(pk=comment.pk).trained_as == "spam"


def test_not_spam_teaches_the_filter_the_other_way(post):
    comment = submit(post, body="cheap pills online")
    services.moderate(comment, "spam")
    services.moderate(Comment.objects.get(pk=comment.pk), "not_spam")
    token = spam.SpamToken.objects.get(token="pills")
    assert (token.spam, token.ham) == (0, 1)


def test_learnt_spam_is_held_by_the_filter_with_its_score(post, settings):
    settings.SAMIZDAT_COMMENT_RATE_PER_MINUTE = settings.SAMIZDAT_COMMENT_RATE_PER_HOUR = 100
    policy(post, policy=Policy.HOLD_ALL)  # so that approving is a not-spam decision
    for n in range(4):
        services.moderate(submit(post, body=f"cheap pills viagra casino offer {n}", email=f"s{n}@x.example"), "spam")
        services.moderate(submit(post, body=f"the strike committee meets on day {n}", email=f"h{n}@y.example"), "approve")
    policy(post, policy=Policy.OPEN)
    comment = submit(post, body="viagra casino pills", email="new@z.example")
    assert comment.status == Comment.Status.SPAM and "filter_spam" in comment.reasons
    assert any("Spam filter score" in label for label in services.reason_labels(comment))


def test_ip_addresses_are_erased_after_the_retention_days(post, settings):
    settings.SAMIZDAT_COMMENT_IP_DAYS = 3
    old, new = submit(post, body="old"), submit(post, body="new", email="n@example.test")
    Comment.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=4))
    assert services.forget_ips() == 1
    assert Comment.objects.get(pk=old.pk).ip is None and Comment.objects.get(pk=new.pk).ip


# The dashboard queue


@pytest.fixture
def editor_client(client, post, member):
    client.force_login(member(post.blog, Role.EDITOR))
    return client


def test_queue_shows_held_comments_with_why_and_no_email(editor_client, post):
    submit(post, elapsed=0.5, email="hidden-person@example.test")
    html = editor_client.get(f"/dashboard/{post.blog.slug}/comments/").content.decode()
    assert "Sent sooner after the page loaded than a person can write." in html
    assert "First comment from this commenter on this blog." in html
    assert "hidden-person" not in html and "h…@example.test" in html


def test_queue_approves_a_comment(editor_client, post):
    comment = submit(post)
    editor_client.post(f"/dashboard/{post.blog.slug}/comments/{comment.pk}/moderate/", {"action": "approve"})
    assert Comment.objects.get().status == Comment.Status.APPROVED


def test_queue_bulk_action_trashes_the_selected_comments(editor_client, post):
    a, b, c = (submit(post, body=f"n{n}", email=f"{n}@example.test") for n in range(3))
    editor_client.post(f"/dashboard/{post.blog.slug}/comments/bulk/", {"action": "trash", "ids": [a.pk, b.pk]})
    assert sorted(Comment.objects.values_list("status", flat=True)) == ["pending", "trash", "trash"]


def test_queue_edits_a_comment(editor_client, post):
    comment = submit(post)
    editor_client.post(
        f"/dashboard/{post.blog.slug}/comments/{comment.pk}/",
        {"author_name": "V.", "author_url": "", "body": "Edited *text*"},
    )
    assert Comment.objects.get().html == "<p>Edited <em>text</em></p>\n"


def test_queue_reply_approves_the_parent_and_publishes_the_reply(editor_client, post):
    comment = submit(post)
    editor_client.post(f"/dashboard/{post.blog.slug}/comments/{comment.pk}/reply/", {"body": "Welcome"})
    reply = Comment.objects.get(body="Welcome")
    assert reply.parent_id == comment.pk and reply.status == Comment.Status.APPROVED
    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.APPROVED


def test_queue_closes_comments_on_one_post(editor_client, post):
    editor_client.post(f"/dashboard/{post.blog.slug}/comments/posts/{post.pk}/switch/", {"open": "0"})
    assert services.closed_reason(post) == "Comments are closed on this post."


def test_owner_saves_discussion_settings(client, post):
    client.force_login(post.blog.memberships.get().user)
    response = client.post(f"/dashboard/{post.blog.slug}/comments/settings/", {
        "enabled": "on", "close_after_days": "30", "thread_depth": "5", "per_page": "20", "policy": "hold_all",
        "notify_authors": "on", "blocked_words": "", "blocked_emails": "", "blocked_ips": "10.0.0.0/8",
    })
    assert response.status_code == 302
    saved = CommentSettings.objects.get(blog=post.blog)
    assert (saved.thread_depth, saved.policy, saved.close_after_days) == (5, "hold_all", 30)


def test_settings_refuse_a_bad_ip_range_keeping_the_input(client, post):
    client.force_login(post.blog.memberships.get().user)
    response = client.post(f"/dashboard/{post.blog.slug}/comments/settings/", {
        "thread_depth": "3", "per_page": "50", "policy": "open", "blocked_ips": "not-an-ip",
    })
    assert response.status_code == 200 and "is not an IP address or range" in response.content.decode()
    assert "not-an-ip" in response.content.decode()


def _refused(post, **fields):
    try:
        submit(post, **fields)
    except services.CommentRefused as refused:
        return refused.code
    return None


def test_rate_limit_counts_one_email_across_addresses_and_case(post, settings):
    settings.SAMIZDAT_COMMENT_RATE_PER_MINUTE = 2
    submit(post, ip="198.51.100.1", body="one")
    submit(post, ip="198.51.100.2", email="VERA@example.test", body="two")
    assert _refused(post, ip="198.51.100.3", body="three") == "rate_limited"
    assert _refused(post, ip="198.51.100.3", email="someone@example.test", body="four") is None


def test_rate_limit_per_hour_counts_comments_older_than_a_minute(post, settings):
    settings.SAMIZDAT_COMMENT_RATE_PER_HOUR = 2
    for n in range(2):
        submit(post, body=f"earlier {n}", email=f"e{n}@example.test")
    Comment.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=30))
    assert _refused(post, body="now", email="new@example.test") == "rate_limited"
    Comment.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=61))
    assert _refused(post, body="later", email="new@example.test") is None


def test_rate_limit_counts_a_signed_in_reader_by_account(post, settings, make_user):
    settings.SAMIZDAT_COMMENT_RATE_PER_MINUTE = 1
    reader = make_user()
    submit(post, user=reader, ip="198.51.100.1", body="one")
    assert _refused(post, user=reader, ip="198.51.100.2", body="two") == "rate_limited"
    assert _refused(post, ip="198.51.100.3", email="other@example.test", body="three") is None


def test_duplicate_of_an_imported_comment_is_held(post):
    policy(post, policy=Policy.OPEN)
    services.import_comment(post, parent=None, author_name="Old", author_email="", author_url="",
                            html="Imported words", status=Comment.Status.APPROVED, created_at=timezone.now())
    assert submit(post, body="imported  WORDS").reasons == ["duplicate"]


def test_taking_a_comment_in_reads_no_other_comment_of_a_busy_post(post):
    # The day a report spreads, its post has thousands of comments: the resent-form lookup and
    # the duplicate check must each read one index entry, not the post's comments one by one
    # (both engines did, until the nonce's condition matched its partial index and the duplicate
    # check started from the text's digest).
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from samizdat.comments.services import _intake

    for n in range(3):
        submit(post, body=f"Earlier comment {n}", nonce=f"earlier-{n}")
    submission = services.Submission(body="Another", name="Vera", email="vera@example.test", nonce="new", elapsed=60)
    with CaptureQueriesContext(connection) as queries:
        _intake(post, submission, None, "198.51.100.7")
    [query] = queries.captured_queries
    explain = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    with connection.cursor() as cursor:
        cursor.execute(explain + query["sql"])
        plan = "\n".join(str(row[-1]) for row in cursor.fetchall())
    assert "one_comment_per_form_submission" in plan, plan
    assert "comment_fingerprint" in plan, plan
