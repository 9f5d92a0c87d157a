"""Make the simulator serve malformed text: lone surrogate escapes and NULs in its JSON.

The simulator encodes its responses strictly, so a lone surrogate in its data would break
the simulator, not the client. Tests therefore plant ASCII placeholders in the simulated
data, and a WSGI wrapper around the simulator's app turns them into the JSON escapes a real
API could send (`"\\ud83d"`, `"\\u0000"`) on the wire. The simulator's code is untouched.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

HIGH, LOW, NUL = "@@HIGH@@", "@@LOW@@", "@@NUL@@"
ESCAPES = {HIGH.encode(): rb"\ud83d", LOW.encode(): rb"\ude00", NUL.encode(): rb"\u0000"}
FFFD = "\ufffd"


class EscapingApp:
    """Wraps a WSGI app: placeholders in a JSON response become JSON escapes."""

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app

    def __getattr__(self, name: str) -> Any:
        return getattr(self.app, name)  # the wrapped app's requests, flags and faults

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        captured: list[tuple[str, list[tuple[str, str]]]] = []

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
            captured.append((status, list(headers)))

        chunks = self.app(environ, capture)
        status, headers = captured[-1]
        is_json = any(name.lower() == "content-type" and "json" in value for name, value in headers)
        if not is_json:
            start_response(status, headers)
            return chunks
        body = b"".join(chunks)
        for placeholder, escape in ESCAPES.items():
            body = body.replace(placeholder, escape)
        headers = [(n, v) for n, v in headers if n.lower() != "content-length"]
        start_response(status, [*headers, ("content-length", str(len(body)))])
        return [body]


@dataclass(frozen=True, slots=True)
class Planted:
    """Where the malformed text went, and what each value must read as in the lake."""

    chat_id: str
    chat_name: str
    message_id: str
    message_text: str
    file_id: str
    filename: str
    document_id: str | None
    activity_id: str
    activity_key: str


def serve_malformed(sim: Any, day: date) -> Planted:
    """Plant malformed text in the data of `day` and make `sim` serve it as JSON escapes.

    Call before `serve(sim)` (the server takes `sim.app` when it starts). Planted:
    - a chat name made only of lone high surrogates;
    - a user message whose first text block ends with a high surrogate and whose second
      starts with the matching low one: a surrogate pair split across two strings, plus
      a NUL inside the first block;
    - a lone high surrogate inside the name of that message's file, before its extension;
    - a lone low surrogate at the end of a project document of that day (if there is one);
    - an activity of that day whose record has a lone surrogate in a JSON key.
    """
    from compliance_simulator.model import TextBlock

    data = sim.data
    start = datetime.combine(day, datetime.min.time(), tzinfo=UTC)
    end = start + timedelta(days=1)
    message = next(
        m
        for m in sorted(data.messages.values(), key=lambda m: (m.created_at, m.id))
        if m.role == "user"
        and start <= m.created_at < end
        and m.file_ids
        and any(isinstance(b, TextBlock) for b in m.content)
        and data.chats_by_id.get(m.chat_id) is not None
        and data.chats_by_id[m.chat_id].deleted_at is None
    )
    first = next(b for b in message.content if isinstance(b, TextBlock))
    rest = tuple(b for b in message.content if b is not first)
    data.messages[message.id] = dataclasses.replace(
        message,
        content=(
            TextBlock(text=f"{first.text} {NUL} ends cut {HIGH}"),
            TextBlock(text=f"{LOW} continues"),
            *rest,
        ),
    )
    chat = data.chats_by_id[message.chat_id]
    data.chats[data.chats.index(chat)] = dataclasses.replace(chat, name=HIGH * 3)
    stored = data.files[message.file_ids[0]]
    stem, dot, suffix = stored.filename.rpartition(".")
    filename = f"{stem}{HIGH}{dot}{suffix}" if dot else f"{stored.filename}{HIGH}"
    data.files[stored.id] = dataclasses.replace(stored, filename=filename)

    document = next((d for d in data.documents.values() if start <= d.created_at < end), None)
    if document is not None:
        data.documents[document.id] = dataclasses.replace(
            document, content=f"{document.content}{LOW}"
        )

    template = next(a for a in data.activities if start <= a.created_at < end)
    activity = dataclasses.replace(
        template,
        id=f"{template.id}malformed",
        fields={**template.fields, f"note{HIGH}": "x"},
    )
    sim.feed.append(activity)

    data.reindex()
    sim._endpoints.reindex()  # the chat listing's own index (as Simulator.delete_chat does)
    sim.app = EscapingApp(sim.app)

    rendered_text = f"{first.text} {FFFD} ends cut {FFFD}\n{FFFD} continues" + "".join(
        f"\n{b.text}" for b in rest if isinstance(b, TextBlock)
    )
    return Planted(
        chat_id=chat.id,
        chat_name=FFFD * 3,
        message_id=message.id,
        message_text=rendered_text,
        file_id=stored.id,
        filename=filename.replace(HIGH, FFFD),
        document_id=document.id if document is not None else None,
        activity_id=activity.id,
        activity_key=f"note{FFFD}",
    )
