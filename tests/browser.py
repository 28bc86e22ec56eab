"""Shared by the browser test and the app benchmark: a real `streamlit run` and Debian's Chromium."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


# The loaded profile (BROWSER_LOAD=1): a school laptop or a classroom server. Every server runs with
# a CPU burner beside it (a process spinning on one core, as another program or learner would), and
# every page's renderer is slowed BROWSER_THROTTLE times by Chromium's DevTools
# (Emulation.setCPUThrottlingRate). A test that passes only on an idle machine fails under it.
LOADED = os.environ.get("BROWSER_LOAD") == "1"
THROTTLE = float(os.environ.get("BROWSER_THROTTLE", "4"))
BURNER = "import time\nend = time.time() + 3600\nwhile time.time() < end: pass"  # stops by itself within the hour


def slow_down(page) -> None:
    """Under the loaded profile, slow ``page``'s renderer as a slow laptop's is (a no-op otherwise)."""
    if LOADED:
        page.context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": THROTTLE})


def missing_browser_reason() -> str | None:
    """Why a browser test cannot run here, or None if it can."""
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        return "Debian's chromium is not installed (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -r requirements-dev.txt)"
    return None


def required(what: str, reason: str | None = None):
    """The ``pytestmark`` of a test module that needs Chromium (and whatever ``reason`` says is
    missing): skipped where it cannot run, a failure under CI=true, where it must."""
    import pytest

    reason = reason or missing_browser_reason()
    if reason and os.environ.get("CI") == "true":
        pytest.fail(f"{what} must run in CI: {reason}", pytrace=False)
    # slow: outside the fast tier (pytest -m "not slow"). One xdist group: the browser tests run one
    # after another on one worker (each module's server and Chromium beside the other worker's tests,
    # a busy machine as a classroom's is), never two browsers at once.
    return [
        pytest.mark.skipif(reason is not None, reason=reason or ""),
        pytest.mark.slow,
        pytest.mark.xdist_group("browser"),
    ]


def screenshot(page, path: Path) -> None:
    """The whole page at ``path`` (PNG): the viewport grown to the page's height, then put back."""
    path.parent.mkdir(exist_ok=True)
    size = page.viewport_size
    height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": size["width"], "height": min(max(int(height) + 40, 900), 4000)})
    time.sleep(0.8)
    page.screenshot(path=str(path))
    page.set_viewport_size(size)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


SERVERS: dict[str, subprocess.Popen] = {}  # base URL -> the running server, for its pid


@contextlib.contextmanager
def streamlit_server(env: dict | None = None, timeout: float = 90):
    """``streamlit run app.py`` on a free port of 127.0.0.1; yields its base URL."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--server.fileWatcherType",
        "none",
        "--browser.gatherUsageStats",
        "false",
    ]
    # One log for all, every server appending (O_APPEND): a test's own second server used to
    # truncate the first one's log, the one that says why that server stopped answering.
    if not SERVERS:
        (ROOT / ".streamlit-test.log").write_text("")
    log = open(ROOT / ".streamlit-test.log", "a")  # noqa: SIM115 - closed below
    log.write(f"--- streamlit on port {port}\n")
    log.flush()
    process = subprocess.Popen(
        command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})}
    )
    burner = subprocess.Popen([sys.executable, "-c", BURNER]) if LOADED else None
    url = f"http://127.0.0.1:{port}"
    SERVERS[url] = process
    try:
        deadline = time.time() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.time() > deadline:
                raise RuntimeError(f"streamlit did not start: {(ROOT / '.streamlit-test.log').read_text()[-2000:]}")
            time.sleep(0.3)
        yield url
    finally:
        SERVERS.pop(url, None)
        if burner is not None:
            burner.kill()
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@contextlib.contextmanager
def chromium_page(width: int = 1400, height: int = 1000):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.set_default_timeout(30_000)
            slow_down(page)
            yield page
        finally:
            browser.close()


def wait_for_app(page, timeout: float = 30) -> None:
    """Until the script has finished its run (Streamlit marks stApp "notRunning") and drawn a title."""
    time.sleep(0.2)  # let a rerun that was just requested begin
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=timeout * 1000)
    page.wait_for_selector("h1", timeout=timeout * 1000)
    time.sleep(0.3)  # the last messages of the run are drawn just after it ends


def open_fold(page, label: str) -> None:
    """Open the page's fold whose label holds ``label`` (``ui.widgets.folded``: what is in it is drawn
    once it is open, after the rerun the click starts)."""
    summary = page.locator('[data-testid="stExpander"] summary').filter(has_text=label)
    summary.first.wait_for(timeout=30_000)
    if summary.first.locator("xpath=..").get_attribute("open") is None:
        summary.first.click()
    wait_for_app(page, timeout=60)


def current_button(page, name: str):
    """The button ``name`` as the page draws it now: not a stale copy from the run before, which
    Streamlit leaves on screen (faded) until the run that replaces it ends. Waiting for a button a
    click brings (Stop's "Play the past") found the copy from before the click, and stopped waiting
    at once."""
    return page.get_by_role("button", name=name).and_(
        page.locator('xpath=//button[not(ancestor::*[@data-stale="true"])]')
    )


def wait_until(condition, timeout: float, message, every: float = 0.1):
    """``condition()``'s first truthy value within ``timeout`` s; fails with ``message`` (or its call) otherwise."""
    deadline = time.time() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.time() > deadline:
            raise AssertionError(f"{message() if callable(message) else message} (waited {timeout:g} s)")
        time.sleep(every)


def draw_stroke(page, points) -> None:
    """On Draw a digit: one stroke through ``points`` ((x, y) in the canvas's 280 px box), as a mouse draws it."""
    canvas = page.locator(".dc-root canvas").last
    canvas.wait_for(timeout=30_000)
    box = canvas.bounding_box()
    (x, y), *rest = points
    page.mouse.move(box["x"] + x, box["y"] + y)
    page.mouse.down()
    for x, y in rest:
        page.mouse.move(box["x"] + x, box["y"] + y)
    page.mouse.up()


def draw_a_one(page) -> None:
    """On Draw a digit: a stroke down the middle of the canvas, as a mouse draws it, until the network answers."""
    draw_stroke(page, [(150, 50)] + [(148, 50 + i * 8) for i in range(1, 25)])
    page.get_by_text("It's a").first.wait_for(timeout=20_000)


def draw_a_seven(page) -> None:
    """On Draw a digit: a bar across the top, then a stroke down to the bottom left."""
    points = [(70 + i * 10, 60) for i in range(15)] + [(210 - i * 5, 60 + i * 9) for i in range(1, 20)]
    draw_stroke(page, points)


# Dark pixels on the drawing canvas's layers (Fabric draws on stacked canvases; a heatmap elsewhere on the
# page is a canvas too, so only those inside the component's ``.dc-root``): 0 when it is empty.
CANVAS_INK = """(canvases) => canvases.reduce((n, c) => {
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0 && d[i] < 128) n++;
  return n;
}, 0)"""


def canvas_ink(page) -> int:
    return page.locator(".dc-root canvas").evaluate_all(CANVAS_INK)  # locators reach into the shadow root


def step_count(page) -> int:
    """The step number in the Training page's status line."""
    text = page.locator(".st-key-status").first.inner_text()
    return int(re.search(r"Step\s+([\d,]+)", text).group(1).replace(",", ""))


# -- a watcher for anything that goes wrong in the page, at any moment ------------------------------------

# Installed with page.add_init_script, so it runs in every document (and frame) from its first line,
# after every navigation and reload. A MutationObserver sees each change of the DOM before it is
# painted, so an exception box that Streamlit draws and replaces 0.3 s later is still seen.
# Each record goes to Python at once through the binding ``__reportProblem`` (page.expose_binding):
# the call leaves the renderer synchronously, so it is not lost when the document goes away a moment
# later, which a poll of a window variable before each navigation could miss. The same records are
# also kept in ``window.__problems`` for ProblemWatcher.collect(): a backup, merged by id.
WATCH_PROBLEMS = r"""
(() => {
    if (window.__problems) return;
    const problems = (window.__problems = []);
    const documentId = Math.random().toString(36).slice(2);
    const EXCEPTION = '[data-testid="stException"]';
    const records = new WeakMap(); // element -> its latest record
    let count = 0;
    const send = (record) => {
        try { // a failed call must not become a page error of its own
            window.__reportProblem({...record}).catch(() => {});
        } catch (error) {} // no binding in this page: collect() reads window.__problems
    };
    const textOf = (element) =>
        (element.innerText || element.textContent || "")
            .replace(/\n(Copy|Ask Google|Ask ChatGPT)(?=\n|$)/g, "") // the exception box's buttons
            .trim()
            .slice(0, 4000);
    const note = (kind, element, retried = false) => {
        const text = textOf(element);
        const last = records.get(element);
        if (last && last.text === text) return;
        if (last && text.startsWith(last.text)) { // the same box, still filling in
            last.text = text;
            send(last);
            return;
        }
        if (!text && !last && !retried) { // drawn empty first: read it again once it has its text
            setTimeout(() => note(kind, element, true), 100);
            return;
        }
        const record = {id: documentId + "-" + ++count, time: Date.now(), url: location.href, kind, text: text || "(empty)"};
        records.set(element, record);
        problems.push(record);
        send(record);
    };
    const exceptionsIn = (node) => {
        const element = node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement;
        if (!element) return [];
        const found = [...element.querySelectorAll(EXCEPTION)];
        const around = element.closest(EXCEPTION);
        return around ? [around, ...found] : found;
    };
    const tracebacksIn = (node) => { // elements, outside exception boxes, whose own text says Traceback
        if (!(node.textContent || "").includes("Traceback")) return [];
        if (node.nodeType === Node.TEXT_NODE) return node.parentElement ? [node.parentElement] : [];
        const found = [];
        const walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
        while (walker.nextNode()) {
            if (walker.currentNode.data.includes("Traceback") && walker.currentNode.parentElement) {
                found.push(walker.currentNode.parentElement);
            }
        }
        return found;
    };
    const look = (node) => {
        for (const element of exceptionsIn(node)) note("exception", element);
        for (const element of tracebacksIn(node)) {
            if (!element.closest(EXCEPTION)) note("traceback", element);
        }
    };
    // Only what was added or changed is read: Play makes some 2,000 mutation records a second, and
    // reading the whole of each changed parent would cost the page's clicks time (the Pause test).
    new MutationObserver((mutations) => {
        for (const mutation of mutations) {
            if (mutation.type === "characterData") look(mutation.target);
            else {
                const inside = mutation.target.closest && mutation.target.closest(EXCEPTION);
                if (inside) note("exception", inside); // a box already there, filling in or changing
                mutation.addedNodes.forEach(look);
            }
        }
    }).observe(document, {childList: true, subtree: true, characterData: true});
    if (document.documentElement) look(document.documentElement);
})();
"""

# Console errors that say nothing about the app; each is dropped with its reason.
HARMLESS_CONSOLE = [
    (
        # Opened at a page's URL (/Training), Streamlit's frontend first looks for the server under that
        # path, as if the app were served there, then finds it at the root: two 404s by design.
        r"status of 404 .*\(at https?://[^/]+/[^ ]+/_stcore/(health|host-config)\)$",
        "Streamlit's own search for its server's base path",
    ),
    (
        # While Play ticks fast, Streamlit's media file manager drops the file of an st.image that the next
        # tick replaced before the browser had fetched it: a 404 and the frontend's "Image source error"
        # for a picture that is no longer on screen; the next tick's picture loads.
        r"status of 404 .*\(at https?://[^ ]+/media/[0-9a-f]+\.\w+\)$",
        "a replaced st.image's media file, fetched after it was dropped",
    ),
    (r"^Client Error: Image source error - https?://[^ ]+/media/", "the same, as the frontend reports it"),
]


@dataclasses.dataclass
class Problem:
    time: float  # seconds since the epoch, as the page or Python saw it
    url: str
    kind: str  # "exception" (an stException box), "traceback", "pageerror" or "console"
    text: str

    def __str__(self) -> str:
        clock = time.strftime("%H:%M:%S", time.localtime(self.time)) + f".{int(self.time * 1000) % 1000:03d}"
        text = self.text.replace("\n", "\n      ")
        return f"{clock} {self.url} [{self.kind}] {text}"


class ProblemWatcher:
    """Records every exception box, Traceback, page error and console error of ``page``, whenever
    it appears, across navigations and reloads; ``check()`` fails if anything was recorded."""

    def __init__(self, page):
        self.page = page
        self._problems: dict[str, Problem] = {}  # by id: the binding and collect() report the same records
        self._cleared: set[str] = set()
        self._count = 0
        self.ignored: list[Problem] = []  # harmless console noise, kept to look at
        page.expose_binding("__reportProblem", lambda source, record: self._add(record))
        page.add_init_script(WATCH_PROBLEMS)
        page.on("pageerror", self._page_error)
        page.on("console", self._console)
        with contextlib.suppress(Exception):  # a page that already has a document: watch it too
            page.evaluate(WATCH_PROBLEMS)

    def _add(self, record: dict) -> None:
        if record["id"] not in self._cleared:
            self._problems[record["id"]] = Problem(record["time"] / 1000, record["url"], record["kind"], record["text"])

    def _add_from_python(self, problem: Problem) -> None:
        self._count += 1
        self._problems[f"python-{self._count}"] = problem

    def _page_error(self, error) -> None:
        text = f"{error.name}: {error.message}" if getattr(error, "name", None) else str(error)
        stack = (getattr(error, "stack", None) or "").strip().splitlines()[1:4]
        self._add_from_python(Problem(time.time(), self.page.url, "pageerror", "\n".join([text, *stack])))

    def _console(self, message) -> None:
        if message.type != "error":
            return
        where = message.location.get("url", "") if message.location else ""
        problem = Problem(time.time(), self.page.url, "console", message.text + (f" (at {where})" if where else ""))
        if any(re.search(pattern, problem.text) for pattern, _ in HARMLESS_CONSOLE):
            self.ignored.append(problem)
        else:
            self._add_from_python(problem)

    def collect(self) -> list[Problem]:
        """Everything recorded so far, oldest first. Reads the page's own list too (a backup for the
        binding) and lets Playwright deliver the events it has queued."""
        with contextlib.suppress(Exception):  # a closed or navigating page: the binding has its records
            for record in self.page.evaluate("() => (window.__problems || []).splice(0)"):
                self._add(record)
        return sorted(self._problems.values(), key=lambda problem: problem.time)

    def clear(self) -> None:
        self.collect()
        self._cleared |= set(self._problems)
        self._problems.clear()
        self.ignored.clear()

    def report(self, most: int = 30) -> str:
        problems = self.collect()
        lines = [f"{len(problems)} problem(s) in the page:"] + [f"  {problem}" for problem in problems[:most]]
        if len(problems) > most:
            lines.append(f"  ... and {len(problems) - most} more")
        if self.ignored:
            lines.append(f"  ({len(self.ignored)} harmless console message(s) ignored: see HARMLESS_CONSOLE)")
        return "\n".join(lines)

    def check(self) -> None:
        """Fails, listing each record (time, URL, text), if anything went wrong in the page."""
        __tracebackhide__ = True
        if self.collect():
            raise AssertionError(self.report())
