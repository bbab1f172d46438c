"""The naive Bayes filter: it abstains until taught, learns from decisions, and unlearns."""

from samizdat.comments import spam
from samizdat.comments.models import Comment


def comment(body, **fields):
    return Comment(body=body, author_name=fields.get("name", "A"), author_email=fields.get("email", ""),
                   author_url=fields.get("url", ""))


def saved(post, body, **fields):
    return Comment.objects.create(post=post, html="", author_name="A", body=body, **fields)


def test_filter_abstains_before_it_has_learnt_enough(db):
    assert spam.spam_probability(comment("cheap pills")) is None


def test_filter_scores_text_like_learnt_spam_high_and_like_learnt_ham_low(make_post):
    post = make_post()
    for n in range(5):
        spam.learn(saved(post, f"cheap pills casino bonus {n}"), "spam")
        spam.learn(saved(post, f"the union meeting is on thursday {n}"), "ham")
    assert spam.spam_probability(comment("casino bonus pills")) > 0.9
    assert spam.spam_probability(comment("meeting on thursday")) < 0.1


def test_learning_the_same_comment_twice_counts_once(make_post):
    c = saved(make_post(), "pills")
    spam.learn(c, "spam")
    spam.learn(c, "spam")
    assert spam.SpamToken.objects.get(token="pills").spam == 1


def test_tokens_include_link_hosts_and_email_domain():
    found = spam.tokens(comment("see https://shop.example/x", email="a@mail.example", url="https://me.example"))
    assert {"link:shop.example", "mail:mail.example", "site:me.example"} <= found
