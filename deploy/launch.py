"""Start N app processes on consecutive ports, for a classroom behind nginx (deploy/nginx.conf).

    python deploy/launch.py --processes 4 --port 8501 --store /srv/nn-digits/runs \
        --upstream /etc/nginx/nn-digits-upstream.conf

Each process runs ``streamlit run app.py`` on 127.0.0.1 with ``MALLOC_ARENA_MAX=2`` (glibc
otherwise gives each of Streamlit's script threads a memory arena of its own: half the memory
per learner with it, and freed memory goes back) and the same run store (``NN_DIGITS_STORE``), so a
reload that reaches another process finds the learner's network. ``--upstream`` writes the
``upstream`` block nginx includes. The launcher waits; Ctrl-C or SIGTERM stops every process.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def upstream_block(ports: list[int], name: str = "nn_digits") -> str:
    servers = "\n".join(f"    server 127.0.0.1:{port} max_fails=1 fail_timeout=5s;" for port in ports)
    # A learner's session lives in one process: each browser is sent to one process by a cookie
    # (nginx.conf sets it), not by its address, since a whole classroom often shares one address.
    return f"upstream {name} {{\n    hash $nn_route consistent;\n{servers}\n}}\n"


def start(port: int, store: str, ttl_seconds: int, extra_env: dict | None = None) -> subprocess.Popen:
    env = {**os.environ, "MALLOC_ARENA_MAX": "2", "NN_DIGITS_STORE": store, **(extra_env or {})}
    command = [
        sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--server.headless", "true",
        "--server.fileWatcherType", "none",
        "--browser.gatherUsageStats", "false",
        "--server.disconnectedSessionTTL", str(ttl_seconds),
    ]  # fmt: skip
    return subprocess.Popen(command, cwd=ROOT, env=env)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 2, help="one per core (default)")
    parser.add_argument("--port", type=int, default=8501, help="the first port; the others follow it")
    parser.add_argument("--store", required=True, help="the run store's folder, the same for every process")
    parser.add_argument("--upstream", help="write nginx's upstream block for these ports to this file")
    parser.add_argument("--session-ttl", type=int, default=600, help="seconds a closed tab's session is kept")
    args = parser.parse_args(argv)
    ports = [args.port + i for i in range(args.processes)]
    if args.upstream:
        Path(args.upstream).write_text(upstream_block(ports))
    Path(args.store).mkdir(parents=True, exist_ok=True)
    processes = [start(port, args.store, args.session_ttl) for port in ports]
    print(f"{len(processes)} processes on ports {ports[0]}-{ports[-1]}, runs in {args.store}", flush=True)

    def stop(*_):
        for process in processes:
            process.terminate()

    signal.signal(signal.SIGTERM, stop)
    try:
        while all(process.poll() is None for process in processes):
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        stop()
        for process in processes:
            process.wait(10)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
