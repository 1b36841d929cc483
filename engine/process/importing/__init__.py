"""Import diagrams drawn for Camunda 7, Camunda 8 (Zeebe) or SpiffArena into our dialect, with a report.

``import_document(data, roles, users)`` gives the converted document and one report entry per extension
attribute or element found: mapped (and what it became), not mapped (and why), reported (no counterpart
here, left in place), or kept (SpiffArena's own, which is ours).
"""
from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from engine.process.definitions import secure_xml
from engine.errors import DefinitionError, Msg, PowerflowError
from engine.process.xml_encoding import to_utf8
from engine.process.importing.convert import DIALECTS, convert, dialect
from engine.process.importing.report import BPMN, KEPT, MAPPED, NOT_MAPPED, REPORTED, SPIFF, Context, Entry

__all__ = ["DIALECTS", "Entry", "ImportRefused", "Imported", "KEPT", "MAPPED", "NOT_MAPPED", "REPORTED",
           "import_document"]


class ImportRefused(PowerflowError):
    """The upload cannot be read as a BPMN document; ``errors`` names the field."""

    def __init__(self, field: str, message: Msg):
        super().__init__(message)
        self.errors = {field: message}


@dataclass
class Imported:
    """The converted document (UTF-8 bytes), the dialect it was drawn in, and the report."""

    bpmn: bytes
    dialect: str
    report: list[Entry]


def import_document(data: bytes, roles: set[str], users: set[str], filename: str = "upload.bpmn") -> Imported:
    """Convert a foreign BPMN document into our dialect; nothing foreign goes unreported."""
    data = to_utf8(data)
    try:
        root = secure_xml(data, filename).getroot()
    except DefinitionError as error:
        raise ImportRefused("bpmn_xml", Msg("import.bad_xml", error=error.message)) from None
    if root.tag != f"{{{BPMN}}}definitions":
        raise ImportRefused("bpmn_xml", Msg("import.not_bpmn"))
    ctx = Context(set(roles), set(users), dialect(root))
    convert(ctx, root)
    if not ctx.changed:  # nothing to convert: the upload as it came, byte for byte
        return Imported(data, ctx.dialect, ctx.entries)
    keep = [prefix for prefix in root.nsmap if prefix]  # prefixes may be used in values such as xsi:type
    etree.cleanup_namespaces(root, top_nsmap={"spiffworkflow": SPIFF}, keep_ns_prefixes=keep)
    converted = etree.tostring(root.getroottree(), xml_declaration=True, encoding="UTF-8")
    return Imported(converted, ctx.dialect, ctx.entries)
