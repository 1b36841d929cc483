"""The engine one deployment runs, built once from its settings: the database, the runtime, the live-chart
cache, the attachment store and (with an SMTP host) the mailer. The web layer and the command line get it
from here and never build a storage object themselves."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from engine.storage.attachment_store import DEFAULT_MAX_BYTES, AttachmentStore
from engine.charts.live_cache import Charts
from engine.storage.database import Database
from engine.collaboration.mailer import Mailer, SmtpSettings
from engine.runtime.service import Runtime
from engine.bpmn.sandbox import pool as script_pool
from engine.bpmn.sandbox.pool import DEFAULT_MEMORY_MB
from engine.bpmn.scripting import DEFAULT_TIME_LIMIT
from engine.directory.federation import person_from_claims
from engine.directory.ldap_source import LdapSource
from engine.directory.logins import Identity, sign_in_federated
from engine.status import UserSource
from engine.directory.sso_mapping import DirectoryMapping, load_mapping
from engine.ops import health
from engine.ops.gauges import StateCollector
from engine.webhooks.subscriptions import WebhookAdmin

__all__ = ["DEFAULT_MAX_BYTES", "DEFAULT_MEMORY_MB", "DEFAULT_TIME_LIMIT", "System", "build"]


@dataclass
class System:
    """The engine objects of one deployment."""

    db: Database
    runtime: Runtime
    charts: Charts
    processes_dir: Path
    attachments: AttachmentStore
    mailer: Mailer | None = None
    directory: LdapSource | None = None  # with LDAP_URL: sign-in binds there, `users sync` reads it
    password_sign_in: bool = True  # accounts created here may sign in with their password
    mapping: DirectoryMapping | None = None  # groups and claims to roles and fields (LDAP and OpenID Connect)

    def readiness(self) -> health.Readiness:
        """Whether this node is ready to serve: database, schema, a worker firing timers."""
        return health.readiness(self.db, self.runtime.clock())

    def state_collector(self) -> StateCollector:
        """A Prometheus collector of the database's state (timers, outbox, overdue tasks, workers)."""
        return StateCollector(self.db, self.runtime.clock)

    def webhooks(self) -> WebhookAdmin:
        """The administrator's webhook subscriptions."""
        return WebhookAdmin(self.db)

    def sign_in_federated(self, claims: Mapping, issuer: str) -> Identity:
        """Sign in the person an OpenID Connect provider vouched for (claims already verified by the caller)."""
        return sign_in_federated(self.db, person_from_claims(claims, self.mapping, issuer), UserSource.OIDC)

    def dispose(self) -> None:
        """Close the database connections (at the end of a test or a command)."""
        self.db.dispose()


def _mailer(settings: Mapping, db: Database) -> Mailer | None:
    """SMTP delivery when SMTP_HOST is set; otherwise notifications stay in the app."""
    if not settings.get("SMTP_HOST"):
        return None
    return Mailer(db, SmtpSettings(settings["SMTP_HOST"], settings["SMTP_PORT"], settings["MAIL_FROM"],
                                   settings["SMTP_USERNAME"], settings["SMTP_PASSWORD"], settings["SMTP_STARTTLS"],
                                   base_url=settings["BASE_URL"].rstrip("/")))


def _mapping(settings: Mapping) -> DirectoryMapping | None:
    """The mapping file, read and checked now (DefinitionError), when a directory or a provider is configured."""
    if not (settings.get("LDAP_URL") or settings.get("OIDC_ISSUER")):
        return None
    return load_mapping(settings["DIRECTORY_MAPPING"])


def _directory(settings: Mapping, mapping: DirectoryMapping | None) -> LdapSource | None:
    """The LDAP directory when LDAP_URL is set."""
    if not settings.get("LDAP_URL"):
        return None
    return LdapSource(settings["LDAP_URL"], settings.get("LDAP_BIND_DN") or "", settings.get("LDAP_BIND_PASSWORD") or "",
                      mapping)


def build(settings: Mapping) -> System:
    """The engine for these settings (the keys of webui/config.py's table: DATABASE_URL, PROCESSES_DIR …)."""
    script_pool.configure(settings["SCRIPT_MEMORY_MB"])
    db = Database(settings["DATABASE_URL"])
    mapping = _mapping(settings)
    return System(db=db, runtime=Runtime(db, script_time_limit=settings["SCRIPT_TIME_LIMIT"]), charts=Charts(db),
                  processes_dir=Path(settings["PROCESSES_DIR"]),
                  attachments=AttachmentStore(settings["ATTACHMENTS_DIR"], settings["ATTACHMENT_MAX_BYTES"]),
                  mailer=_mailer(settings, db), directory=_directory(settings, mapping), mapping=mapping,
                  password_sign_in=settings.get("PASSWORD_SIGN_IN", True))
