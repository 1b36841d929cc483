"""Encrypted ballots opened by tellers (R8): ballot_keys, ballot_tellers, encrypted_ballots, tally_shares;
the plaintext counters (ballot_counts) are dropped.

A meeting still running under the counters (its process version counts ballots with ``ballot_tally`` but
has no tellers' ballot box) cannot be finished under the new scheme, and its counters are exactly what
must not stay readable: the upgrade is refused, naming those meetings, until they are finished or ended
on the old release.

Revision ID: 0012
Revises: 0011
"""
from alembic import op
import sqlalchemy as sa

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


class OpenBallotsUnderCounters(RuntimeError):
    """Meetings in the middle of the old counted ballots block the upgrade."""


def _meetings_under_counters(connection) -> list[tuple[int, str]]:
    rows = connection.execute(sa.text(
        "SELECT i.id, i.title, v.bpmn_xml FROM instances i JOIN process_versions v ON v.id = i.process_version_id"
        " WHERE i.status NOT IN ('completed', 'terminated', 'cancelled')"))
    return [(id_, title) for id_, title, xml in rows
            if xml and "ballot_tally(" in xml and "seal_ballot_box(" not in xml]


def _row_of_a_meeting() -> list[sa.Column]:
    """An id and the meeting (matter) the row belongs to."""
    return [sa.Column('id', sa.Integer, primary_key=True),
            sa.Column('instance_id', sa.Integer, sa.ForeignKey('instances.id', ondelete='CASCADE'),
                      nullable=False, index=True)]


def _row_of_a_vote() -> list[sa.Column]:
    """The meeting, and which vote of it: the step and the agenda item."""
    return _row_of_a_meeting() + [sa.Column('element_id', sa.String(128), nullable=False),
                                  sa.Column('item_key', sa.String(64), nullable=False)]


def upgrade() -> None:
    connection = op.get_bind()
    if blocked := _meetings_under_counters(connection):
        names = "; ".join(f"#{id_} {title}" for id_, title in blocked)
        raise OpenBallotsUnderCounters(
            f"Upgrade refused: {len(blocked)} meeting(s) still vote under the old counted ballots ({names}). "
            "Finish or end them on the previous release, then upgrade. "
            f"升级已拒绝：以下会议仍在旧的计数方式下表决（{names}），请先在原版本上办结或终止这些会议再升级。")
    op.create_table('ballot_keys',
                    sa.Column('instance_id', sa.Integer, sa.ForeignKey('instances.id', ondelete='CASCADE'),
                              primary_key=True),
                    sa.Column('public_key', sa.String(64), nullable=False),
                    sa.Column('threshold', sa.Integer, nullable=False))
    op.create_table('ballot_tellers',
                    *_row_of_a_meeting(),
                    sa.Column('username', sa.String(64), nullable=False),
                    sa.Column('teller_index', sa.Integer, nullable=False),
                    sa.Column('teller_key', sa.String(64), nullable=False),
                    sa.Column('verification_key', sa.String(64), nullable=False),
                    sa.Column('wrap_point', sa.String(64), nullable=False),
                    sa.Column('wrapped', sa.String(64), nullable=False),
                    sa.UniqueConstraint('instance_id', 'teller_index'),
                    sa.UniqueConstraint('instance_id', 'username'))
    op.create_table('encrypted_ballots',
                    *_row_of_a_vote(),
                    sa.Column('ballot', sa.Text, nullable=False))
    op.create_table('tally_shares',
                    *_row_of_a_vote(),
                    sa.Column('teller_index', sa.Integer, nullable=False),
                    sa.Column('partials', sa.Text, nullable=False),
                    sa.UniqueConstraint('instance_id', 'element_id', 'item_key', 'teller_index'))
    op.drop_table('ballot_counts')


def downgrade() -> None:
    raise RuntimeError("encrypted ballots cannot be turned back into counters: restore a backup instead")
