"""Names holding sensitive values: planted in chat and project names as the API serves them."""

from __future__ import annotations

import httpx

from compliance_simulator import Simulator, scanned_input


def test_chat_and_project_names_carry_planted_values_at_their_offsets(
    sim: Simulator, client: httpx.Client
) -> None:
    named = [t for t in sim.truth() if t.source in ("chat_name", "project_name")]
    assert {t.source for t in named} == {"chat_name", "project_name"}
    assert len({t.category for t in named}) >= 5
    served: dict[str, str] = {}
    params: dict[str, str | int] = {"limit": 1000}
    while True:
        page = client.get("/v1/compliance/apps/chats", params=params).json()
        served.update({c["id"]: c["name"] for c in page["data"]})
        if not page["has_more"]:
            break
        params["after_id"] = page["last_id"]
    for plant in named:
        text = scanned_input(sim.data, plant.source, plant.source_id)
        assert text[plant.start : plant.end] == plant.value
        if plant.source == "chat_name":
            assert served[plant.source_id] == text
        else:
            body = client.get(f"/v1/compliance/apps/projects/{plant.source_id}").json()
            assert body["name"] == text
