"""A person's own data, for their download on the "Your data" page: each app adds what it holds.

An app registers a function `user → {section: plain values}` in its AppConfig.ready(), so the
page finds everything the instance keeps about a person, including what apps above it in the
import layers hold (API tokens), without importing them. Never put a secret in it (a token's hash
included): the file is meant to be downloaded and kept.
"""

_sections = []


def register(function):
    _sections.append(function)
    return function


def data_of(user):
    data = {}
    for function in _sections:
        data.update(function(user))
    return data
