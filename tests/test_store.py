"""ui.store: the runs kept on disk, bounded in time and size, written atomically."""

import os
import time

import pytest

from ui import store


def test_a_token_is_unguessable_and_only_a_token_names_a_file(tmp_path):
    tokens = {store.new_token() for _ in range(100)}
    assert len(tokens) == 100 and all(store.is_token(t) and len(t) == 32 for t in tokens)
    runs = store.RunStore(tmp_path)
    for bad in ("../etc/passwd", "", "x" * 31, "a/b" + "c" * 29, None):
        assert runs.load(bad) is None
        with pytest.raises(ValueError, match="not a run token"):
            runs.save(bad, b"data")


def test_a_run_comes_back_until_its_time_to_live_passes(tmp_path):
    runs = store.RunStore(tmp_path, ttl=60)
    token = store.new_token()
    runs.save(token, b"weights")
    assert runs.load(token) == b"weights"
    old = time.time() - 61
    os.utime(tmp_path / f"{token}.npz", (old, old))
    assert runs.load(token) is None and not (tmp_path / f"{token}.npz").exists()
    assert runs.load(store.new_token()) is None  # unknown


def test_the_size_cap_removes_the_oldest_first(tmp_path):
    runs = store.RunStore(tmp_path, max_bytes=2500)
    tokens = [store.new_token() for _ in range(4)]
    for age, token in zip((40, 30, 20, 10), tokens):
        runs.save(token, b"x" * 1000)
        then = time.time() - age
        os.utime(tmp_path / f"{token}.npz", (then, then))
    assert runs.prune() == 2
    assert [runs.load(t) is not None for t in tokens] == [False, False, True, True]


def test_a_write_that_fails_halfway_leaves_the_previous_copy(tmp_path, monkeypatch):
    runs = store.RunStore(tmp_path)
    token = store.new_token()
    runs.save(token, b"first")

    def crash(*args):
        raise OSError("disk full")

    monkeypatch.setattr(store.os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        runs.save(token, b"second, never finished")
    assert runs.load(token) == b"first"
    assert [p.name for p in tmp_path.iterdir()] == [f"{token}.npz"]  # no half-written file left


def test_an_unwritable_folder_raises_oserror_for_the_caller_to_report(tmp_path):
    target = tmp_path / "file-not-folder"
    target.write_text("in the way")
    with pytest.raises(OSError):
        store.RunStore(target / "runs").save(store.new_token(), b"data")


def test_the_folder_and_bounds_come_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv(store.STORE_ENV_VAR, str(tmp_path / "shared"))
    monkeypatch.setenv(store.DAYS_ENV_VAR, "2")
    monkeypatch.setenv(store.MEGABYTES_ENV_VAR, "5")
    runs = store.RunStore()
    assert runs.folder == tmp_path / "shared" and runs.ttl == 2 * 86400 and runs.max_bytes == 5 * 2**20


def test_a_runs_parts_are_kept_removed_and_pruned_with_it(tmp_path):
    runs = store.RunStore(tmp_path, ttl=60)
    token, other = store.new_token(), store.new_token()
    runs.save(token, b"head")
    runs.save(token, b"snapshot", "s10")
    runs.save(token, b"ledger", "ledger")
    runs.save(other, b"head")
    assert runs.parts(token) == {"s10", "ledger"} and runs.parts(other) == set()
    assert runs.load(token, "s10") == b"snapshot" and runs.load(token, "s11") is None
    runs.remove(token, "s10")
    assert runs.parts(token) == {"ledger"}
    for bad in ("../x", "S1", "a.b", ""):
        assert runs.load(token, bad) is None
        with pytest.raises(ValueError):
            runs.save(token, b"x", bad)
    # a part written long ago lives as long as its run is fresh, and goes with it
    runs.save(token, b"snapshot", "s20")
    old = time.time() - 61
    os.utime(tmp_path / f"{token}.s20.npz", (old, old))
    assert runs.prune() == 0 and runs.load(token, "s20") == b"snapshot"
    for path in tmp_path.glob(f"{token}*"):
        os.utime(path, (old, old))
    assert runs.prune() == 3 and runs.parts(token) == set() and runs.load(other) == b"head"


def test_the_size_cap_removes_a_whole_run_with_its_parts(tmp_path):
    runs = store.RunStore(tmp_path, max_bytes=2000)
    first, second = store.new_token(), store.new_token()
    runs.save(first, b"x" * 800)
    runs.save(first, b"x" * 800, "s1")
    runs.save(second, b"x" * 800)
    then = time.time() - 100
    for path in tmp_path.glob(f"{first}*"):
        os.utime(path, (then, then))
    assert runs.prune() == 2
    assert runs.load(first) is None and runs.parts(first) == set() and runs.load(second) is not None
