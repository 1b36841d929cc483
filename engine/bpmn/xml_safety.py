"""Reading untrusted XML (BPMN and DMN uploads): no entities, no DTD, no network, a size limit."""
from __future__ import annotations

from lxml import etree

from engine.errors import DefinitionError, Msg

MAX_FILE_BYTES = 2 * 1024 * 1024
NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
      "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core"}  # the prefixes every reader queries with


def secure_xml(data: bytes, filename: str) -> etree._ElementTree:
    """Parse XML with external entities, DTD loading, network and entity expansion disabled."""
    if len(data) > MAX_FILE_BYTES:
        raise DefinitionError(filename, None, Msg("definition.too_big", kb=MAX_FILE_BYTES // 1024))
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False, remove_comments=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise DefinitionError(filename, None, Msg("definition.bad_xml", error=str(exc))) from None
    if root.getroottree().docinfo.internalDTD is not None or root.getroottree().docinfo.doctype:
        raise DefinitionError(filename, None, Msg("definition.doctype"))
    return root.getroottree()
