"""Model instances from a plain SQL query's rows, made as the ORM makes them, for the few queries
that run on every dynamic page: building the ORM's query with its select_related joins took more
CPU than running it (about 1 ms for a post's likes, 1.5 ms for its reblogs).

    db = reading(User)
    users = Columns(User, "u")
    cursor.execute(f"SELECT {users.select(db)}, ... FROM ... u ...")
    for row in cursor.fetchall():
        person = users.make(row, 0, db)

Every concrete field is read, in the model's order, and converted by the database backend's and the
field's own converters (SQLite's dates stored as text, booleans as integers, JSON), so an instance
is the same as the ORM's and reading any of its fields costs no query. `first` and `first_with` are
the common case made short: one row (and its joined rows) by equality, the SQL built once.
"""

import functools

from django.db import connections, router


def reading(model):
    """The connection the ORM would read `model` from (a replica, when the request may use one)."""
    return connections[router.db_for_read(model)]


class Columns:
    """The columns of `model` under the table alias `alias` in a query, and instances from them."""

    def __init__(self, model, alias):
        self.model, self.alias = model, alias
        self.fields = model._meta.concrete_fields
        self.width = len(self.fields)
        self.pk_position = self.fields.index(model._meta.pk)
        self._positions = {field.name: position for position, field in enumerate(self.fields)}
        self._converters = {}

    def select(self, db):
        """The column list for the SELECT clause."""
        quote = db.ops.quote_name
        return ", ".join(f"{self.alias}.{quote(field.column)}" for field in self.fields)

    def value(self, row, start, name):
        """The raw value of field `name` (of a text or number column: no converter is applied)."""
        return row[start + self._positions[name]]

    def make(self, row, start, db):
        """The instance whose columns begin at `row[start]`, or None where a LEFT JOIN found none."""
        values = list(row[start:start + self.width])
        if values[self.pk_position] is None:
            return None
        for position, converters, column in self._converters_for(db):
            for convert in converters:
                values[position] = convert(values[position], column, db)
        instance = self.model(*values)
        instance._state.adding = False
        instance._state.db = db.alias
        return instance

    def _converters_for(self, db):
        # As the ORM's compiler finds them (SQLCompiler.get_converters), once per process and engine.
        found = self._converters.get(db.vendor)
        if found is None:
            found = self._converters[db.vendor] = []
            for position, field in enumerate(self.fields):
                column = field.get_col(self.alias)
                converters = db.ops.get_db_converters(column) + column.get_db_converters(db)
                if converters:
                    found.append((position, converters, column))
        return found


def first(model, **equals):
    """The `model` instance whose fields equal `equals` (attnames: `blog_id`, not `blog`), or None:
    for the lookups by key that every comment or page repeats (the blog by its slug, say), at a
    tenth of the CPU of `Model.objects.filter(...).first()`. Several matching rows: any one of them,
    so look up by something unique."""
    found = first_with(model, (), **equals)
    return found and found[0]


def first_with(model, joins, **equals):
    """Like `first`, with rows of other models in the same query: each of `joins` is (other model,
    its attname, `model`'s attname), the row whose column equals this one's (a LEFT JOIN; at most
    one such row). None, or (instance, [other instance or None, ...])."""
    db = reading(model)
    sql, parts = _select(model, tuple(joins), tuple(equals), db.alias)
    with db.cursor() as cursor:
        cursor.execute(sql, list(equals.values()))
        row = cursor.fetchone()
    if row is None:
        return None
    instances, start = [], 0
    for columns in parts:
        instances.append(columns.make(row, start, db))
        start += columns.width
    return instances[0], instances[1:]


@functools.lru_cache(maxsize=None)
def _select(model, joins, keys, alias):
    """The SELECT of `first_with`, and the Columns of each model in it, once per process and database."""
    db = connections[alias]
    quote = db.ops.quote_name
    parts = [Columns(part, f"t{number}") for number, part in enumerate([model, *(join[0] for join in joins)])]
    sql = f"SELECT {', '.join(columns.select(db) for columns in parts)} FROM {quote(model._meta.db_table)} t0"
    for number, (other, other_attname, attname) in enumerate(joins, 1):
        sql += (f" LEFT JOIN {quote(other._meta.db_table)} t{number}"
                f" ON t{number}.{quote(other._meta.get_field(other_attname).column)}"
                f" = t0.{quote(model._meta.get_field(attname).column)}")
    where = " AND ".join(f"t0.{quote(model._meta.get_field(key).column)} = %s" for key in keys)
    return sql + f" WHERE {where} LIMIT 1", parts
