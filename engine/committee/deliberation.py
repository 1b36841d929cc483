"""R15: until a matter's outcome is published, what was said and entered on it before a body is for the
body's members and the matter's participants only."""
from __future__ import annotations

from sqlalchemy.orm import Session

from engine.committee.meetings import BODIES
from engine.committee.publications import deliberated_unpublished
from engine.directory.access import takes_part
from engine.models import Instance, User


def sees_deliberation(session: Session, user: User, instance: Instance) -> bool:
    """R15: until its outcome is published, what was said and entered on a matter before a body
    is for the body's members and the matter's participants only (auditors see that steps happened)."""
    body = deliberated_unpublished(session, instance)
    if body is None or (body in BODIES and BODIES[body].member_role in user.role_names):
        return True
    return takes_part(session, user, instance)
