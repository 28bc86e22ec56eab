"""The classroom deployment (deploy/): two app processes behind Debian's nginx on 127.0.0.1.
Through nginx a learner's network survives a reload (even when the process that served it stops:
the store is shared), and two browsers keep separate networks."""

import contextlib
import os
import shutil
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

from tests.browser import (
    ROOT,
    ProblemWatcher,
    chromium_page,
    free_port,
    missing_browser_reason,
    required,
    slow_down,
    step_count,
    wait_for_app,
)

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
pytestmark = required(
    "the deployment test",
    missing_browser_reason()
    or (None if os.path.exists(NGINX) else "Debian's nginx is not installed (apt-get install nginx)"),
)


def wait_healthy(url: str, timeout: float = 90) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer")


@contextlib.contextmanager
def classroom(processes: int = 2):
    """``processes`` app processes (deploy/launch.py's way) and nginx (deploy/nginx.conf) in front."""
    import sys

    sys.path.insert(0, str(ROOT / "deploy"))
    import launch

    folder = Path(tempfile.mkdtemp(prefix="nn-digits-classroom-"))
    ports = [free_port() for _ in range(processes)]
    apps = [launch.start(port, str(folder / "runs"), 60) for port in ports]
    (folder / "upstream.conf").write_text(launch.upstream_block(ports))
    (folder / "temp").mkdir()
    front = free_port()
    config = (
        (ROOT / "deploy" / "nginx.conf").read_text().replace("listen 127.0.0.1:8080;", f"listen 127.0.0.1:{front};")
    )
    (folder / "nginx.conf").write_text(config)
    nginx = subprocess.Popen(
        [NGINX, "-p", str(folder), "-c", "nginx.conf", "-g", "daemon off;"], stderr=subprocess.PIPE
    )
    try:
        for port in ports:
            wait_healthy(f"http://127.0.0.1:{port}")
        url = f"http://127.0.0.1:{front}"
        wait_healthy(url, timeout=20)
        yield url, apps
    finally:
        nginx.terminate()
        for app in apps:
            app.terminate()
        for process in [nginx, *apps]:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(10)
        shutil.rmtree(folder, ignore_errors=True)


def train_a_few_steps(page, clicks: int = 2) -> int:
    before = step_count(page)
    for _ in range(clicks):
        page.get_by_role("button", name="Step ×10").click()
        wait_for_app(page)
    deadline = time.time() + 15
    while step_count(page) != before + 10 * clicks and time.time() < deadline:
        time.sleep(0.1)
    return step_count(page)


def test_through_nginx_a_reload_keeps_the_network_and_two_browsers_keep_their_own(after_call):
    with classroom() as (url, apps), chromium_page() as page:
        watcher = ProblemWatcher(page)
        after_call(watcher.check)
        page.goto(url + "/Training")
        wait_for_app(page, timeout=90)
        steps = train_a_few_steps(page)
        assert steps == 20
        time.sleep(0.5)
        page.reload()
        wait_for_app(page, timeout=60)
        page.locator(".st-key-status").wait_for(timeout=20_000)
        assert step_count(page) == steps

        other = page.context.browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()

        slow_down(other)
        other_watcher = ProblemWatcher(other)
        after_call(other_watcher.check)
        other.goto(url + "/Training")  # another learner, another cookie
        wait_for_app(other, timeout=60)
        assert step_count(other) == 0
        assert train_a_few_steps(other, 1) == 10
        page.reload()
        wait_for_app(page, timeout=60)
        page.locator(".st-key-status").wait_for(timeout=20_000)
        assert step_count(page) == steps  # untouched by the other learner
        other.goto("about:blank")
        other.context.close()

        link = page.url
        page.goto("about:blank")
        apps[0].terminate()  # one process goes down: whoever it served reaches the other
        apps[0].wait(10)
        page.goto(link)
        wait_for_app(page, timeout=60)
        page.locator(".st-key-status").wait_for(timeout=20_000)
        assert step_count(page) == steps
        page.goto("about:blank")
