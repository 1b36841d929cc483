"""Element ids in BPMN and DMN documents must be XML NCNames, as their schemas say.

An id travels into dot sources, SVG attributes, CSS selectors, URLs and the modeler; holding ids to
NCName keeps markup, quotes, braces and spaces out of all of them.
"""
from __future__ import annotations

import re

from engine.errors import DefinitionError, Msg

# XML 1.0 (5th edition) NameStartChar and NameChar, without the colon (Namespaces in XML: NCName)
_START = ("A-Z_a-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
          "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff")
_CHAR = _START + "\\-.0-9\u00b7\u0300-\u036f\u203f-\u2040"
NCNAME = re.compile(f"[{_START}][{_CHAR}]*")
MESSAGE = Msg("definition.bad_id")


def is_ncname(value: str) -> bool:
    """Whether ``value`` is an XML NCName."""
    return NCNAME.fullmatch(value) is not None


def invalid_ids(tree) -> list[str]:
    """Every id attribute of the document that is not an NCName, once each, in document order."""
    return list(dict.fromkeys(value for value in tree.xpath("//@id") if not is_ncname(value)))


def check_ids(tree, filename: str) -> None:
    """Refuse a document with an id that is not an NCName, naming the first such element."""
    bad = invalid_ids(tree)
    if bad:
        raise DefinitionError(filename, bad[0], MESSAGE)
