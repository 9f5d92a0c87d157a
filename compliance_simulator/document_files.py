"""Uploads that are documents: Word, Excel, PowerPoint, PDF, OpenDocument, RTF and ZIP files
holding planted values, text that only looks binary by its name or type, and the documents no
scanner can read (images, password-protected, broken, archive bombs).

Each readable document is built from a composed text with one planted value; the ground truth
points into that text (`StoredFile.text`), since an extractor lays the same words out its own
way. Runs after everything else, from its own random stream, so every other record stays as
it was; the documents are attached to existing user messages (and two to projects) at times
the interval rule finds them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass

from . import documents, sensitive
from .config import SimConfig
from .ids import IdFactory
from .model import Message, SimData, StoredFile, User
from .sensitive import Secret, compose
from .truth import Planted

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
OCTET = "application/octet-stream"

Builder = Callable[[str], bytes]


@dataclass(frozen=True, slots=True)
class _Readable:
    filename: str
    mime_type: str
    kind: str  # sensitive.PLANT_KINDS key
    build: Builder


@dataclass(frozen=True, slots=True)
class _Unreadable:
    """A document no scanner can read, and the reason it must be recorded with."""

    filename: str
    mime_type: str
    reason: str
    build: Callable[[], bytes]


def _docx(text: str) -> bytes:
    return documents.docx(["Master services agreement, draft 3.", text], header="Confidential")


def _xlsx(text: str) -> bytes:
    return documents.xlsx(
        {"Summary": {"A1": "Quarter", "B1": "Total"}, "Payroll": {"A1": "note", "B2": text}}
    )


def _pptx(text: str) -> bytes:
    return documents.pptx(["Q3 roadmap", "Milestones and owners"], notes=[None, text])


def _pdf(text: str) -> bytes:
    return documents.pdf(["Statement of account", "Details follow.\n" + text, "End."])


def _zip(text: str) -> bytes:
    return documents.zip_archive(
        {
            "README.txt": "Handover package for the platform team.\n",
            "config/.env": text + "\n",
            "docs/overview.docx": documents.docx(["Architecture overview, no secrets here."]),
        }
    )


READABLE: tuple[_Readable, ...] = (
    _Readable("contract.docx", DOCX, "ssn", _docx),
    _Readable("payroll.xlsx", XLSX, "credit_card", _xlsx),
    _Readable("roadmap.pptx", PPTX, "anthropic_api03", _pptx),
    _Readable("statement.pdf", "application/pdf", "email", _pdf),
    _Readable("minutes.odt", "application/vnd.oasis.opendocument.text", "phone", documents.odt),
    _Readable("letter.rtf", "application/rtf", "aws", documents.rtf),
    _Readable("handover.zip", "application/zip", "password_env", _zip),
    # The API stores Word, PowerPoint and some PDFs as extracted text under the original name
    # and type (spec §5.3): the bytes are text, whatever the name says.
    _Readable("quarterly-review.docx", DOCX, "github", lambda t: t.encode()),
    _Readable("dump.bin", OCTET, "stripe", lambda t: t.encode()),
    _Readable("id_rsa", OCTET, "private_key", lambda t: t.encode()),
)

UNREADABLE: tuple[_Unreadable, ...] = (
    _Unreadable("photo.jpg", "image/jpeg", "image", documents.jpeg),
    _Unreadable(
        "scan.pdf",
        "application/pdf",
        "encrypted",
        lambda: documents.pdf(["salary review"], user_password="s3cret"),  # noqa: S106 - a test PDF's password
    ),
    _Unreadable("board-minutes.docx", DOCX, "encrypted", documents.ooxml_encrypted),
    _Unreadable(
        "broken.docx", DOCX, "extraction_failed", lambda: documents.docx(["truncated"])[:700]
    ),
    _Unreadable("loop.pdf", "application/pdf", "extraction_failed", documents.pdf_loop),
    _Unreadable("backup.zip", "application/zip", "oversize", documents.zip_bomb_nested),
    _Unreadable("logs.zip", "application/zip", "oversize", documents.zip_large_member),
)
PROJECT_READABLE = (
    _Readable("spec.pdf", "application/pdf", "ssn", _pdf),
    _Readable("budget.xlsx", XLSX, "credit_card", _xlsx),
)


def add_documents(config: SimConfig, data: SimData) -> list[Planted]:
    """Attach every document kind to user messages (and two to projects); returns the truth."""
    if config.plant_rate <= 0:
        return []
    rng = random.Random(f"{config.seed}-documents")  # noqa: S311 - reproducible synthetic data
    ids = IdFactory(f"{config.seed}-documents")
    live = {c.id: c for c in data.chats if c.deleted_at is None}
    turns = sorted(
        (m for m in data.messages.values() if m.role == "user" and m.chat_id in live),
        key=lambda m: (m.created_at, m.id),
    )
    if not turns:
        return []
    users = {u.id: u for u in data.users}
    planted: list[Planted] = []
    attached: dict[str, list[str]] = {}
    specs: tuple[_Readable | _Unreadable, ...] = (*READABLE, *UNREADABLE)
    for spec in specs:
        message = rng.choice(turns)
        chat = live[message.chat_id]
        uploaded = message.created_at - dt.timedelta(seconds=rng.randint(3, 40))
        file_id = ids.tagged("claude_file_")
        if isinstance(spec, _Readable):
            text, value = _composed(rng, spec.kind)
            content = spec.build(text)
            planted.extend(
                _truth(
                    value,
                    "chat_file",
                    file_id,
                    chat.id,
                    chat.project_id,
                    users,
                    chat.user_id,
                    uploaded,
                )
            )
        else:
            text, content = None, spec.build()
        data.files[file_id] = StoredFile(
            id=file_id,
            uuid=ids.uuid(),
            filename=spec.filename,
            mime_type=spec.mime_type,
            created_at=uploaded,
            content=content,
            user_id=chat.user_id,
            organization_uuid=chat.organization_uuid,
            chat_id=chat.id,
            message_id=message.id,
            text=text,
        )
        attached.setdefault(message.id, []).append(file_id)
        data.document_file_ids.add(file_id)
    for message_id, file_ids in attached.items():
        turn: Message = data.messages[message_id]
        data.messages[message_id] = dataclasses.replace(turn, file_ids=(*turn.file_ids, *file_ids))
    projects = [p for p in data.projects if p.deleted_at is None]
    for spec, project in zip(
        PROJECT_READABLE, rng.sample(projects, k=min(2, len(projects))), strict=False
    ):
        # Inside the interval of the project's last change, so that interval lists it.
        uploaded = max(project.created_at, project.updated_at - dt.timedelta(minutes=1))
        file_id = ids.tagged("claude_file_")
        text, value = _composed(rng, spec.kind)
        data.files[file_id] = StoredFile(
            id=file_id,
            uuid=ids.uuid(),
            filename=spec.filename,
            mime_type=spec.mime_type,
            created_at=uploaded,
            content=spec.build(text),
            user_id=project.user_id,
            organization_uuid=project.organization_uuid,
            project_id=project.id,
            text=text,
        )
        data.document_file_ids.add(file_id)
        planted.extend(
            _truth(
                value, "project_file", file_id, None, project.id, users, project.user_id, uploaded
            )
        )
    return planted


@dataclass(frozen=True, slots=True)
class _Value:
    category: str
    value: str
    start: int
    end: int


def _composed(rng: random.Random, kind: str) -> tuple[str, list[_Value]]:
    filler = rng.choice(
        (
            "Notes from the Tuesday sync; action items below.",
            "Please review before the audit on Friday.",
            "Exported from the shared drive for the handover.",
        )
    )
    text, marks = compose([filler, "\n\n", *sensitive.PLANT_KINDS[kind](rng)])
    values = [
        _Value(m.part.category, m.part.value, m.start, m.end)
        for m in marks
        if isinstance(m.part, Secret)
    ]
    return text, values


def _truth(
    values: list[_Value],
    source: str,
    source_id: str,
    chat_id: str | None,
    project_id: str | None,
    users: dict[str, User],
    user_id: str,
    at: dt.datetime,
) -> list[Planted]:
    user = users[user_id]
    return [
        Planted(
            category=v.category,
            value=v.value,
            source=source,
            source_id=source_id,
            chat_id=chat_id,
            project_id=project_id,
            user_id=user_id,
            organization_uuid=user.organization_uuid,
            occurred_at=at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            start=v.start,
            end=v.end,
        )
        for v in values
    ]
