"""Live validation of a Compliance Access Key: is it real, and which scope families work.

A few cheap calls, one per endpoint family: 200 means the family is readable, 403 means the
key lacks its scope; 401 / 404 refuse the key with the API's reason. The organizations call
asks for a full page (the API's maximum, 1000) so the record names every organization the key
reaches.

The delete scope has no read to probe: the API checks a DELETE's scope before it looks the
object up (§2.4, §7.2), so a DELETE of a chat id that cannot exist answers 403 without the
scope and 404 with it, and deletes nothing either way.
"""

from __future__ import annotations

from dataclasses import dataclass

from claude_compliance.api import (
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    ComplianceClient,
    NotFoundError,
    PermissionDeniedError,
    TransportError,
)
from claude_compliance.lake.text import clean

COMPLIANCE_PREFIX = "sk-ant-api01-"

DELETE_FAMILY = "delete_user_data"
"""The family of the ``delete:compliance_user_data`` scope, as the key store records it."""
# `claude_chat_01…` ids carry a version tag "01"; "00" and all zeros never name a chat
DELETE_PROBE_PATH = "/v1/compliance/apps/chats/claude_chat_00000000000000000000000000"

# family → (probe path, params)
PROBES: dict[str, tuple[str, dict[str, object]]] = {
    "activities": ("/v1/compliance/activities", {"limit": 1}),
    "org_data": ("/v1/compliance/organizations", {"limit": 1000}),
    "user_data": ("/v1/compliance/apps/chats", {"limit": 1}),
}


class KeyRejected(ValueError):
    """The key cannot be registered; the message says why in one line."""


@dataclass(frozen=True, slots=True)
class Validation:
    families: tuple[str, ...]
    organization_uuids: tuple[str, ...]
    organization_names: tuple[str, ...]


def check_format(key: str) -> None:
    """Refuse what is not a Compliance Access Key, saying what the key could reach instead."""
    if key.startswith("sk-ant-api03-"):
        raise KeyRejected(
            "this is a Claude API key (sk-ant-api03-…): it cannot read the Compliance API. "
            "Create a Compliance Access Key (sk-ant-api01-…) in claude.ai > Organization "
            "settings > API."
        )
    if key.startswith("sk-ant-admin01-"):
        raise KeyRejected(
            "this is an Admin API key (sk-ant-admin01-…): it reaches only the activity feed, "
            "not chats, files or projects, so it cannot feed DLP scanning. Use a Compliance "
            "Access Key (sk-ant-api01-…)."
        )
    if not key.startswith(COMPLIANCE_PREFIX):
        raise KeyRejected("not a Compliance Access Key: expected the prefix sk-ant-api01-")
    if len(key) < len(COMPLIANCE_PREFIX) + 20 or any(c.isspace() for c in key):
        raise KeyRejected("malformed Compliance Access Key (too short or contains whitespace)")


def validate_live(client: ComplianceClient) -> Validation:
    """Probe each endpoint family; raises KeyRejected unless at least one family works."""
    families: list[str] = []
    org_uuids: list[str] = []
    org_names: list[str] = []
    for family, (path, params) in PROBES.items():
        try:
            page = client.get_json(path, params)
        except PermissionDeniedError:
            continue
        except AuthenticationError as exc:
            raise KeyRejected(f"the Compliance API refused the key: {exc.message}") from None
        except NotFoundError as exc:
            raise KeyRejected(
                f"the Compliance API does not recognise this as a Compliance key: {exc.message}"
            ) from None
        except TransportError as exc:
            raise KeyRejected(
                f"could not reach the Compliance API at {exc.url.split('/v1')[0]}: {exc.message}"
            ) from None
        except APIStatusError as exc:
            raise KeyRejected(f"the Compliance API answered {exc.status}: {exc.message}") from None
        families.append(family)
        if family == "org_data":
            for org in page.body.get("data") or []:
                org_uuids.append(str(org.get("uuid")))
                # Stored, printed and rendered: a lone surrogate in it would break all three.
                org_names.append(clean(str(org.get("name")))[0])
    if not families:
        raise KeyRejected("the key authenticates but has no compliance read scope")
    if _can_delete(client):
        families.append(DELETE_FAMILY)
    return Validation(tuple(families), tuple(org_uuids), tuple(org_names))


def _can_delete(client: ComplianceClient) -> bool:
    """Whether the key holds the delete scope: 403 no; 404 (nothing to delete) yes."""
    try:
        client.delete(DELETE_PROBE_PATH)
    except PermissionDeniedError:
        return False
    except (NotFoundError, BadRequestError):
        return True
    except TransportError as exc:
        raise KeyRejected(
            f"could not reach the Compliance API at {exc.url.split('/v1')[0]}: {exc.message}"
        ) from None
    except APIStatusError as exc:
        raise KeyRejected(
            f"the Compliance API answered {exc.status} to the delete-scope check: {exc.message}"
        ) from None
    # a 200 would mean a chat with an impossible id existed; say so rather than guess
    raise KeyRejected("the delete-scope check deleted something: report this to support")
