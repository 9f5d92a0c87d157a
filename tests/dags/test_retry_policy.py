"""Which extract failures Airflow retries: outages that may pass, never a key that cannot work.

Each case drives the real `pipeline.extract` against the simulator in process, so the test
follows what the stage raises (a `PipelineError` whose context is the API's error), not a
hand-built exception.
"""

from __future__ import annotations

import dataclasses
import socket

import pytest

from claude_compliance import pipeline, runtime
from claude_compliance.orchestration import is_retryable
from claude_compliance.settings import Settings
from compliance_simulator import Simulator
from tests.sync.test_extract import DAYS

SCOPES = ["read:compliance_activities", "read:compliance_user_data", "read:compliance_org_data"]


def failure(settings: Settings, sim: Simulator, key: str, *, revoke: bool = False) -> BaseException:
    store = runtime.key_store(settings)
    record = store.add(key, name="k", scopes=[], organizations=[], actor="t")
    if revoke:
        store.revoke(record.key_id, actor="t")
    with pytest.raises(Exception) as info:
        pipeline.extract(settings, record.key_id, DAYS[0], transport=sim.transport())
    return info.value


@pytest.mark.parametrize("status", [500, 502, 503])
def test_a_server_error_the_client_gave_up_on_is_retried_later(
    settings: Settings, sim: Simulator, status: int
) -> None:
    sim.faults.add(status=status, should_retry=False, times=1000)
    assert is_retryable(failure(settings, sim, sim.keys.compliance))


def test_an_unreachable_api_is_retried_later(settings: Settings, sim: Simulator) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    unreachable = dataclasses.replace(settings, api_url=f"http://127.0.0.1:{port}")
    store = runtime.key_store(unreachable)
    record = store.add(sim.keys.compliance, name="k", scopes=[], organizations=[], actor="t")
    with pytest.raises(pipeline.PipelineError) as info:
        pipeline.extract(unreachable, record.key_id, DAYS[0])
    assert is_retryable(info.value)


def test_a_deactivated_key_is_not_retried(settings: Settings, sim: Simulator) -> None:
    key = sim.add_key(SCOPES)
    sim.deactivate_key(key)
    assert not is_retryable(failure(settings, sim, key))


@pytest.mark.parametrize("status", [400, 401, 404])
def test_an_answer_that_will_not_change_is_not_retried(
    settings: Settings, sim: Simulator, status: int
) -> None:
    sim.faults.add(status=status, times=1000)
    assert not is_retryable(failure(settings, sim, sim.keys.compliance))


def test_a_revoked_key_is_not_retried(settings: Settings, sim: Simulator) -> None:
    assert not is_retryable(failure(settings, sim, sim.keys.compliance, revoke=True))


def test_a_key_that_no_longer_decrypts_is_not_retried(settings: Settings, sim: Simulator) -> None:
    import sqlalchemy as sa

    store = runtime.key_store(settings)
    record = store.add(sim.keys.compliance, name="k", scopes=[], organizations=[], actor="t")
    with sa.create_engine(settings.state_db_url).begin() as conn:
        conn.execute(
            sa.text("update compliance_keys set ciphertext = 'gAAAAAtampered' where key_id = :k"),
            {"k": record.key_id},
        )
    with pytest.raises(pipeline.PipelineError) as info:
        pipeline.extract(settings, record.key_id, DAYS[0], transport=sim.transport())
    assert not is_retryable(info.value)
