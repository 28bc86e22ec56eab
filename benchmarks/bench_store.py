"""What saving a learner's run costs while Play is on, against what a Play tick costs.

A save (``run_to_bytes`` and an atomic write to the run store) happens at most every SAVE_EVERY
seconds while playing; a tick comes every PLAY_INTERVAL seconds. Printed: the save, the tick's
server work (5 steps and the charts the tick's redraw budget rebuilds, as ``live.shown_now``
builds them), and the save's share of the ticks it is spread over (target: under 5%).

    python benchmarks/bench_store.py
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nn_core import load_dataset  # noqa: E402
from nn_core.io import run_to_bytes  # noqa: E402
from ui import live, pacing, persistence, store  # noqa: E402
from ui.settings import Settings, build_trainer  # noqa: E402


def median_ms(action, times: int = 20) -> float:
    action()
    samples = []
    for _ in range(times):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return 1000 * statistics.median(samples)


def main() -> None:
    data = load_dataset("mnist-5k")
    trainer = build_trainer(Settings(), data)
    trainer.epoch()  # a run with some history: one epoch's
    runs = store.RunStore(Path(tempfile.mkdtemp(prefix="bench-runs-")))
    token = store.new_token()
    size = len(run_to_bytes(trainer))
    save = median_ms(lambda: runs.save(token, run_to_bytes(trainer, {"dataset": "mnist-5k"})))
    session: dict = {}
    live.state.st.session_state = session  # the chart cache lives in "session state": a plain dict here
    live.selections.sample_index = lambda: 0

    def tick() -> None:
        trainer.step(5)
        live.shown_now(trainer, playing=True)

    tick_ms = median_ms(tick, times=40)
    ticks_per_save = persistence.SAVE_EVERY / pacing.PLAY_INTERVAL
    share = save / (ticks_per_save * tick_ms)
    print(f"a run of the default network after one epoch: {size / 1024:.0f} kB")
    print(f"save (run_to_bytes + atomic write): {save:6.1f} ms, median of 20")
    print(f"Play tick, server work (5 steps + the charts it rebuilds): {tick_ms:6.1f} ms, median of 40")
    print(
        f"one save every {persistence.SAVE_EVERY:g} s = every {ticks_per_save:.0f} ticks: "
        f"{100 * share:.1f}% of the ticks' time on average   (target < 5%)"
    )


if __name__ == "__main__":
    main()
