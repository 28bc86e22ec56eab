"""ui.server: the process's housekeeping."""

from ui import server


def test_garbage_is_collected_at_most_every_gc_every_seconds(monkeypatch):
    collections = []
    monkeypatch.setattr(server.gc, "collect", lambda: collections.append(1))
    clock = server._process_setup()
    clock["last_collection"] = server.time.monotonic() - server.GC_EVERY - 1
    server.collect_garbage_now_and_then()
    server.collect_garbage_now_and_then()  # straight after: not again
    assert len(collections) == 1
    clock["last_collection"] -= server.GC_EVERY
    server.collect_garbage_now_and_then()
    assert len(collections) == 2
