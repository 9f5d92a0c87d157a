"""Filler text for the synthetic organization: prose, code, logs, CSV, config and tickets.

Filler never contains anything a DLP detector should report (no e-mail addresses, IP
addresses, phone-like digit runs, key-like tokens or credentials), so the truth file built
from the planted values is exact. Some filler is deliberately non-ASCII so that character
offsets and byte offsets differ.
"""

from __future__ import annotations

import random

SERVICES = (
    "ingest-worker",
    "billing-api",
    "search-indexer",
    "auth-gateway",
    "report-builder",
    "notification-service",
    "inventory-sync",
    "checkout",
    "etl-nightly",
    "ml-scorer",
)
TOPICS = (
    "retry logic",
    "pagination",
    "a flaky integration test",
    "the quarterly report",
    "a Terraform plan",
    "our onboarding guide",
    "a customer escalation",
    "query performance",
    "a data migration",
    "the incident postmortem",
    "feature flags",
    "caching headers",
    "the release checklist",
    "a pricing page rewrite",
    "log retention",
    "a vendor contract",
)
TEAMS = ("platform", "payments", "data", "support", "growth", "security", "finance", "legal")
REGIONS = ("EMEA", "APAC", "NA", "LATAM")
PRODUCTS = ("Starter plan", "Team plan", "Enterprise add-on", "Support bundle", "Data export")
MODELS = ("claude-opus-5", "claude-sonnet-5", "claude-haiku-4-5")
UNICODE_BITS = (
    "naïve",
    "café",
    "résumé",
    "façade",
    "Zürich office",
    "São Paulo team",
    "déjà vu",
    "coördination",
    "→",
    "—",
    "✅",
    "½ day",
)

_OPENERS = (
    "Can you help me with {topic}?",
    "Quick question about {topic}.",
    "I'm stuck on {topic} for the {team} team.",
    "Could you review {topic} before I ship it?",
    "We need a plan for {topic} by Thursday.",
    "Please summarise {topic} in plain words.",
    "What is the cleanest way to handle {topic} in {service}?",
)
_DETAILS = (
    "It worked last week, but since the upgrade it fails about one run in five.",
    "The {team} team wants fewer moving parts, so keep it simple.",
    "Latency went from 120 ms to roughly 900 ms after the change.",
    "I'd rather not add another dependency if we can avoid it.",
    "The {unicode} part is what confuses everyone in review.",
    "We already tried bumping the timeout, it only hid the problem.",
    "Our {region} customers noticed first, the others a day later.",
    "There is a {unicode} note in the doc that nobody can explain.",
    "Please keep the tone friendly; this goes to the whole {team} group.",
    "Assume the reader has not seen the previous thread.",
)
_CLOSERS = (
    "Thanks!",
    "Short answer is fine.",
    "Bullet points please.",
    "What would you do?",
    "Happy to share more context.",
    "",
)

_PY = '''def {fn}(items, batch_size={n}):
    """Process items in batches for {service}."""
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) >= batch_size:
            yield {fn2}(batch)
            batch = []
    if batch:
        yield {fn2}(batch)
'''
_SQL = """SELECT region, product, SUM(quantity) AS units, AVG(unit_price) AS avg_price
FROM {team}_orders
WHERE order_date >= DATE '2026-01-01'
GROUP BY region, product
HAVING SUM(quantity) > {n}
ORDER BY units DESC;
"""
_JS = """export async function {fn}(client, opts = {{}}) {{
  const res = await client.get("/v1/{team}/items", {{ params: {{ limit: {n} }} }});
  if (!res.ok) throw new Error(`{service} failed: ${{res.status}}`);
  return res.data.items.map((x) => ({{ ...x, seen: true }}));
}}
"""
_YAML = """service: {service}
replicas: {r}
resources:
  cpu: "{cpu}m"
  memory: "{mem}Mi"
retry:
  max_attempts: {a}
  backoff_seconds: {b}
features:
  new_checkout: {flag}
"""
_TICKET = """Ticket #{t} — {product} ({region})
Priority: {prio}
Summary: customer reports that {topic} stopped working after the last release.
Steps: open the dashboard, pick last week, export. The export stays at "pending".
Customer mood: {mood}. Wants an update by end of day.
"""


def sentence(rng: random.Random, template: str) -> str:
    return template.format(
        topic=rng.choice(TOPICS),
        team=rng.choice(TEAMS),
        service=rng.choice(SERVICES),
        region=rng.choice(REGIONS),
        unicode=rng.choice(UNICODE_BITS),
    )


def prose(rng: random.Random, details: int = 2) -> str:
    parts = [sentence(rng, rng.choice(_OPENERS))]
    parts += [sentence(rng, rng.choice(_DETAILS)) for _ in range(details)]
    closer = rng.choice(_CLOSERS)
    return " ".join(parts + ([closer] if closer else []))


def _identifier(rng: random.Random) -> str:
    return (
        rng.choice(("process", "load", "fetch", "merge", "score", "flush"))
        + "_"
        + rng.choice(("batch", "orders", "events", "rows", "pages", "records"))
    )


def code(rng: random.Random) -> str:
    kind = rng.randrange(3)
    fields = {
        "fn": _identifier(rng),
        "fn2": _identifier(rng),
        "n": rng.randint(10, 500),
        "service": rng.choice(SERVICES),
        "team": rng.choice(TEAMS),
    }
    if kind == 0:
        return "```python\n" + _PY.format(**fields) + "```"
    if kind == 1:
        return "```sql\n" + _SQL.format(**fields) + "```"
    return "```javascript\n" + _JS.format(**fields) + "```"


def log_lines(rng: random.Random, lines: int = 6, day: str = "2026-03-04") -> str:
    out = []
    for _ in range(lines):
        level = rng.choice(("INFO", "INFO", "INFO", "WARN", "ERROR"))
        service = rng.choice(SERVICES)
        event = rng.choice(
            (
                f"processed batch {rng.randint(1, 400)} in {rng.randint(3, 900)}ms",
                f"retrying request attempt={rng.randint(1, 5)}",
                f"queue depth {rng.randint(0, 5000)}",
                "upstream timeout after 30s",
                "cache miss ratio 0.42",
                f"worker {rng.randint(1, 16)} restarted",
            )
        )
        stamp = f"{day}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}Z"
        out.append(f"{stamp} {level:<5} {service}-{rng.randint(1, 9)} {event}")
    return "\n".join(out)


def csv_table(rng: random.Random, rows: int = 6) -> str:
    out = ["region,product,units,unit_price,currency"]
    for _ in range(rows):
        out.append(
            f"{rng.choice(REGIONS)},{rng.choice(PRODUCTS)},{rng.randint(1, 900)},"
            f"{rng.randint(5, 400)}.{rng.randint(0, 99):02d},{rng.choice(('EUR', 'USD'))}"
        )
    return "\n".join(out)


def config(rng: random.Random) -> str:
    return _YAML.format(
        service=rng.choice(SERVICES),
        r=rng.randint(1, 12),
        cpu=rng.choice((250, 500, 1000)),
        mem=rng.choice((256, 512, 1024)),
        a=rng.randint(2, 6),
        b=rng.randint(1, 30),
        flag=rng.choice(("true", "false")),
    )


def ticket(rng: random.Random) -> str:
    return _TICKET.format(
        t=rng.randint(10000, 99999),
        product=rng.choice(PRODUCTS),
        region=rng.choice(REGIONS),
        prio=rng.choice(("P1", "P2", "P3")),
        topic=rng.choice(TOPICS),
        mood=rng.choice(("calm", "frustrated", "patient")),
    )


def user_turn(rng: random.Random) -> str:
    """A realistic user input: a question, often with pasted code, logs, CSV, config or a ticket."""
    head = prose(rng, details=rng.randint(0, 3))
    roll = rng.random()
    if roll < 0.45:
        return head
    paste = rng.choice((code, log_lines, csv_table, config, ticket))(rng)
    return f"{head}\n\n{paste}"


def assistant_turn(rng: random.Random) -> str:
    steps = [sentence(rng, rng.choice(_DETAILS)) for _ in range(rng.randint(1, 3))]
    body = "Here is how I would approach it:\n\n" + "\n".join(
        f"{i}. {s}" for i, s in enumerate(steps, 1)
    )
    if rng.random() < 0.3:
        body += "\n\n" + code(rng)
    return body + "\n\nLet me know if you want me to go deeper on any step."


def chat_title(rng: random.Random) -> str:
    return rng.choice(
        ("Help with ", "Review of ", "Notes on ", "Plan for ", "Question about ")
    ) + rng.choice(TOPICS)


def project_name(rng: random.Random) -> str:
    kind = rng.choice(("Runbooks", "Knowledge Base", "Assistant", "Playbook", "Research"))
    return f"{rng.choice(TEAMS).title()} {kind}"


def project_description(rng: random.Random) -> str:
    return (
        f"Shared workspace for the {rng.choice(TEAMS)} team: {rng.choice(TOPICS)}, "
        f"{rng.choice(TOPICS)} and day-to-day questions about {rng.choice(SERVICES)}."
    )


def project_instructions(rng: random.Random) -> str:
    return (
        "You are an assistant for the " + rng.choice(TEAMS) + " team. Answer concisely, cite the "
        "attached runbooks when relevant, and flag anything that needs a human decision. "
        "Prefer bullet points. " + sentence(rng, rng.choice(_DETAILS))
    )


def document(rng: random.Random, paragraphs: int = 3) -> str:
    title = f"# {rng.choice(TOPICS).capitalize()} — {rng.choice(TEAMS)} runbook\n\n"
    body = "\n\n".join(prose(rng, details=3) for _ in range(paragraphs))
    if rng.random() < 0.5:
        body += "\n\n" + rng.choice((config, code, log_lines))(rng)
    return title + body + "\n"


def big_log(rng: random.Random, size: int) -> str:
    """A large, plain log (for client size caps); built by repetition so it is cheap."""
    block = log_lines(rng, lines=200) + "\n"
    return (block * (size // len(block) + 1))[:size]
