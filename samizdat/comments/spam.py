"""A naive Bayes spam filter that learns from moderators' spam / not-spam decisions.

Tokens live in `SpamToken`, counted per comment (a token counts once per comment), instance-wide:
spammers post the same things to every blog. A row with the token `DOCUMENTS` holds how many
comments were learnt as spam and as not spam.
"""

import math
import re
from urllib.parse import urlsplit

from django.db import connection, transaction
from django.db.models import F

from .models import SpamToken

DOCUMENTS = "#documents"  # no word token has a "#"
# Below this many learnt comments of each kind the filter abstains.
MIN_DOCUMENTS = 3
_WORD = re.compile(r"[^\W_]{2,40}", re.UNICODE)
_URL = re.compile(r"(?:https?://|www\.)([^\s/\)\]>\"']+)", re.IGNORECASE)


def tokens(comment):
    """The set of features of a comment: its words, name words, link hosts, website and email domain."""
    found = {w.lower() for w in _WORD.findall(comment.body)}
    found |= {f"name:{w.lower()}" for w in _WORD.findall(comment.author_name)}
    found |= {f"link:{host.lower()}" for host in _URL.findall(comment.body)}
    if comment.author_url:
        found.add(f"site:{(urlsplit(comment.author_url).hostname or '').lower()}")
    if "@" in comment.author_email:
        found.add(f"mail:{comment.author_email.rsplit('@', 1)[1].lower()}")
    return {t[:100] for t in found}


def spam_probability(comment):
    """Probability in [0, 1] that the comment is spam, or None while the filter knows too little."""
    counts = _counts(tokens(comment) | {DOCUMENTS})
    docs_spam, docs_ham = counts.pop(DOCUMENTS, (0, 0))
    if docs_spam < MIN_DOCUMENTS or docs_ham < MIN_DOCUMENTS:
        return None
    log_odds = math.log(docs_spam / docs_ham)
    for spam, ham in counts.values():
        # Laplace-smoothed P(token | class); tokens never learnt carry no evidence.
        p_spam = (spam + 1) / (docs_spam + 2)
        p_ham = (ham + 1) / (docs_ham + 2)
        log_odds += math.log(p_spam / p_ham)
    log_odds = max(min(log_odds, 50), -50)
    return 1 / (1 + math.exp(-log_odds))


def _counts(token_set):
    """{token: (spam, ham)} of the learnt ones among `token_set`. Plain SQL: every comment asks,
    and building the ORM's query cost more CPU than running it."""
    token_list = list(token_set)
    table = connection.ops.quote_name(SpamToken._meta.db_table)
    if connection.vendor == "postgresql":
        # One statement whatever the number of tokens, so PostgreSQL prepares it once rather
        # than one per length, each crowding others out of the connection's prepared ones.
        sql, params = f"SELECT token, spam, ham FROM {table} WHERE token = ANY(%s)", [token_list]
    else:
        sql, params = f"SELECT token, spam, ham FROM {table} WHERE token IN ({', '.join(['%s'] * len(token_list))})", token_list
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {token: (spam, ham) for token, spam, ham in cursor.fetchall()}


def _add(token_set, field, step):
    if step > 0:
        SpamToken.objects.bulk_create([SpamToken(token=t) for t in token_set], ignore_conflicts=True)
        SpamToken.objects.filter(token__in=token_set).update(**{field: F(field) + 1})
    else:
        SpamToken.objects.filter(token__in=token_set, **{f"{field}__gt": 0}).update(**{field: F(field) - 1})


@transaction.atomic
def learn(comment, label):
    """Teach the filter that `comment` is "spam" or "ham", undoing an earlier opposite lesson."""
    assert label in ("spam", "ham")
    if comment.trained_as == label:
        return
    token_set = tokens(comment) | {DOCUMENTS}
    if comment.trained_as:
        _add(token_set, comment.trained_as, -1)
    _add(token_set, label, +1)
    comment.trained_as = label
    type(comment).objects.filter(pk=comment.pk).update(trained_as=label)
