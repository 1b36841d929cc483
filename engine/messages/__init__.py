"""Every message the engine shows a user, by stable code: the Chinese text (the default) with {named} parameters.

The web layer translates a message by looking its Chinese text up in the catalog (webui/translations), so a
code's text is also its msgid; N_ marks it for extraction (babel.cfg) without translating here.
"""
from engine.messages.core import CORE
from engine.messages.design import DESIGN
from engine.messages.importing import IMPORTING
from engine.messages.ledger import LEDGER
from engine.messages.marks import N_
from engine.messages.operations import OPERATIONS

__all__ = ["MESSAGES", "N_"]

# One catalog, each area's codes in its own module (an area adds a module here rather than growing one file).
MESSAGES: dict[str, str] = {**CORE, **DESIGN, **IMPORTING, **LEDGER, **OPERATIONS}
