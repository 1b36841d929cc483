"""Sends the outgoing mail outbox over SMTP, each message once, after its transaction committed."""
from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from sqlalchemy import select

from engine.storage.database import Database
from engine.models import OutgoingMail
from engine.models import utcnow

log = logging.getLogger("powerflow.mail")
MAX_ATTEMPTS = 5
MAX_AGE = timedelta(days=3)  # mail older than this is stale (e.g. queued before SMTP was configured): not sent


@dataclass
class SmtpSettings:
    """Where and as whom to send (from the app's config: SMTP_HOST, SMTP_PORT, MAIL_FROM …)."""

    host: str
    port: int = 25
    sender: str = "powerflow@localhost"
    username: str | None = None
    password: str | None = None
    starttls: bool = False
    timeout: float = 10.0
    base_url: str = ""  # links in messages point here, e.g. https://powerflow.example.gov.cn


class Mailer:
    """Delivers pending OutgoingMail rows; a failure is recorded and retried up to MAX_ATTEMPTS times."""

    def __init__(self, db: Database, settings: SmtpSettings):
        self.db = db
        self.settings = settings

    def message(self, mail: OutgoingMail) -> EmailMessage:
        msg = EmailMessage()
        msg["Subject"] = mail.subject
        msg["From"] = formataddr(("权力运行流程", self.settings.sender))
        msg["To"] = mail.to_address
        msg["Message-ID"] = make_msgid(idstring=f"powerflow-{mail.id}")
        link = f"\n\n查看事项：{self.settings.base_url}/matters/{mail.instance_id}" if mail.instance_id else ""
        msg.set_content(f"{mail.body or mail.subject}{link}\n\n—— 此邮件由系统发送；可在“通知设置”中关闭此类邮件。")
        return msg

    def send_pending(self, limit: int = 50, now: datetime | None = None) -> int:
        """Send up to ``limit`` pending messages; returns how many were delivered."""
        sent, now = 0, now or utcnow()
        with self.db.reader() as session:
            ids = list(session.scalars(select(OutgoingMail.id).where(
                OutgoingMail.sent_at.is_(None), OutgoingMail.attempts < MAX_ATTEMPTS,
                OutgoingMail.created_at >= now - MAX_AGE)
                .order_by(OutgoingMail.id).limit(limit)))
        if not ids:
            return 0
        with self._connect() as smtp:
            for mail_id in ids:
                sent += self._send_one(smtp, mail_id, now)
        return sent

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
        if s.starttls:
            smtp.starttls()
        if s.username:
            smtp.login(s.username, s.password or "")
        return smtp

    def _send_one(self, smtp: smtplib.SMTP, mail_id: int, now: datetime) -> bool:
        with self.db.transaction() as session:
            # Locked and re-checked, so two workers never send the same message.
            mail = session.scalar(select(OutgoingMail).where(OutgoingMail.id == mail_id, OutgoingMail.sent_at.is_(None))
                                  .with_for_update(skip_locked=True))
            if mail is None:
                return False
            mail.attempts += 1
            try:
                smtp.send_message(self.message(mail))
            except (smtplib.SMTPException, OSError) as exc:
                mail.error = f"{type(exc).__name__}: {exc}"[:2000]
                log.warning("mail %s to %s failed: %s", mail.id, mail.to_address, exc)
                return False
            mail.sent_at, mail.error = now, None
            return True
