"""The ballot box's tables: the vote key and tellers of a meeting, encrypted ballots, tellers' partial decryptions.

Nothing here names a voter or depends in plaintext on a choice (R8): a ballot row is a fixed-size
ciphertext with its proofs, and what a teller sends is a decryption share of a total, never of a ballot.
"""
from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.models.base import Base


class BallotKey(Base):
    """A meeting's vote key: the joint public key and how many tellers must take part to open a total."""

    __tablename__ = "ballot_keys"
    instance_id: Mapped[int] = mapped_column(ForeignKey("instances.id", ondelete="CASCADE"), primary_key=True)
    public_key: Mapped[str] = mapped_column(String(64))
    threshold: Mapped[int] = mapped_column(Integer)


class BallotTeller(Base):
    """One teller (监票人) of a meeting: their own public key, verification key and wrapped share."""

    __tablename__ = "ballot_tellers"
    __table_args__ = (UniqueConstraint("instance_id", "teller_index"), UniqueConstraint("instance_id", "username"))
    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("instances.id", ondelete="CASCADE"), index=True)
    username: Mapped[str] = mapped_column(String(64))
    teller_index: Mapped[int] = mapped_column(Integer)
    teller_key: Mapped[str] = mapped_column(String(64))
    verification_key: Mapped[str] = mapped_column(String(64))
    wrap_point: Mapped[str] = mapped_column(String(64))
    wrapped: Mapped[str] = mapped_column(String(64))


class EncryptedBallot(Base):
    """One ballot of one vote (matter, element, agenda item): ciphertexts and proofs, no voter, no time."""

    __tablename__ = "encrypted_ballots"
    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("instances.id", ondelete="CASCADE"), index=True)
    element_id: Mapped[str] = mapped_column(String(128))
    item_key: Mapped[str] = mapped_column(String(64), default="")
    ballot: Mapped[str] = mapped_column(Text)


class TallyShare(Base):
    """A teller's partial decryption of one vote's combined ciphertexts, with its proofs."""

    __tablename__ = "tally_shares"
    __table_args__ = (UniqueConstraint("instance_id", "element_id", "item_key", "teller_index"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("instances.id", ondelete="CASCADE"), index=True)
    element_id: Mapped[str] = mapped_column(String(128))
    item_key: Mapped[str] = mapped_column(String(64), default="")
    teller_index: Mapped[int] = mapped_column(Integer)
    partials: Mapped[str] = mapped_column(Text)
