"""Who acts: users, roles, fields of charge (分管领域) and sign-in throttling."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.models.base import Base, StatusColumn, UTCDateTime, utcnow
from engine.status import UserSource


class UserRole(Base):
    __tablename__ = "user_roles"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role_id: Mapped[int] = mapped_column(ForeignKey("roles.id", ondelete="CASCADE"), primary_key=True, index=True)


class Role(Base):
    __tablename__ = "roles"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    description: Mapped[str] = mapped_column(String(255), default="")


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(128))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    email: Mapped[str | None] = mapped_column(String(255))
    token_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # bumped: sign out everywhere
    source: Mapped[UserSource] = mapped_column(StatusColumn(UserSource, 16), default=UserSource.LOCAL,
                                               server_default="local")
    external_id: Mapped[str | None] = mapped_column(String(255))  # the directory entry's DN, the provider's subject
    roles: Mapped[list[Role]] = relationship(secondary="user_roles", order_by=Role.name)  # read when needed

    @property
    def role_names(self) -> list[str]:
        return [r.name for r in self.roles]


class LoginThrottle(Base):
    """Sign-in failures for a name from one address ("*": from all), known or not, so no answer tells them apart."""

    __tablename__ = "login_throttle"
    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    address: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    blocked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_failure_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    succeeded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Field(Base):
    """A field of work (分管领域) and its one member in charge (分管常委)."""

    __tablename__ = "fields"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    member: Mapped[User] = relationship(lazy="joined")
