"""A random walk over every page's controls in real Chromium, as a restless learner would click.

A seeded ``random.Random`` picks, step after step, a page to visit (a sidebar link, sometimes its
URL) or one of the controls visible and enabled on the current page, and uses it. After every step
it waits (boundedly: while Play is on the app never stops running) and fails if the page showed an
exception box, a Traceback, a page error or a console error at any moment (ProblemWatcher). The
failure lists the seed and every step up to the problem, and a screenshot is kept in screenshots/.

    python -m pytest -q tests/test_browser_walk.py                      # 2 minutes, the fixed seed
    WALK_SEED=7 WALK_SECONDS=600 python -m pytest -q tests/test_browser_walk.py -s
    WALK_KEEP_GOING=1 ...   # do not stop at the first problem: report every distinct one
    WALK_STEPS=40 ...       # stop after 40 steps (a shorter replay of the same seed)

The same seed makes the same choices as long as the app draws the same controls; timing (Play's
ticks, how long a run takes) can make a replay drift, so the step list is what to replay by hand.
"""

from __future__ import annotations

import dataclasses
import os
import random
import re
import tempfile
import time

import pytest

from lessons.pages import PAGES, url_of
from tests.browser import ROOT, ProblemWatcher, chromium_page, required, streamlit_server

pytestmark = required("the browser walk")

SECONDS = float(os.environ.get("WALK_SECONDS", "120"))
SEED = int(os.environ.get("WALK_SEED", "20240611"))
MAX_STEPS = int(os.environ.get("WALK_STEPS", "0")) or None
KEEP_GOING = os.environ.get("WALK_KEEP_GOING", "") not in ("", "0")
SHOTS = ROOT / "screenshots"
TRAINING = "pages/6_Training.py"

ACTION_TIMEOUT = 3_000  # ms for any one Playwright call: a control that is gone is skipped, not waited for
RUN_TIMEOUT = 15.0  # s to wait for the run a step started; a slower run is logged and the walk goes on
VISIT = 0.15  # the share of steps that go to another page
LEAVE_A_BARE_PAGE = 0.5  # the same where the page itself has no control the walk uses (only the sidebar's)
MAIN = 0.7  # the share of the other steps that use the page's own controls, not the sidebar's settings
# How often each kind of control is chosen, when the page has one: a page's own controls before the
# sidebar's one text box and its expanders, which are on every page.
WEIGHTS = {
    "button": 3,
    "segmented": 3,
    "slider": 3,
    "radio": 2,
    "selectbox": 2,
    "checkbox": 2,
    "toggle": 2,
    "number": 2,
    "chart": 2,
    "text": 1,
    "link": 0.5,
    "expander": 0.5,
}

# The controls the walk uses, found in the page by one script that also tags each with
# data-walk-id, so the step acts on the very element it chose (or skips it if a rerun replaced it).
# Left out on purpose, as the brief says: file uploaders, download buttons (st.download_button) and
# the drawing canvas (a component in an iframe; tests/test_browser.py draws on it). Also left out:
# - help tooltips (the "?" icons), heading anchors, the toolbar of a dataframe or chart
#   (fullscreen, search, download as CSV/PNG), a dataframe's cells and headers, Plotly's legend and
#   mode bar, a code block's copy button: they act in the browser only and never reach the script;
# - the sidebar's collapse button: it only hides the sidebar, and with it half the walk's controls.
FIND_CONTROLS = r"""
() => {
    const shown = (element) => {
        if (!element || element.closest("[inert]")) return false; // e.g. a closed expander's content
        const box = element.getBoundingClientRect();
        return box.width > 0 && box.height > 0 && element.checkVisibility({checkVisibilityCSS: true});
    };
    const labelOf = (widget) => {
        const label = widget && widget.querySelector('[data-testid="stWidgetLabel"]');
        return ((label && label.innerText) || "").trim();
    };
    const controls = [];
    // Ids never repeat (a round number, then a count): an element tagged by an earlier round and
    // not found this time keeps its old tag and must not answer for a new one.
    const round = (window.__walkRound = (window.__walkRound || 0) + 1);
    let next = 0;
    const add = (kind, element, widget, label, extra = {}) => {
        element.dataset.walkId = round + "-" + ++next;
        const where = element.closest('[data-testid="stSidebar"]') ? "sidebar" : "main";
        controls.push({id: element.dataset.walkId, kind, label: label.replace(/\s+/g, " "), where, ...extra});
    };
    for (const link of document.querySelectorAll('[data-testid="stPageLink-NavLink"]')) {
        if (shown(link)) add("link", link, null, link.innerText.trim());
    }
    for (const button of document.querySelectorAll('[data-testid="stButton"] button[data-testid^="stBaseButton"]')) {
        if (shown(button) && !button.disabled) add("button", button, null, button.innerText.trim());
    }
    for (const option of document.querySelectorAll('[data-testid="stRadio"] [data-testid="stRadioOption"]')) {
        const input = option.querySelector("input");
        if (shown(option) && input && !input.disabled && !input.checked) {
            const widget = option.closest('[data-testid="stRadio"]');
            add("radio", option, widget, labelOf(widget) + ": " + option.innerText.trim());
        }
    }
    for (const button of document.querySelectorAll('[data-testid="stButtonGroup"] button')) {
        const group = button.closest('[role="radiogroup"], [role="group"]');
        const widget = button.closest('[data-testid="stButtonGroup"]');
        const disabled = button.disabled || (group && group.getAttribute("aria-disabled") === "true");
        if (shown(button) && !disabled) {
            const name = labelOf(widget) || (group && group.getAttribute("aria-label")) || "";
            const selected = button.getAttribute("aria-checked") === "true" ? " (selected)" : "";
            add("segmented", button, widget, name + ": " + button.innerText.trim() + selected);
        }
    }
    for (const input of document.querySelectorAll('[data-testid="stSlider"] input[type="range"]')) {
        const widget = input.closest('[data-testid="stSlider"]');
        if (shown(widget) && !input.disabled && input.getAttribute("aria-disabled") !== "true") {
            add("slider", input, widget, labelOf(widget), {value: input.getAttribute("aria-valuetext") || input.value});
        }
    }
    for (const input of document.querySelectorAll('[data-testid="stSelectbox"] input[role="combobox"]')) {
        const widget = input.closest('[data-testid="stSelectbox"]');
        if (shown(widget) && !input.disabled && input.getAttribute("aria-disabled") !== "true") {
            add("selectbox", input, widget, labelOf(widget), {value: input.value});
        }
    }
    for (const label of document.querySelectorAll('[data-testid="stCheckbox"] label')) {
        const input = label.querySelector("input");
        if (shown(label) && input && !input.disabled) {
            const kind = input.getAttribute("role") === "switch" ? "toggle" : "checkbox";
            add(kind, label, null, label.innerText.trim(), {value: input.checked ? "on" : "off"});
        }
    }
    for (const input of document.querySelectorAll('[data-testid="stNumberInput"] input[type="number"]')) {
        const widget = input.closest('[data-testid="stNumberInput"]');
        if (shown(input) && !input.disabled) {
            add("number", input, widget, labelOf(widget), {value: input.value, min: input.min, max: input.max});
        }
    }
    for (const input of document.querySelectorAll('[data-testid="stTextInput"] input')) {
        const widget = input.closest('[data-testid="stTextInput"]');
        if (shown(input) && !input.disabled) add("text", input, widget, labelOf(widget), {value: input.value});
    }
    for (const summary of document.querySelectorAll('[data-testid="stExpander"] summary')) {
        const title = summary.querySelector('[data-testid="stMarkdownContainer"]'); // not the icon's name
        if (shown(summary)) add("expander", summary, null, (title || summary).innerText.trim());
    }
    for (const chart of document.querySelectorAll('[data-testid="stPlotlyChart"]')) {
        const points = chart.querySelectorAll("path.point");
        if (shown(chart) && points.length) {
            const container = chart.closest('[data-testid="stElementContainer"]');
            const key = container && [...container.classList].find((c) => c.startsWith("st-key-"));
            const title = chart.querySelector(".gtitle");
            const name = key ? key.slice(7) : (title && title.textContent) || "a chart";
            add("chart", chart, null, name, {points: points.length});
        }
    }
    return controls;
}
"""

# Typed into the Hidden layers box: small networks (the lesson pages stay quick on 2 cores), and a
# few wrong ones, which the app must refuse with a message, not an exception.
HIDDEN_LAYERS = ["32", "64", "128", "16, 16", "64, 32", "100, 50, 25", "10", "1", "0", "abc", "", "64,", "-5"]


@dataclasses.dataclass
class Step:
    number: int
    path: str  # the page it was taken on
    kind: str
    label: str
    value: str = ""  # what was done: the option, the keys, the number
    outcome: str = ""  # "" when it went as planned; "skipped: why" or "still running after ..." otherwise

    def __str__(self) -> str:
        text = f"{self.number:4d}. {self.path:<20} {self.kind:<9} {self.label!r}"
        text += f" -> {self.value}" if self.value else ""
        return text + (f"   [{self.outcome}]" if self.outcome else "")


class Skipped(Exception):
    """The chosen control could not be used (gone, detached, disabled meanwhile): the step is logged as skipped."""


def path_of(url: str) -> str:
    match = re.match(r"https?://[^/]+(/[^?#]*)?", url)
    return (match.group(1) if match else None) or "/"


def settle(page, timeout: float = RUN_TIMEOUT) -> bool:
    """Waits until the run a step started has finished (Streamlit marks stApp "notRunning"), at most
    ``timeout`` s: while Play is on, the app runs a tick every 0.2 s, so this is a bounded wait, and
    "notRunning" between two ticks counts. False if it was still running at the end."""
    time.sleep(0.25)  # let the rerun begin
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            state = page.evaluate(
                "() => document.querySelector('[data-testid=\"stApp\"]')?.getAttribute('data-test-script-state')"
            )
        except Exception:  # noqa: BLE001 - a navigation in progress: ask again
            state = None
        if state == "notRunning":
            time.sleep(0.3)  # the last messages of the run are drawn just after it ends
            return True
        time.sleep(0.1)
    return False


class Walk:
    def __init__(self, page, server: str, rng: random.Random):
        self.page, self.server, self.rng = page, server, rng
        self.steps: list[Step] = []

    def step(self) -> Step:
        """One step: a visit, or one control of the page used; then the bounded wait for its run."""
        step = Step(len(self.steps) + 1, path_of(self.page.url), "", "")
        self.steps.append(step)
        controls = self.find_controls() if step.number > 1 else []
        usable = [c for c in controls if not (c["kind"] == "link" and c["where"] == "sidebar")]  # visit's
        own = [c for c in usable if c["where"] == "main"]
        if not usable or self.rng.random() < (VISIT if own else LEAVE_A_BARE_PAGE):
            self.visit(step, controls)
        elif not self.use(step, own if own and self.rng.random() < MAIN else usable):
            return step  # skipped: nothing was started
        if not settle(self.page):
            step.outcome = f"still running after {RUN_TIMEOUT:.0f} s"
        return step

    def use(self, step: Step, controls: list[dict]) -> bool:
        """Uses one of ``controls``; False if it was skipped."""
        kinds = sorted({c["kind"] for c in controls})  # a kind's chance does not grow with its count
        kind = self.rng.choices(kinds, weights=[WEIGHTS[k] for k in kinds])[0]
        control = self.rng.choice([c for c in controls if c["kind"] == kind])
        step.kind, step.label = kind, control["label"] + (" (sidebar)" if control["where"] == "sidebar" else "")
        try:
            getattr(self, f"use_{kind}")(step, control, self.page.locator(f'[data-walk-id="{control["id"]}"]'))
        except Skipped as why:
            step.outcome = f"skipped: {why}"
            return False
        except Exception as error:  # noqa: BLE001 - Playwright's errors: a timeout, an element gone
            step.outcome = f"skipped: {type(error).__name__}: {str(error).splitlines()[0][:120]}"
            close_popups(self.page)
            return False
        return True

    def find_controls(self) -> list[dict]:
        try:
            return self.page.evaluate(FIND_CONTROLS)
        except Exception:  # noqa: BLE001 - the page is navigating: nothing to use this step
            return []

    # -- the actions ---------------------------------------------------------------------------------

    def visit(self, step: Step, controls: list[dict]) -> None:
        """Another page (or the same one again): by a sidebar link mostly, sometimes by its URL,
        which is a new session, like a bookmark or a reload."""
        # Training twice as often as the others: the one page that keeps running by itself (Play),
        # where a control used while it ticks is most likely to meet a run in progress.
        shown = self.rng.choices(PAGES, weights=[2 if p.path == TRAINING else 1 for p in PAGES])[0]
        path, label = shown.path, shown.label
        links = [c for c in controls if c["kind"] == "link" and c["where"] == "sidebar" and c["label"].endswith(label)]
        step.kind, step.label = "visit", label
        if links and self.rng.random() < 0.75:
            step.value = "sidebar link"
            try:
                self.page.locator(f'[data-walk-id="{links[0]["id"]}"]').click(timeout=ACTION_TIMEOUT)
            except Exception as error:  # noqa: BLE001
                step.outcome = f"skipped: {type(error).__name__}"
                return
        else:
            step.value = "URL " + url_of(path)
            try:
                self.page.goto(self.server + url_of(path), timeout=30_000)
            except Exception as error:  # noqa: BLE001 - logged; the next step looks at whatever loaded
                step.outcome = f"load failed: {type(error).__name__}"
                return
        try:
            self.page.wait_for_selector("h1", timeout=30_000)
        except Exception:  # noqa: BLE001
            step.outcome = "no title after 30 s"

    def use_link(self, step: Step, control: dict, element) -> None:  # a page link in a page's body
        step.value = "click"
        element.click(timeout=ACTION_TIMEOUT)
        self.page.wait_for_selector("h1", timeout=30_000)

    def use_button(self, step: Step, control: dict, element) -> None:
        step.value = "click"
        element.click(timeout=ACTION_TIMEOUT)

    def use_radio(self, step: Step, control: dict, element) -> None:
        step.value = "pick"
        element.click(timeout=ACTION_TIMEOUT)

    def use_segmented(self, step: Step, control: dict, element) -> None:
        step.value = "click"  # on the selected option it clears the choice, as Streamlit does
        element.click(timeout=ACTION_TIMEOUT)

    def use_checkbox(self, step: Step, control: dict, element) -> None:
        step.value = "on" if control["value"] == "off" else "off"
        element.click(timeout=ACTION_TIMEOUT)

    use_toggle = use_checkbox

    def use_expander(self, step: Step, control: dict, element) -> None:
        step.value = "open/close"
        element.click(timeout=ACTION_TIMEOUT)

    def use_slider(self, step: Step, control: dict, element) -> None:
        keys = self.rng.choice(  # the ends as often as small moves: that is where settings break things
            [["Home"], ["End"]] * 2 + [[key] * n for key in ("ArrowLeft", "ArrowRight") for n in (1, 2, 4)]
        )
        element.focus(timeout=ACTION_TIMEOUT)
        for key in keys:
            self.page.keyboard.press(key)
        after = element.get_attribute("aria-valuetext", timeout=ACTION_TIMEOUT) or "?"
        step.value = f"{keys[0]}×{len(keys)}: {control['value']} -> {after}"

    def use_selectbox(self, step: Step, control: dict, element) -> None:
        element.click(timeout=ACTION_TIMEOUT)
        options = self.page.locator('[role="listbox"] [role="option"]')
        opened_by = ""
        try:
            options.first.wait_for(timeout=1_000)
        except Exception:  # noqa: BLE001 - a click at its middle does not always open it here: the keyboard does
            element.press("ArrowDown", timeout=ACTION_TIMEOUT)
            opened_by = " (opened with ArrowDown)"
            try:
                options.first.wait_for(timeout=ACTION_TIMEOUT)
            except Exception as error:
                raise Skipped("its list did not open") from error
        texts = [text.strip() for text in options.all_inner_texts()]
        if not texts:
            raise Skipped("an empty list")
        index = self.rng.randrange(len(texts))
        step.value = f"{control['value']!r} -> {texts[index]!r}{opened_by}"
        options.nth(index).click(timeout=ACTION_TIMEOUT)

    def use_number(self, step: Step, control: dict, element) -> None:
        low = int(float(control["min"])) if control["min"] else 0
        high = int(float(control["max"])) if control["max"] else low + 100
        roll = self.rng.random()
        widget = element.locator("xpath=ancestor::*[@data-testid='stNumberInput']")
        buttons = {which: widget.locator(f'[data-testid="stNumberInput{which}"]') for which in ("StepUp", "StepDown")}
        enabled = [which for which, button in buttons.items() if button.is_enabled(timeout=ACTION_TIMEOUT)]
        if roll < 0.25 and enabled:  # the + / − buttons beside the box (one is disabled at an end)
            which = self.rng.choice(enabled)
            step.value = f"{which} from {control['value']}"
            buttons[which].click(timeout=ACTION_TIMEOUT)
            return
        if roll < 0.85:  # a number in range
            value = str(self.rng.randint(low, min(high, low + 5000)))
        else:  # valid-ish: the edges, one past them, a fraction
            value = self.rng.choice([str(low), str(high), str(low - 1), str(high + 1), "1.5"])
        step.value = f"type {value} (was {control['value']}, range {low} to {high})"
        element.fill(value, timeout=ACTION_TIMEOUT)
        element.press("Enter", timeout=ACTION_TIMEOUT)

    def use_text(self, step: Step, control: dict, element) -> None:
        value = self.rng.choice(HIDDEN_LAYERS)
        step.value = f"type {value!r} (was {control['value']!r})"
        element.fill(value, timeout=ACTION_TIMEOUT)
        element.press("Enter", timeout=ACTION_TIMEOUT)

    def use_chart(self, step: Step, control: dict, element) -> None:
        """A click on one of the chart's points (hovered first, as a mouse would)."""
        element.scroll_into_view_if_needed(timeout=ACTION_TIMEOUT)
        time.sleep(0.3)
        points = element.locator("path.point")
        count = points.count()
        if not count:
            raise Skipped("its points are gone")
        index = self.rng.randrange(count)
        box = points.nth(index).bounding_box(timeout=ACTION_TIMEOUT)
        if not box:
            raise Skipped("the point is not on screen")
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        step.value = f"point {index} of {count}"
        self.page.mouse.move(x, y)
        time.sleep(0.2)
        self.page.mouse.click(x, y)


def close_popups(page) -> None:
    """Closes whatever a half-done step left open (a selectbox's list)."""
    try:
        page.keyboard.press("Escape")
    except Exception:  # noqa: BLE001
        pass


def signature(problem) -> str:
    """What makes two problems the same: kind and first line, without numbers (ports, hashes, rows)."""
    first = problem.text.splitlines()[0] if problem.text else ""
    return problem.kind + ": " + re.sub(r"[0-9a-f]{8,}|\d+", "#", first)[:200]


def screenshot(page, name: str) -> str:
    SHOTS.mkdir(exist_ok=True)
    path = SHOTS / f"{name}.png"
    try:
        page.screenshot(path=str(path), timeout=10_000)
    except Exception as error:  # noqa: BLE001
        return f"(no screenshot: {type(error).__name__})"
    return str(path.relative_to(ROOT))


def report(seed: int, steps: list[Step], found: list[tuple[int, object, str]]) -> str:
    last = max(number for number, _, _ in found)
    lines = [f"The random walk with seed {seed} (replay: WALK_SEED={seed}) found {len(found)} distinct problem(s):"]
    for number, problem, shot in found:
        lines.append(f"  after step {number} (screenshot {shot}):")
        lines += ["    " + line for line in str(problem).splitlines()[:12]]
    lines.append(f"The steps up to step {last} (page, control kind, label, value):")
    lines += [str(step) for step in steps[:last]]
    return "\n".join(lines)


@pytest.mark.timeout(SECONDS + 300)
def test_a_random_walk_over_every_page_shows_no_exception():
    print(f"random walk: seed {SEED}, {SECONDS:.0f} s" + (f", at most {MAX_STEPS} steps" if MAX_STEPS else ""))
    rng = random.Random(SEED)
    found: list[tuple[int, object, str]] = []
    seen: set[str] = set()
    with tempfile.TemporaryDirectory() as cache:
        # Offline on purpose: "full MNIST" (a Dataset choice, its Download button, New network with
        # it) fails fast through a proxy that is not there, and the app's "are you offline?" path is
        # walked too, instead of fetching 11 MB; the empty cache keeps a user's download out of it.
        offline = {"NN_DIGITS_CACHE": cache, "HTTPS_PROXY": "http://127.0.0.1:9", "HTTP_PROXY": "http://127.0.0.1:9"}
        with streamlit_server(env=offline) as server, chromium_page(1400, 1000) as page:
            page.set_default_timeout(ACTION_TIMEOUT)
            watcher = ProblemWatcher(page)
            walk = Walk(page, server, rng)
            page.goto(server + "/", timeout=90_000)
            page.wait_for_selector("h1", timeout=90_000)  # a fresh server imports everything first
            settle(page, 60)
            deadline = time.time() + SECONDS
            while time.time() < deadline and (MAX_STEPS is None or len(walk.steps) < MAX_STEPS):
                step = walk.step()
                print(step, flush=True)  # shown with -s, or under a failure
                problems = watcher.collect()
                new = [p for p in problems if signature(p) not in seen]
                for problem in new:
                    seen.add(signature(problem))
                    shot = screenshot(page, f"walk_seed{SEED}_step{step.number:04d}")
                    found.append((step.number, problem, shot))
                    print(f"step {step.number}: {problem}")
                if new and not KEEP_GOING:
                    break
            print(f"{len(walk.steps)} steps, {sum('skipped' in s.outcome for s in walk.steps)} skipped")
            steps = walk.steps
    assert not found, report(SEED, steps, found)
