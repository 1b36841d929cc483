"""Every table of powerflow, one module per domain, all registered on ``Base.metadata`` by importing this package.

Importing ``engine.models`` is the one place that registers every model: the Alembic environment,
the backup and the schema check read ``Base.metadata`` after it, so none of them can miss a table.
"""
from .audit import GENESIS, AuditEvent, AuditHead
from .ballots import BallotKey, BallotTeller, EncryptedBallot, TallyShare
from .base import Base, JSONType, StatusColumn, UTCDateTime, utcnow
from .collaboration import Attachment, Comment, Follow, FormSubmission
from .committee import CalendarDay, Decision, NumberSeries, Topic
from .matters import HumanTask, Instance, Timer
from .messaging import Notification, NotificationSetting, OutgoingMail
from .people import Field, LoginThrottle, Role, User, UserRole
from .process import ProcessVersion
from .public import Copy, Letter, Publication

__all__ = ["GENESIS", "Attachment", "AuditEvent", "AuditHead", "BallotKey", "BallotTeller", "Base", "CalendarDay",
           "Comment", "Copy", "Decision", "EncryptedBallot", "Field", "Follow", "FormSubmission", "HumanTask",
           "Instance", "JSONType", "Letter", "LoginThrottle", "Notification", "NotificationSetting", "NumberSeries",
           "OutgoingMail", "ProcessVersion", "Publication", "Role", "TallyShare", "Timer", "Topic", "UTCDateTime",
           "User", "UserRole", "utcnow", "StatusColumn"]
