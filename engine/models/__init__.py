"""Every table of powerflow, one module per domain, all registered on ``Base.metadata`` by importing this package.

Importing ``engine.models`` is the one place that registers every model: the Alembic environment,
the backup and the schema check read ``Base.metadata`` after it, so none of them can miss a table.
"""
from engine.models.accountability import CaseLink
from engine.models.audit import GENESIS, AuditEvent, AuditHead
from engine.models.ballots import BallotKey, BallotTeller, EncryptedBallot, TallyShare
from engine.models.base import Base, JSONType, StatusColumn, UTCDateTime, utcnow
from engine.models.collaboration import Attachment, Comment, Follow, FormSubmission
from engine.models.committee import CalendarDay, Decision, NumberSeries, Topic
from engine.models.evaluation import SurveyResponse
from engine.models.matters import HumanTask, Instance, Timer
from engine.models.messaging import Notification, NotificationSetting, OutgoingMail
from engine.models.operations import WorkerHeartbeat
from engine.models.webhooks import WebhookDelivery, WebhookSubscription
from engine.models.people import Field, LoginThrottle, Role, User, UserRole
from engine.models.process import ProcessVersion
from engine.models.public import Copy, Letter, Objection, Publication
from engine.models.reference import REFERENCE_TABLES, ReferenceStamp

__all__ = ["GENESIS", "Attachment", "AuditEvent", "AuditHead", "BallotKey", "BallotTeller", "Base", "CalendarDay", "CaseLink",
           "Comment", "Copy", "Decision", "EncryptedBallot", "Field", "Follow", "FormSubmission", "HumanTask",
           "Instance", "JSONType", "Letter", "LoginThrottle", "Notification", "NotificationSetting", "NumberSeries", "Objection",
           "OutgoingMail", "ProcessVersion", "Publication", "REFERENCE_TABLES", "ReferenceStamp", "Role", "SurveyResponse", "TallyShare", "Timer", "Topic", "UTCDateTime",
           "User", "UserRole", "WebhookDelivery", "WebhookSubscription", "WorkerHeartbeat", "utcnow", "StatusColumn"]
