"""Issue 13 §2 and §8: the master and fingerprint secrets survive a failure at every step of
their lifecycle, and a lost one is a loud refusal, never a silent new one."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from typing import Any

import pyarrow as pa
import pytest
import sqlalchemy as sa

from claude_compliance import runtime
from claude_compliance.keys import service
from claude_compliance.keys.master import (
    FINGERPRINT_KEY_VAR,
    MASTER_KEY_VAR,
    fernet_of,
    fingerprint_secret,
    master_source,
)
from claude_compliance.lake.fs import write_table_atomic
from claude_compliance.settings import Settings, SettingsError

PLAINTEXTS = [f"sk-ant-api01-{c * 60}-{i}AA" for i, c in enumerate("abc")]


class InjectedFailure(OSError):
    pass


class StepCounter:
    """Counts the I/O steps of an operation and fails the `fail_at`-th one."""

    def __init__(self, fail_at: int) -> None:
        self.fail_at = fail_at
        self.steps = 0
        self.failed_step: str | None = None

    def wrap(self, name: str, real: Callable[..., Any]) -> Callable[..., Any]:
        def step(*args: Any, **kwargs: Any) -> Any:
            self.steps += 1
            if self.steps == self.fail_at:
                self.failed_step = name
                raise InjectedFailure(f"injected failure at step {self.steps} ({name})")
            return real(*args, **kwargs)

        return step


@pytest.fixture
def local_home(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """A home whose master key is the local `master.key` file, with three stored keys."""
    monkeypatch.delenv(MASTER_KEY_VAR)
    store = runtime.key_store(settings)
    for index, plaintext in enumerate(PLAINTEXTS):
        store.add(plaintext, name=f"k{index}", scopes=["activities"], organizations=[], actor="t")
    return settings


def _every_key_decrypts(settings: Settings) -> None:
    """A fresh process's view: the keys on disk now, and the ciphertexts in the DB."""
    store = runtime.key_store(settings)
    records = store.all()
    assert len(records) == len(PLAINTEXTS)
    assert sorted(store.reveal(r.key_id) for r in records) == sorted(PLAINTEXTS)


def _inject(monkeypatch: pytest.MonkeyPatch, counter: StepCounter) -> None:
    for name in ("open", "write", "fsync", "replace", "rename", "link", "unlink"):
        if hasattr(os, name):
            monkeypatch.setattr(os, name, counter.wrap(f"os.{name}", getattr(os, name)))
    real_execute = sa.engine.Connection.execute
    monkeypatch.setattr(sa.engine.Connection, "execute", counter.wrap("sql execute", real_execute))


class TestRotateMasterSurvivesAFailureAtEveryStep:
    def test_every_key_stays_decryptable(
        self, local_home: Settings, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        failed: list[str] = []
        for fail_at in range(1, 200):
            counter = StepCounter(fail_at)
            with monkeypatch.context() as patch:
                _inject(patch, counter)
                try:
                    service.rotate_master(local_home, actor="t")
                except InjectedFailure as exc:  # the one failure injected, nothing else
                    assert counter.failed_step is not None, exc
            if counter.failed_step is None:  # the rotation ran to the end: every step covered
                break
            failed.append(counter.failed_step)
            _every_key_decrypts(local_home)
        else:
            pytest.fail("rotate-master never completed")
        assert {"os.open", "os.write", "os.fsync", "os.replace", "sql execute"} <= set(failed)
        _every_key_decrypts(local_home)
        leftovers = [p.name for p in local_home.home.iterdir() if p.name.endswith(".tmp")]
        assert leftovers == []

    def test_the_new_key_is_on_disk_before_any_ciphertext_uses_it(
        self, local_home: Settings, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Kill the process at the first SQL write: the file must already hold the new key
        and the old one, durably (fsynced file and directory)."""
        synced: list[str] = []
        real_fsync = os.fsync

        def fsync(fd: int) -> None:
            synced.append(os.readlink(f"/proc/self/fd/{fd}"))
            real_fsync(fd)

        def crash(self: sa.engine.Connection, statement: Any, *args: Any, **kwargs: Any) -> Any:
            if getattr(statement, "is_dml", False) and statement.is_update:
                raise InjectedFailure("killed before the re-encryption")
            return real_execute(self, statement, *args, **kwargs)

        real_execute = sa.engine.Connection.execute
        monkeypatch.setattr(os, "fsync", fsync)
        monkeypatch.setattr(sa.engine.Connection, "execute", crash)
        with pytest.raises(InjectedFailure):
            service.rotate_master(local_home, actor="t")
        monkeypatch.undo()
        keys = (local_home.home / "master.key").read_text().strip().split(",")
        assert len(keys) == 2  # new first, old kept
        assert str(local_home.home) in synced  # the rename itself was made durable
        _every_key_decrypts(local_home)
        # A later rotation completes, and the keys are encrypted under its new key.
        service.rotate_master(local_home, actor="t")
        _every_key_decrypts(local_home)


class TestALostSecretIsALoudRefusal:
    def test_missing_master_key_with_stored_keys(
        self, local_home: Settings, caplog: pytest.LogCaptureFixture
    ) -> None:
        key_file = local_home.home / "master.key"
        key_file.unlink()
        for attempt in (
            lambda: runtime.key_store(local_home),
            lambda: service.rotate_master(local_home, actor="t"),
        ):
            with pytest.raises(SettingsError) as caught:
                attempt()
            message = str(caught.value)
            assert str(key_file) in message and "backup" in message
            assert "3" in message  # how many keys depend on it
            assert not key_file.exists()

    def test_missing_fingerprint_key_with_findings_in_the_lake(
        self, settings: Settings, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.delenv(FINGERPRINT_KEY_VAR)
        first = fingerprint_secret(settings)  # generated on the empty home
        assert fingerprint_secret(settings) == first
        finding = settings.lake_dir / "dlp" / "findings" / "key=ck_1" / "dt=2026-11-19"
        write_table_atomic(finding / "part-x.parquet", pa.table({"a": [1]}))
        (finding / "_manifest-x.json").write_text("{}")
        key_file = settings.home / "fingerprint.key"
        key_file.unlink()
        with pytest.raises(SettingsError) as caught:
            runtime.scan_engine(settings)
        assert str(key_file) in str(caught.value) and "backup" in str(caught.value)
        assert not key_file.exists()

    @pytest.mark.parametrize("content", ["", "\n", "   ", "short", "not,a,fernet,key", "\x00" * 8])
    def test_an_empty_or_damaged_master_key_file(
        self, settings: Settings, monkeypatch: pytest.MonkeyPatch, content: str
    ) -> None:
        monkeypatch.delenv(MASTER_KEY_VAR)
        key_file = settings.home / "master.key"
        key_file.write_text(content)
        with pytest.raises(SettingsError) as caught:
            master_source(settings)
        assert str(key_file) in str(caught.value)
        assert key_file.read_text() == content  # never overwritten

    @pytest.mark.parametrize("content", ["", "\n", "too-short-secret"])
    def test_an_empty_or_short_fingerprint_key_file(
        self, settings: Settings, monkeypatch: pytest.MonkeyPatch, content: str
    ) -> None:
        monkeypatch.delenv(FINGERPRINT_KEY_VAR)
        key_file = settings.home / "fingerprint.key"
        key_file.write_text(content)
        with pytest.raises(SettingsError) as caught:
            fingerprint_secret(settings)
        assert str(key_file) in str(caught.value)


class TestFirstStartGeneratesAtomically:
    def test_an_empty_home_gets_both_secrets_with_a_warning(
        self, settings: Settings, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
    ) -> None:
        monkeypatch.delenv(MASTER_KEY_VAR)
        monkeypatch.delenv(FINGERPRINT_KEY_VAR)
        with caplog.at_level(logging.WARNING):
            source = master_source(settings)
            secret = fingerprint_secret(settings)
        assert source.kind == "local_file" and len(source.keys) == 1
        assert len(secret) >= 32
        for name in ("master.key", "fingerprint.key"):
            path = settings.home / name
            assert path.stat().st_mode & 0o777 == 0o600
            assert name in caplog.text
        assert master_source(settings).keys == source.keys
        assert fingerprint_secret(settings) == secret

    @pytest.mark.parametrize("which", ["master.key", "fingerprint.key"])
    def test_a_failed_first_write_leaves_no_file(
        self, settings: Settings, monkeypatch: pytest.MonkeyPatch, which: str
    ) -> None:
        monkeypatch.delenv(MASTER_KEY_VAR)
        monkeypatch.delenv(FINGERPRINT_KEY_VAR)

        def make() -> None:
            """Load the secret and prove it usable."""
            if which == "master.key":
                fernet_of(master_source(settings).keys)
            else:
                assert len(fingerprint_secret(settings)) >= 32

        for fail_at in range(1, 50):
            counter = StepCounter(fail_at)
            with monkeypatch.context() as patch:
                for name in ("open", "fdopen", "write", "fsync", "link", "replace"):
                    patch.setattr(os, name, counter.wrap(name, getattr(os, name)))
                try:
                    make()
                except InjectedFailure as exc:
                    assert counter.failed_step is not None, exc
            if counter.failed_step is None:
                break
            path = settings.home / which
            # Either no file at all, or a whole one: never an empty or partial secret.
            if path.exists():
                make()  # readable as is
                break
            assert [p.name for p in settings.home.iterdir() if p.name.endswith(".tmp")] == []
        make()
