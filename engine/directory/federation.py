"""Signing in through an OpenID Connect provider: its claims mapped to a person, the account kept from them."""
from __future__ import annotations

from collections.abc import Mapping

from engine.directory.ldap_source import Person
from engine.directory.sso_mapping import DirectoryMapping
from engine.errors import FormInvalid, Msg


def person_from_claims(claims: Mapping, mapping: DirectoryMapping, issuer: str) -> Person:
    """The person the provider's (already verified) claims describe; FormInvalid when they name nobody usable."""
    username = claims.get(mapping.oidc_username)
    if not isinstance(username, str) or not username.strip():
        raise FormInvalid({"username": Msg("sso.no_username", claim=mapping.oidc_username)})
    groups = claims.get(mapping.claim) or []
    groups = [groups] if isinstance(groups, str) else [str(g) for g in groups if isinstance(g, (str, int))]
    name, email = claims.get(mapping.oidc_display_name), claims.get(mapping.oidc_email)
    return Person(username.strip(), name if isinstance(name, str) and name.strip() else username.strip(),
                  email if isinstance(email, str) else None, tuple(mapping.roles_of(groups)),
                  tuple(mapping.fields_of(groups)), f"{issuer}#{claims.get('sub')}"[:255])
