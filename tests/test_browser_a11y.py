"""Accessibility, checked in a real browser: axe-core (the engine behind most audits, bundled in
axe-playwright-python) on every page of a session after one epoch of training, and on the states a
learner reaches from there (a drawing answered, a confusion cell opened, the sidebar's folds open).
Any critical or serious violation of WCAG 2.1 A or AA fails the test, with its rule and elements.
"""

import importlib.util
import time

from tests.browser import ROOT, draw_a_one, missing_browser_reason, required, wait_for_app

AXE_MISSING = (
    None
    if importlib.util.find_spec("axe_playwright_python")
    else "axe-playwright-python is not installed (pip install -r requirements-dev.txt)"
)
pytestmark = required("the accessibility check", missing_browser_reason() or AXE_MISSING)

SHOTS = ROOT / "screenshots"
PAGES = (
    "Home",
    "Data",
    "Weights & biases",
    "Activations",
    "Forward pass",
    "Backpropagation",
    "Glossary",
    "Training",
    "Evaluation",
    "Draw a digit",
    "Model",
)
RULES = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


from tests.browser_fixtures import *  # noqa: E402, F403  (server, page, the watcher on every test)


def problems(page) -> list[str]:
    """Every critical or serious violation on the page as it is now: rule, impact, elements."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options=RULES | {"resultTypes": ["violations"]})
    found = []
    for violation in results.response["violations"]:
        if violation["impact"] in ("critical", "serious"):
            for node in violation["nodes"][:5]:
                found.append(f"{violation['id']} ({violation['impact']}): {node['html'][:160]}")
    return found


def go(page, name: str) -> None:
    page.locator('[data-testid="stSidebar"]').get_by_role("link", name=name, exact=True).first.click()
    wait_for_app(page, timeout=60)
    time.sleep(0.8)  # charts and images drawn


def test_every_page_after_an_epoch_has_no_critical_or_serious_violation(server, page):
    page.goto(server + "/Training")
    wait_for_app(page, timeout=90)
    page.get_by_role("button", name="+1 epoch").click()
    wait_for_app(page, timeout=60)
    found = {}
    for name in PAGES:
        go(page, name)
        found[name] = problems(page)
    assert not any(found.values()), "\n".join(f"{name}: {p}" for name, ps in found.items() for p in ps)


def test_the_states_a_learner_reaches_have_none_either(server, page):
    found = {}
    go(page, "Draw a digit")
    draw_a_one(page)  # a stroke down the middle: a 1
    wait_for_app(page, timeout=30)
    found["a drawing answered"] = problems(page)

    go(page, "Evaluation")
    page.get_by_text("most confident first").first.wait_for(timeout=20_000)  # the confusion cell's digits
    found["Evaluation, a confusion cell's digits"] = problems(page)

    sidebar = page.locator('[data-testid="stSidebar"]')
    for fold in ("Generalisation: augmentation, dropout, schedule", "Advanced: initialisation, seed, momentum, L2"):
        sidebar.get_by_text(fold).click()
    time.sleep(0.8)
    found["the sidebar's folds open"] = problems(page)
    assert not any(found.values()), "\n".join(f"{state}: {p}" for state, ps in found.items() for p in ps)
