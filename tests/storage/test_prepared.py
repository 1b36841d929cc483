"""A prepared statement writes what Core would write, inside the action's transaction, and is seen and refused
as Core's statements are."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
import sqlalchemy as sa
from sqlalchemy import bindparam, event, insert, select, update

from engine.models import Notification, User
from engine.storage.prepared import Prepared

AT = datetime(2026, 12, 4, 8, 30, 15, 123456, tzinfo=timezone.utc)
_INSERT = Prepared(insert(Notification.__table__).values(
    {c: bindparam(c) for c in ("user_id", "kind", "title", "body", "created_at", "message")}).inline())
# A value fixed in the statement (the kind) goes with the values given at each execution.
_MARK = Prepared(update(Notification.__table__).where(Notification.id == bindparam("_id"), Notification.kind == "task")
                 .values(read_at=bindparam("read_at")))


def _someone(db) -> int:
    with db.transaction() as session:
        session.add(User(username="prepared", display_name="预备", password_hash="-"))
    with db.reader() as session:
        return session.scalar(select(User.id).where(User.username == "prepared"))


def _note(user_id: int, title: str) -> dict:
    return {"user_id": user_id, "kind": "task", "title": title, "body": "", "created_at": AT,
            "message": {"title": {"code": "notice.new_task", "params": {"step": title}}}}


def test_rows_written_read_back_as_core_wrote_them_and_the_updates_count_rows(db):
    user_id = _someone(db)
    with db.transaction() as session:
        _INSERT.run(session.connection(), [_note(user_id, "一"), _note(user_id, "二")])
        session.execute(insert(Notification), [_note(user_id, "三")])  # Core, to compare with
    with db.reader() as session:
        rows = session.scalars(select(Notification).where(Notification.user_id == user_id)
                               .order_by(Notification.id)).all()
        assert [(n.title, n.created_at, n.message["title"]["params"]["step"], n.read_at) for n in rows] == [
            ("一", AT, "一", None), ("二", AT, "二", None), ("三", AT, "三", None)]
        first = rows[0].id
    with db.transaction() as session:
        assert _MARK.run(session.connection(), {"_id": first, "read_at": AT}) == 1
        assert _MARK.run(session.connection(), {"_id": -1, "read_at": AT}) == 0
    with db.reader() as session:
        assert [n.read_at for n in session.scalars(select(Notification).where(Notification.user_id == user_id)
                                                .order_by(Notification.id))] == [AT, None, None]


def test_a_prepared_write_stores_exactly_the_text_core_stores(db):
    user_id, on_the_second = _someone(db), AT.replace(microsecond=0)  # SQLite's driver would drop ".000000"
    with db.transaction() as session:
        _INSERT.run(session.connection(), [_note(user_id, "同") | {"created_at": on_the_second}])
        session.execute(insert(Notification), [_note(user_id, "同") | {"created_at": on_the_second}])
    with db.reader() as session:
        stored = session.execute(select(Notification.title, sa.cast(Notification.created_at, sa.Text),
                                        sa.cast(Notification.message, sa.Text))
                                 .where(Notification.user_id == user_id).order_by(Notification.id)).all()
    assert len(stored) == 2 and stored[0] == stored[1]


def test_a_prepared_write_rolls_back_with_its_transaction(db):
    user_id = _someone(db)
    with pytest.raises(RuntimeError), db.transaction() as session:
        _INSERT.run(session.connection(), [_note(user_id, "撤销")])
        raise RuntimeError("the action fails after its write")
    with db.reader() as session:
        assert session.scalar(select(sa.func.count()).select_from(Notification)
                              .where(Notification.user_id == user_id)) == 0


def test_listeners_see_each_statement_and_errors_are_sqlalchemys_without_values(db):
    user_id = _someone(db)
    seen: list[str] = []

    def note(_connection, _cursor, statement, *_args):
        seen.append(statement.split()[0])
    event.listen(db.engine, "before_cursor_execute", note)
    try:
        with db.transaction() as session:
            _INSERT.run(session.connection(), [_note(user_id, "看见")])
            _MARK.run(session.connection(), {"_id": -1, "read_at": AT})
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
    assert seen.count("INSERT") == 1 and seen.count("UPDATE") == 1
    with pytest.raises(sa.exc.IntegrityError) as refused, db.transaction() as session:
        _INSERT.run(session.connection(), [_note(user_id, "秘密") | {"user_id": 987654}])  # no such person
    assert "秘密" not in str(refused.value)
    with pytest.raises(sa.exc.InvalidRequestError, match="_id"), db.transaction() as session:
        _MARK.run(session.connection(), {"read_at": AT})


def test_a_prepared_select_converts_each_value_by_its_columns_type(db):
    user_id = _someone(db)
    with db.transaction() as session:
        _INSERT.run(session.connection(), [_note(user_id, "读")])
    read = Prepared(select(Notification.title, Notification.created_at, Notification.message, Notification.read_at)
                    .where(Notification.user_id == bindparam("user_id")))
    with db.reader() as session:
        assert read.rows(session.connection(), {"user_id": user_id}) == [
            ("读", AT, {"title": {"code": "notice.new_task", "params": {"step": "读"}}}, None)]
