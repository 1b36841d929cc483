"""Users, roles and fields of charge (分管领域), kept in the database."""
from __future__ import annotations

import secrets
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from engine.errors import FormInvalid, Msg, NotFound
from engine.models import Field, HumanTask, Role, User, UserRole

STANDARD_ROLES = {
    "书记": "党委书记（一把手）：审定议题、主持会议、最后表态",
    "副书记": "副书记：协调日常工作",
    "常委": "常委会委员：参与集体决策，分管相应领域",
    "全委委员": "全委会委员",
    "办公室": "委办公室：汇总议题、发通知、记录纪要、传达决定",
    "组织部": "组织部：干部任免程序",
    "纪委": "纪委：监督、问责、信访监督（只读审计）",
    "职能部门": "职能部门：提出议题、执行决定",
    "上级组织": "上级党组织：书记与多数意见不一致时裁决",
    "监督员": "监督员（三代表一委员）：查阅公开事项、评议",
    "党代表": "党代表：提出提案",
    "设计员": "流程设计员：绘制和发布流程图",
    "管理员": "系统管理员：管理用户和角色",
}
AUDITOR_ROLES = {"纪委", "监督员"}
ADMIN_ROLE = "管理员"
_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    """Hash a password with Argon2id."""
    return _hasher.hash(password)


def _matches(stored: str, password: str) -> bool:
    """True when ``password`` matches the stored Argon2 hash."""
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


@lru_cache(maxsize=1)
def _stand_in_hash() -> str:
    """A hash no password matches, checked for unknown names so that they take as long as known ones."""
    return _hasher.hash(secrets.token_hex(16))


class Directory:
    """Reads and changes users, roles and fields within the caller's session."""

    def __init__(self, session: Session):
        self.session = session

    def ensure_roles(self, roles: dict[str, str] = STANDARD_ROLES) -> int:
        """Create any missing standard roles; return how many were created."""
        existing = set(self.session.scalars(select(Role.name)))
        missing = [Role(name=n, description=d) for n, d in roles.items() if n not in existing]
        self.session.add_all(missing)
        return len(missing)

    def role_names(self) -> set[str]:
        return set(self.session.scalars(select(Role.name)))

    def user(self, username: str) -> User:
        user = self.find(username)
        if user is None:
            raise NotFound("user.missing", username=username)
        return user

    def find(self, username: str) -> User | None:
        """The user by name with its roles, read once per session (an action asks for its actor in several places)."""
        known = self.session.info.setdefault("users_by_name", {})
        user = known.get(username)
        if user is None:
            user = self.session.scalars(select(User).options(joinedload(User.roles))
                                        .where(User.username == username)).unique().first()
            if user is not None:
                known[username] = user
        return user

    def by_id(self, user_id: int) -> User | None:
        """The user with its roles in one statement (read on every request)."""
        return self.session.get(User, user_id, options=[joinedload(User.roles)])

    def users(self) -> list[User]:
        return list(self.session.scalars(select(User).order_by(User.id)))

    def authenticate(self, username: str, password: str) -> User | None:
        """The active user with these credentials, or None; Argon2 runs for unknown and inactive names too."""
        user = self.find(username)
        matches = _matches(user.password_hash if user is not None else _stand_in_hash(), password)
        return user if matches and user is not None and user.active else None

    def save_user(self, username: str, display_name: str | None = None, password: str | None = None,
                  roles: list[str] | None = None, active: bool | None = None,
                  password_hash: str | None = None) -> User:
        """Create the user or update the given attributes; roles replace the user's roles."""
        if not username or len(username) > 64 or not username.replace("_", "").replace("-", "").isalnum():
            raise FormInvalid({"username": Msg("user.bad_name")})
        user = self.find(username)
        if user is not None and (password or password_hash or active is False):
            user.token_generation += 1  # a new password or deactivation signs the user out everywhere
        if user is None:
            if not password and not password_hash:
                raise FormInvalid({"password": Msg("user.password_required")})
            user = User(username=username, display_name=display_name or username, password_hash="")
            self.session.add(user)
        if display_name:
            user.display_name = display_name
        if password:
            user.password_hash = hash_password(password)
        elif password_hash:
            user.password_hash = password_hash
        if active is not None:
            user.active = active
        if roles is not None:
            known = {r.name: r for r in self.session.scalars(select(Role).where(Role.name.in_(roles)))}
            unknown = sorted(set(roles) - set(known))
            if unknown:
                raise FormInvalid({"roles": Msg("user.unknown_roles", roles="、".join(unknown))})
            user.roles = [known[name] for name in roles]
        self.session.flush()
        return user

    def members_of(self, role: str) -> list[User]:
        """Active users holding ``role``, in the order they were created."""
        return list(self.session.scalars(
            select(User).join(UserRole, UserRole.user_id == User.id).join(Role, Role.id == UserRole.role_id)
            .where(Role.name == role, User.active.is_(True)).order_by(User.id)))

    def set_field(self, name: str, member_username: str) -> Field:
        """Make ``member_username`` the one member in charge of field ``name``."""
        member = self.user(member_username)
        field = self.session.scalar(select(Field).where(Field.name == name))
        if field is None:
            field = Field(name=name, member=member)
            self.session.add(field)
        field.member = member
        self.session.flush()
        return field

    def fields(self) -> list[Field]:
        return list(self.session.scalars(select(Field).order_by(Field.id)))

    def member_in_charge(self, field_name: str) -> User:
        field = self.session.scalar(select(Field).where(Field.name == field_name))
        if field is None:
            raise NotFound("field.missing", field=field_name)
        return field.member


def candidates(session: Session, task: HumanTask) -> list[User]:
    """Who may complete a task now."""
    if task.assignee_id is not None:
        return [task.assignee] if task.assignee else []
    return Directory(session).members_of(task.candidate_role) if task.candidate_role else []
