"""An LDAP or Active Directory server as the source of people: sign-in binds as the user; sync reads them all.

ldap3 (pure Python): every value put into a filter is escaped, and the service account only reads. It is
imported when a directory is first used, so a deployment without one does not carry it in every worker.
"""
from __future__ import annotations

from dataclasses import dataclass

from engine.directory.sso_mapping import DirectoryMapping
from engine.errors import Msg, PowerflowError

TIMEOUT = 5  # seconds to connect and for each answer: a sign-in must not hang on a dead directory


class DirectoryUnavailable(PowerflowError):
    """The directory server could not be reached or refused the service account."""


@dataclass(frozen=True)
class Person:
    """One person as the directory (or an identity provider) describes them, mapped to powerflow's terms."""

    username: str
    display_name: str
    email: str | None
    roles: tuple[str, ...]
    fields: tuple[str, ...]
    external_id: str  # the entry's DN, or the provider's subject


class LdapSource:
    """Reads people from one LDAP server with a read-only service account, mapped by ``mapping``."""

    def __init__(self, url: str, bind_dn: str, bind_password: str, mapping: DirectoryMapping):
        self.url, self.bind_dn, self.bind_password, self.mapping = url, bind_dn, bind_password, mapping

    def _bound(self, dn: str, password: str, refused_is_none: bool = False):
        """A read-only connection bound as ``dn``; None for a refused password if ``refused_is_none``, else
        DirectoryUnavailable for anything that goes wrong (the service account refused included)."""
        from ldap3 import Connection, Server
        from ldap3.core.exceptions import LDAPBindError, LDAPException
        try:
            return Connection(Server(self.url, connect_timeout=TIMEOUT), dn, password, auto_bind=True,
                              receive_timeout=TIMEOUT, read_only=True)
        except LDAPException as exc:
            if refused_is_none and isinstance(exc, LDAPBindError):
                return None
            raise DirectoryUnavailable(Msg("directory.unreachable", url=self.url, error=type(exc).__name__)) from None

    def _service(self):
        return self._bound(self.bind_dn, self.bind_password)

    def authenticate(self, username: str, password: str) -> Person | None:
        """The person when the directory accepts this password for them (a bind as their entry), else None."""
        from ldap3.utils.conv import escape_filter_chars
        if not password:
            return None  # an empty password is an anonymous bind, which many servers accept
        with self._service() as service:
            found = self._entries(service, self.mapping.user_filter.format(username=escape_filter_chars(username)))
            if len(found) != 1:
                return None
            dn, person = found[0]
        bound = self._bound(dn, password, refused_is_none=True)
        if bound is None:
            return None
        bound.unbind()
        return person

    def people(self) -> list[Person]:
        """Every person under the users' base, for `powerflow users sync`."""
        with self._service() as service:
            return [person for _, person in self._entries(service, self.mapping.all_users)]

    def _entries(self, service, query: str) -> list[tuple[str, Person]]:
        from ldap3 import SUBTREE
        m = self.mapping
        service.search(m.user_base, query, SUBTREE, attributes=[m.username, m.display_name, m.email])
        entries = [(e.entry_dn, e.entry_attributes_as_dict) for e in service.entries]
        groups = self._groups(service)
        found = []
        for dn, attributes in entries:
            name = _first(attributes.get(m.username))
            if not name:
                continue
            mine = [group for group, members in groups.items() if dn.lower() in members]
            found.append((dn, Person(str(name), str(_first(attributes.get(m.display_name)) or name),
                                     _first(attributes.get(m.email)), tuple(m.roles_of(mine)),
                                     tuple(m.fields_of(mine)), dn)))
        return found

    def _groups(self, service) -> dict[str, set[str]]:
        """Each mapped group's name and its members' DNs (lower case)."""
        from ldap3 import SUBTREE
        m = self.mapping
        if not m.group_base:
            return {}
        service.search(m.group_base, f"({m.member}=*)", SUBTREE, attributes=[m.group_name, m.member])
        return {str(_first(e.entry_attributes_as_dict.get(m.group_name))):
                {str(v).lower() for v in e.entry_attributes_as_dict.get(m.member, [])} for e in service.entries}


def _first(values):
    if isinstance(values, list):
        return values[0] if values else None
    return values
