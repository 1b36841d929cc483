"""A statement compiled once per dialect and run on the driver's own cursor: the hot path's statements.

Why not Core's ``connection.execute``: measured inside actions on SQLite, Core spent about twice as long
around each statement (looking up its compiled cache, building the parameters, setting up a result) as the
driver spent running it, 0.55 of 0.85 ms per action. A prepared statement does the compiling and the
looking up once: its SQL, the order of its parameters and each parameter's type conversion are fixed at
first use on a dialect, and each execution only converts the values and calls the driver.

What Core would do still happens: listeners of ``before_cursor_execute`` and ``after_cursor_execute`` are
told of every statement (the statement counts see them), parameters are never shown in errors
(``hide_parameters``), the driver's errors are raised as SQLAlchemy's, and a SELECT's values are converted
by their columns' types. An INSERT is meant ``inline()``: nothing is fetched back but what it says it
returns.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from sqlalchemy import exc
from sqlalchemy.engine import Connection
from sqlalchemy.sql import ClauseElement, Select


@dataclass(frozen=True)
class _Compiled:
    sql: str
    names: tuple[str, ...] | None  # positional drivers: each parameter's name in order; None for named ones
    fixed: dict  # values fixed in the statement itself (a literal compared with)
    required: frozenset[str]  # the parameters each execution must give
    convert: tuple[tuple[str, Callable], ...]  # each parameter's type conversion, where its type has one
    results: tuple[Callable | None, ...]  # a SELECT's conversion of each column it returns, where it has one


class Prepared:
    """One statement, compiled on first use for each dialect it runs on."""

    def __init__(self, statement: ClauseElement):
        self.statement = statement
        self._compiled: dict[tuple[str, str], _Compiled] = {}

    def _for(self, dialect) -> _Compiled:
        compiled = self._compiled.get((dialect.name, dialect.driver))
        if compiled is None:
            done = self.statement.compile(dialect=dialect)
            if done.post_compile_params:  # an IN list is rendered at each execution: Core's job, not this
                raise ValueError("a prepared statement takes no expanding (IN list) parameters")
            binds = {name: bind for bind, name in done.bind_names.items()}  # by the name in the SQL
            convert = tuple((name, processor) for name, bind in binds.items()
                            if (processor := bind.type.dialect_impl(dialect).bind_processor(dialect)) is not None)
            fixed = {name: value for name, value in done.construct_params(_check=False).items()
                     if not binds[name].required}
            compiled = self._compiled[(dialect.name, dialect.driver)] = _Compiled(
                done.string, tuple(done.positiontup) if done.positional else None, fixed,
                frozenset(binds) - fixed.keys(), convert, self._results(dialect))
        return compiled

    def _results(self, dialect) -> tuple[Callable | None, ...]:
        if not isinstance(self.statement, Select):
            return ()
        converters = tuple(c.type.dialect_impl(dialect).result_processor(dialect, None)
                           for c in self.statement.selected_columns)
        return converters if any(converters) else ()

    def run(self, connection: Connection, values: dict | list[dict]) -> int:
        """Run with these values (a list: one driver ``executemany``); how many rows it changed."""
        cursor = self._run(connection, self._for(connection.dialect), values)
        try:
            return cursor.rowcount
        finally:
            cursor.close()

    def rows(self, connection: Connection, values: dict) -> list[tuple]:
        """Run with these values; the rows it returned, each value converted by its column's type."""
        compiled = self._for(connection.dialect)
        cursor = self._run(connection, compiled, values)
        try:
            found = cursor.fetchall()
        finally:
            cursor.close()
        converters = compiled.results
        if not converters:
            return found
        return [tuple(v if convert is None else convert(v) for convert, v in zip(converters, row))
                for row in found]

    def _run(self, connection: Connection, compiled: _Compiled, values: dict | list[dict]):
        many = isinstance(values, list)
        parameters = [self._parameters(compiled, row) for row in values] if many \
            else self._parameters(compiled, values)
        dispatch, cursor, sql = connection.dispatch, connection.connection.cursor(), compiled.sql
        for listener in dispatch.before_cursor_execute:
            listener(connection, cursor, sql, parameters, None, many)
        dbapi = connection.dialect.loaded_dbapi
        try:
            (cursor.executemany if many else cursor.execute)(sql, parameters)
        except dbapi.Error as error:
            cursor.close()
            raise exc.DBAPIError.instance(sql, parameters, error, dbapi.Error, hide_parameters=True,
                                          dialect=connection.dialect, ismulti=many) from error
        for listener in dispatch.after_cursor_execute:
            listener(connection, cursor, sql, parameters, None, many)
        return cursor

    @staticmethod
    def _parameters(compiled: _Compiled, values: dict):
        if not compiled.required <= values.keys():  # as Core refuses it, before the driver sees anything
            raise exc.InvalidRequestError(f"A value is required for {sorted(compiled.required - values.keys())}")
        merged = {**compiled.fixed, **values}
        for name, processor in compiled.convert:
            if name in merged:
                merged[name] = processor(merged[name])
        return merged if compiled.names is None else tuple(merged[name] for name in compiled.names)
