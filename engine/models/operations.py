"""Operations: each worker's heartbeat, read by the readiness check and the metrics."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.models.base import Base, UTCDateTime, utcnow


class WorkerHeartbeat(Base):
    """One row per `powerflow worker` process, stamped every round, so readiness knows timers are being fired."""

    __tablename__ = "worker_heartbeats"
    name: Mapped[str] = mapped_column(String(128), primary_key=True)  # host:pid
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    rounds: Mapped[int] = mapped_column(Integer, default=0)
