"""How many learners one server holds: N headless Chromium pages press Play on the Training page.

For N = 1, 5, 10 and 20 sessions on one `streamlit run app.py` (127.0.0.1), each page opens the
Training page, presses Play and trains for 30 seconds (--seconds). Reported per N: errors seen,
steps per second per session (slowest-fastest), the CPU of the server and of the browsers (the
whole machine's less the server's: the Chromium pages and Playwright), each as a share of one
core (100% = one core busy), the server's memory (RSS) before and while they play, memory per
extra session, and the memory after the pages close and the disconnected-session time-to-live
(set to 15 s here; 120 s by default) has passed. Then two more rounds of the largest N check
that memory does not grow from round to round.

    python benchmarks/load_sessions.py [--sessions 1,5,10,20] [--seconds 30] [--rounds 3] [--arena-max 2]
    python benchmarks/load_sessions.py --memory   # what one learner's session holds: trained, taught
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.browser import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    SERVERS,
    ProblemWatcher,
    missing_browser_reason,
    step_count,
    streamlit_server,
    wait_for_app,
)

TTL = 15


def rss_mb(pid: int) -> float:
    """Resident memory of the server process, in MB (Linux /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def cpu_seconds(pid: int | None = None) -> float:
    """CPU time used so far by a process (user + system), or by the whole machine if pid is None."""
    ticks = os.sysconf("SC_CLK_TCK")
    if pid is None:
        fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
        busy = sum(int(v) for i, v in enumerate(fields) if i not in (3, 4))  # all but idle and iowait
        return busy / ticks
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / ticks


def page_errors(page) -> int:
    shown = page.locator('[data-testid="stException"]').count()
    return shown + ("Traceback" in page.inner_text("body"))


def run_sessions(browser, url: str, n: int, seconds: float, pid: int) -> dict:
    pages, errors, watchers = [], 0, {}
    for _ in range(n):
        context = browser.new_context(viewport={"width": 1200, "height": 900})
        page = context.new_page()
        page.set_default_timeout(90_000)
        watchers[id(page)] = ProblemWatcher(page)  # what went wrong in a page, if one breaks
        try:
            page.goto(url + "/Training")
            wait_for_app(page, timeout=90)
            pages.append(page)
        except Exception as error:  # noqa: BLE001 - a session that does not load is an error to count
            print(f"  a session failed to load: {error}", file=sys.stderr)
            errors += 1
    starts = []
    for page in pages:
        starts.append((time.time(), step_count(page)))
        page.get_by_role("radio", name="Play").click()
    server_before, machine_before, cpu_started = cpu_seconds(pid), cpu_seconds(), time.time()
    time.sleep(seconds)
    window = time.time() - cpu_started
    server_cpu = (cpu_seconds(pid) - server_before) / window
    browsers_cpu = (cpu_seconds() - machine_before) / window - server_cpu
    rates = []
    for page, (started, first) in zip(pages, starts):
        try:
            rates.append((step_count(page) - first) / (time.time() - started))
            errors += page_errors(page)
        except Exception as error:  # noqa: BLE001
            print(f"  a session stopped answering: {str(error).splitlines()[0]}", file=sys.stderr)
            with contextlib.suppress(Exception):
                print("  " + watchers[id(page)].report(most=8).replace("\n", "\n  "), file=sys.stderr)
                page.screenshot(path=str(Path(__file__).resolve().parents[1] / "screenshots" / "load_broken.png"))
            errors += 1
    return {"errors": errors, "rates": rates, "pages": pages, "server": server_cpu, "browsers": browsers_cpu}


def learner_memory() -> None:
    """What one learner's session holds, in one process (AppTest; tracemalloc counts NumPy's
    arrays): after the Training page is first drawn, after one epoch (its moments kept), after five,
    and after teaching 30 of their digits (the mix a teaching makes is in the process's store: what
    a teaching adds to the process is counted with the learner who asked for it)."""
    import tracemalloc

    import numpy as np
    from streamlit.testing.v1 import AppTest

    from nn_core import handwriting
    from nn_core.data import load_dataset

    data = load_dataset("mnist-5k")
    X, y = data.split("test")
    rows = np.concatenate([np.flatnonzero(y == c)[:3] for c in range(10)])
    mine = handwriting.MyDigits(X[rows], y[rows]).to_csv()

    def session():
        at = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "app.py"), default_timeout=120).run()
        at.switch_page("pages/6_Training.py").run()
        return at

    def press(at, label: str, times: int = 1) -> None:
        for _ in range(times):
            next(b for b in at.button if b.label == label).click().run()

    warm = session()  # the data, the caches and the imports, which every learner shares
    press(warm, "+1 epoch")
    del warm
    tracemalloc.start()
    start = tracemalloc.get_traced_memory()[0]
    at = session()
    phases = [("first visit (the Training page drawn)", lambda: None)]
    phases += [("one epoch", lambda: press(at, "+1 epoch")), ("five epochs", lambda: press(at, "+1 epoch", 4))]

    def teach() -> None:
        at.switch_page("pages/8_Draw_a_digit.py").run()
        at.file_uploader(key="_my_digits_upload").upload("mine.csv", mine, "text/csv").run()
        next(b for b in at.button if b.label.startswith("Teach it my handwriting")).click().run()

    phases.append(("after teaching 30 of their digits", teach))
    print("One learner's session (tracemalloc, beyond what every learner shares):")
    for name, act in phases:
        act()
        print(f"  {name:<40} {(tracemalloc.get_traced_memory()[0] - start) / 2**20:6.1f} MB")
    tracemalloc.stop()


def close(pages) -> None:
    for page in pages:
        page.context.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", default="1,5,10,20")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--arena-max",
        type=int,
        default=None,
        help="MALLOC_ARENA_MAX for the server (glibc's arenas; 2 is what we deploy)",
    )
    parser.add_argument("--memory", action="store_true", help="only what one learner's session holds (no browser)")
    args = parser.parse_args()
    if args.memory:
        learner_memory()
        return
    reason = missing_browser_reason()
    if reason:
        sys.exit(f"cannot run: {reason}")
    from playwright.sync_api import sync_playwright

    counts = [int(n) for n in args.sessions.split(",")]
    env = {"STREAMLIT_SERVER_DISCONNECTED_SESSION_TTL": str(TTL)}
    if args.arena_max:
        env["MALLOC_ARENA_MAX"] = str(args.arena_max)
    with streamlit_server(env=env) as url, sync_playwright() as p:
        pid = SERVERS[url].pid
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        warm = browser.new_page()  # the first visit imports everything and loads the data
        warm.goto(url + "/Training")
        wait_for_app(warm, timeout=120)
        warm.context.close()
        time.sleep(TTL + 5)
        idle = rss_mb(pid)
        arenas = f"MALLOC_ARENA_MAX={args.arena_max}" if args.arena_max else "glibc's default arenas"
        print(f"server idle after a first visit: {idle:.0f} MB; disconnected sessions live {TTL} s; {arenas}")
        print(f"CPU as a share of one core (100% = one core busy; this machine has {os.cpu_count()} cores)")
        print(
            f"{'N':>3} {'errors':>6} {'steps/s per session':>20} {'server CPU':>10} {'browsers CPU':>12} "
            f"{'RSS playing':>12} {'per extra session':>18} {'RSS after':>10}"
        )
        playing_one = None
        plan = [(n, 1) for n in counts] + [(counts[-1], r) for r in range(2, args.rounds + 1)]
        for n, round_ in plan:
            before = rss_mb(pid)
            result = run_sessions(browser, url, n, args.seconds, pid)
            playing = rss_mb(pid)
            close(result["pages"])
            time.sleep(TTL + 10)
            after = rss_mb(pid)
            if n == 1 and playing_one is None:
                playing_one = playing
            per_extra = (playing - playing_one) / (n - 1) if n > 1 and playing_one is not None else float("nan")
            rates = result["rates"]
            rate = f"{min(rates):.1f}-{max(rates):.1f}" if rates else "-"
            label = f"{n}" + ("" if round_ == 1 else f" (round {round_})")
            print(
                f"{label:>3} {result['errors']:>6} {rate:>20} {result['server']:>10.0%} {result['browsers']:>12.0%} "
                f"{playing:>10.0f}MB {per_extra:>16.1f}MB {after:>8.0f}MB"
                f"   (before: {before:.0f} MB)"
            )
        browser.close()


if __name__ == "__main__":
    main()
