"""Keys: register (validated live), list, re-validate and revoke — HTML pages for admins and
the same operations as a JSON API under `/api/keys`.

The plaintext key arrives once, in the registration request body, goes to
`keys.service.register`, and is never echoed back: not in a response, an error, a
re-rendered form or the audit log.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from claude_compliance.keys import service
from claude_compliance.keys.store import KeyRecord
from claude_compliance.state.users import Session
from claude_compliance.web.auth import AdminSession, csrf_protect, root
from claude_compliance.web.context import WebContext, ctx
from claude_compliance.web.render import render

router = APIRouter(dependencies=[Depends(csrf_protect)])


def _actor(session: Session) -> str:
    return f"web:{session.user.username}"


def _public(record: KeyRecord) -> dict[str, Any]:
    return record.as_public_dict()


def _refusal(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _register(
    context: WebContext, session: Session, plaintext: str, name: str, replaces: str | None
) -> service.Registered:
    try:
        result = service.register(
            context.settings,
            plaintext,
            name=name,
            actor=_actor(session),
            replaces=replaces or None,
            transport=context.api_transport,
        )
    except (service.KeyRejected, service.KeyStoreError) as exc:
        context.audit.record(
            session.user.username, "key_register_refused", None, {"reason": _refusal(exc)}
        )
        raise
    context.audit.record(
        session.user.username,
        "key_register",
        result.record.key_id,
        {"fingerprint": result.record.fingerprint, "replaces": replaces or None},
    )
    return result


# -- HTML ---------------------------------------------------------------------------------


def _keys_page(
    request: Request,
    error: str | None = None,
    name: str = "",
    status: int = 200,
    warnings: tuple[str, ...] = (),
) -> Response:
    records = ctx(request).key_store().all()
    return render(
        request,
        "keys.html",
        {
            "keys": records,
            "error": error,
            "form_name": name,
            "warnings": warnings,
            "revoke_notice": service.REVOKE_NOTICE,
        },
        status,
    )


@router.get("/keys")
def keys_page(request: Request, session: AdminSession) -> Response:
    return _keys_page(request)


@router.post("/keys")
def keys_register(
    request: Request,
    session: AdminSession,
    name: Annotated[str, Form(max_length=300)] = "",
    key: Annotated[str, Form(max_length=500)] = "",
    replaces: Annotated[str, Form(max_length=60)] = "",
) -> Response:
    context = ctx(request)
    try:
        result = _register(context, session, key, name, replaces)
    except (service.KeyRejected, service.KeyStoreError) as exc:
        return _keys_page(request, error=_refusal(exc), name=name, status=400)
    if result.warnings:
        return _keys_page(request, warnings=result.warnings)
    return RedirectResponse(f"{root(request)}/keys?notice=key_added", status_code=303)


@router.get("/keys/{key_id}")
def key_detail(request: Request, key_id: str, session: AdminSession) -> Response:
    store = ctx(request).key_store()
    try:
        record = store.get(key_id)
    except service.KeyStoreError:
        return render(request, "error.html", {"title": "No such key", "message": key_id}, 404)
    return render(
        request,
        "key_detail.html",
        {
            "key": record,
            "syncs": store.sync_history(key_id, limit=30),
            "events": list(reversed(list(store.events(key_id))))[:50],
            "revoke_notice": service.REVOKE_NOTICE,
        },
    )


@router.get("/keys/{key_id}/revoke")
def key_revoke_confirm(request: Request, key_id: str, session: AdminSession) -> Response:
    try:
        record = ctx(request).key_store().get(key_id)
    except service.KeyStoreError:
        return render(request, "error.html", {"title": "No such key", "message": key_id}, 404)
    return render(
        request, "key_revoke.html", {"key": record, "revoke_notice": service.REVOKE_NOTICE}
    )


@router.post("/keys/{key_id}/revoke")
def key_revoke(
    request: Request,
    key_id: str,
    session: AdminSession,
    confirm: Annotated[str, Form(max_length=60)] = "",
) -> Response:
    context = ctx(request)
    if confirm != key_id:
        record = context.key_store().get(key_id)
        return render(
            request,
            "key_revoke.html",
            {
                "key": record,
                "revoke_notice": service.REVOKE_NOTICE,
                "error": "Type the key id to confirm.",
            },
            400,
        )
    try:
        service.revoke(context.settings, key_id, actor=_actor(session))
    except service.KeyStoreError as exc:
        return _keys_page(request, error=_refusal(exc), status=400)
    context.audit.record(session.user.username, "key_revoke", key_id)
    return RedirectResponse(f"{root(request)}/keys?notice=key_revoked", status_code=303)


@router.post("/keys/{key_id}/validate")
def key_validate(request: Request, key_id: str, session: AdminSession) -> Response:
    context = ctx(request)
    try:
        service.validate(
            context.settings, key_id, actor=_actor(session), transport=context.api_transport
        )
    except (service.KeyRejected, service.KeyStoreError) as exc:
        context.audit.record(session.user.username, "key_validate", key_id, {"ok": False})
        return _keys_page(request, error=_refusal(exc), status=400)
    context.audit.record(session.user.username, "key_validate", key_id, {"ok": True})
    return RedirectResponse(f"{root(request)}/keys?notice=key_valid", status_code=303)


# -- JSON API -----------------------------------------------------------------------------


class KeyRegistration(BaseModel):
    name: str = Field(max_length=300)
    key: str = Field(max_length=500)
    replaces: str | None = Field(default=None, max_length=60)

    def __repr__(self) -> str:  # never show the key
        return f"KeyRegistration(name={self.name!r}, replaces={self.replaces!r})"

    __str__ = __repr__


def _error(message: str, status: int) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


@router.get("/api/keys")
def api_keys(request: Request, session: AdminSession) -> dict[str, Any]:
    return {"keys": [_public(r) for r in ctx(request).key_store().all()]}


@router.post("/api/keys", status_code=201)
def api_register(request: Request, body: KeyRegistration, session: AdminSession) -> Response:
    try:
        result = _register(ctx(request), session, body.key, body.name, body.replaces)
    except service.KeyRejected as exc:
        return _error(_refusal(exc), 400)
    except service.KeyStoreError as exc:
        return _error(_refusal(exc), 409)
    return JSONResponse(
        {"key": _public(result.record), "warnings": list(result.warnings)}, status_code=201
    )


@router.get("/api/keys/{key_id}")
def api_key(request: Request, key_id: str, session: AdminSession) -> Response:
    store = ctx(request).key_store()
    try:
        record = store.get(key_id)
    except service.KeyStoreError as exc:
        return _error(_refusal(exc), 404)
    syncs = [
        {
            "status": s.status,
            "error": s.error,
            "interval_start": s.interval_start.isoformat() if s.interval_start else None,
            "interval_end": s.interval_end.isoformat() if s.interval_end else None,
            "recorded_at": s.recorded_at.isoformat(),
        }
        for s in store.sync_history(key_id, limit=20)
    ]
    return JSONResponse({"key": _public(record), "syncs": syncs})


@router.post("/api/keys/{key_id}/validate")
def api_validate(request: Request, key_id: str, session: AdminSession) -> Response:
    context = ctx(request)
    try:
        record = service.validate(
            context.settings, key_id, actor=_actor(session), transport=context.api_transport
        )
    except service.KeyRevoked as exc:
        context.audit.record(session.user.username, "key_validate", key_id, {"ok": False})
        return _error(_refusal(exc), 409)
    except service.KeyStoreError as exc:
        return _error(_refusal(exc), 404)
    except service.KeyRejected as exc:
        context.audit.record(session.user.username, "key_validate", key_id, {"ok": False})
        return JSONResponse(
            {"error": _refusal(exc), "key": _public(context.key_store().get(key_id))},
            status_code=400,
        )
    context.audit.record(session.user.username, "key_validate", key_id, {"ok": True})
    return JSONResponse({"key": _public(record)})


@router.post("/api/keys/{key_id}/revoke")
def api_revoke(request: Request, key_id: str, session: AdminSession) -> Response:
    context = ctx(request)
    try:
        record = service.revoke(context.settings, key_id, actor=_actor(session))
    except service.KeyStoreError as exc:
        status = 404 if "no key" in str(exc) else 409
        return _error(_refusal(exc), status)
    context.audit.record(session.user.username, "key_revoke", key_id)
    return JSONResponse({"key": _public(record), "notice": service.REVOKE_NOTICE})
