"""The BLAS threads a training step uses: one for small batches, two from 64 rows up, where
splitting a matrix product between two cores pays for itself (benchmarks/bench_train.py, 2-core
machine). One thread or two sum in another order, so the count follows the batch size step by
step: a replay must give the same weights bit for bit."""

from __future__ import annotations

import contextlib
import functools

from threadpoolctl import ThreadpoolController


@functools.cache
def _controller() -> ThreadpoolController:
    # Finding the BLAS libraries takes ~0.2 ms; a kept controller limits threads in microseconds.
    return ThreadpoolController()


def blas_threads_for(batch_size: int) -> int:
    """BLAS threads for a step at this batch size."""
    return 1 if batch_size < 64 else 2


class BlasThreads(contextlib.ExitStack):
    """``with BlasThreads() as threads:`` ... ``threads.hold(n)`` before each step: the limit
    changes only when ``n`` does, and the old count comes back at the end."""

    held: int | None = None

    def hold(self, threads: int) -> None:
        if threads != self.held:
            self.close()
            self.enter_context(_controller().limit(limits=threads, user_api="blas"))
            self.held = threads
