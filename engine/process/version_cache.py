"""A deployed version's restored spec and its forms, kept in memory by process and content.

A version never changes once deployed, and its content hash covers its BPMN, the processes it calls,
their forms and decision tables. Keyed on that, a matter's action reads neither large column.
"""
from __future__ import annotations

import threading
from collections import OrderedDict

from engine.bpmn.forms import in_order
from engine.models import ProcessVersion
from engine.bpmn.serialization import specs_from_json

_SIZE = 256
_lock = threading.Lock()
_specs: OrderedDict = OrderedDict()
_forms: OrderedDict = OrderedDict()


def version_specs(version: ProcessVersion) -> tuple:
    """The version's (spec, subprocess_specs), restored once per process."""
    return _cached(_specs, version, lambda: specs_from_json(version.spec_json))


def version_forms(version: ProcessVersion) -> dict:
    """The version's forms by file name; shared, so callers copy before changing one."""
    return _cached(_forms, version, lambda: in_order(version.forms))  # fields as designed, even from JSONB


def _cached(store: OrderedDict, version: ProcessVersion, load):
    # Only a full SHA-256 identifies content; anything else (hand-made rows) is read each time.
    if len(version.content_hash or "") != 64:
        return load()
    key = (version.process_key, version.content_hash)
    with _lock:
        if key in store:
            store.move_to_end(key)
            return store[key]
    value = load()
    with _lock:
        store[key] = value
        while len(store) > _SIZE:
            store.popitem(last=False)
    return value
