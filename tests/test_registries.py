"""One source per concept: an activation, initialisation or optimizer added to nn_core's registry
is offered by the sidebar and drawn by the lessons with no other edit, and no page or ui module
writes one of their names, imports numpy into a page, or grows a second definition."""

from __future__ import annotations

import ast
import re

import numpy as np
import pytest

from nn_core import activations
from nn_core.activations import ACTIVATIONS, Activation, Flat
from nn_core.network import INITS, Init
from nn_core.optim import OPTIMIZERS, SGD, Optimizer
from nn_core.settings import SETTINGS
from tests.apptest import ROOT, all_text, button, chart, control, new_app, on_page, open_fold, trainer


def softplus(Z):
    return np.logaddexp(0, Z)


def softplus_derivative(Z):
    return activations.sigmoid(Z)


SOFTPLUS = Activation(
    "softplus",
    "softplus (smooth ReLU)",
    softplus,
    softplus_derivative,
    r"g(z) = \log(1 + e^{z})",
    r"g'(z) = \sigma(z)",
    lambda slope: Flat("flat: gradient under 5%", ((-np.inf, -2.944),), True, "dead", "never switch on"),
)
TINY = Init(
    "tiny",
    "tiny normal (std 0.001)",
    "tiny",
    lambda rng, fan_in, fan_out: (rng.standard_normal((fan_out, fan_in)) * 1e-3, np.zeros(fan_out)),
)
HALF_SGD = Optimizer("half_sgd", "SGD at half speed", lambda momentum: HalfSGD(), True)


class HalfSGD(SGD):
    name = "half_sgd"

    def update(self, params, grads, lr, out=None):
        super().update(params, grads, lr / 2, out)


@pytest.fixture
def more_entries(monkeypatch):
    monkeypatch.setitem(ACTIVATIONS, "softplus", SOFTPLUS)
    monkeypatch.setitem(INITS, "tiny", TINY)
    monkeypatch.setitem(OPTIMIZERS, "half_sgd", HALF_SGD)


def test_a_new_activation_initialisation_and_optimizer_appear_everywhere_with_no_other_edit(more_entries):
    at = new_app()
    assert "softplus (smooth ReLU)" in control(at.selectbox, "_activation").options
    assert "tiny normal (std 0.001)" in control(at.selectbox, "_init").options
    assert "SGD at half speed" in control(at.selectbox, "_optimizer").options

    control(at.selectbox, "_activation").set_value("softplus").run()
    control(at.selectbox, "_init").set_value("tiny").run()
    button(at, "New network").click().run()
    control(at.selectbox, "_optimizer").set_value("half_sgd").run()
    model = trainer(at).model
    assert model.activation == "softplus" and model.init == "tiny" and trainer(at).optimizer_name == "half_sgd"
    assert float(np.abs(model.params["W1"]).max()) < 0.01  # drawn by the new initialisation
    button(at, "Train 1 epoch").click().run()
    assert not at.exception and trainer(at).steps > 0

    at = on_page(at, "pages/3_Activations.py")
    assert not at.exception
    radio = at.radio(key="activation_shown")
    assert "softplus (smooth ReLU) (your network's)" in radio.options
    names = [trace["name"] for trace in chart(at, "activation_figure")["data"]]
    assert "softplus (smooth ReLU)(z)" in names and "softplus (smooth ReLU)′(z)" in names
    assert r"\log(1 + e^{z})" in all_text(at)

    at = open_fold(on_page(at, "pages/2_Weights_and_biases.py"), "**Where the knobs start")
    assert not at.exception
    bars = chart(at, "init_spread")["data"][0]["x"]
    assert "tiny" in bars


def _python_files(*folders: str):
    for folder in folders:
        yield from sorted((ROOT / folder).rglob("*.py"))


def _string_literals(path) -> set[str]:
    return {
        node.value
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }


def test_no_activation_initialisation_or_optimizer_name_is_written_outside_nn_core():
    # "momentum" is also a setting (nn_core.settings), and those are named in the ui by design
    names = (set(ACTIVATIONS) | set(INITS) | set(OPTIMIZERS)) - set(SETTINGS)
    found = []
    for path in [ROOT / "app.py", *_python_files("pages", "ui")]:
        found += [(path.name, text) for text in _string_literals(path) & names]
    assert not found, f"registry names written as literals: {found}"


def test_no_page_imports_numpy():
    for path in [ROOT / "app.py", *_python_files("pages")]:
        imported = [
            alias.name
            for node in ast.walk(ast.parse(path.read_text()))
            if isinstance(node, (ast.Import, ast.ImportFrom))
            for alias in (node.names if isinstance(node, ast.Import) else [ast.alias(node.module or "")])
        ]
        assert not [name for name in imported if name.split(".")[0] == "numpy"], path.name


def test_the_session_core_is_small_and_every_ui_module_says_its_one_job():
    assert len((ROOT / "ui" / "state.py").read_text().splitlines()) < 250
    for path in _python_files("ui"):
        doc = ast.get_docstring(ast.parse(path.read_text()))
        assert doc and len(doc.split(".")[0]) > 20, f"{path.relative_to(ROOT)} has no opening docstring"


def test_only_the_session_core_touches_session_state():
    for path in [ROOT / "app.py", *_python_files("pages", "ui")]:
        if path.name != "state.py":
            assert "session_state" not in path.read_text(), path.relative_to(ROOT)


def test_each_idea_has_one_definition():
    source = {p.relative_to(ROOT).as_posix(): p.read_text() for p in _python_files("nn_core", "ui", "pages")}
    central_differences = [name for name, text in source.items() if re.search(r"\(2 \* eps\)", text)]
    assert central_differences == ["nn_core/gradcheck.py"]
    parsers = [name for name, text in source.items() if re.search(r"def \w*parse_hidden\w*\(", text)]
    assert parsers == ["nn_core/network.py"]
    row_normalising = [name for name, text in source.items() if "keepdims=True)" in text and "where=totals > 0" in text]
    assert row_normalising == ["nn_core/evaluation.py"]
    dead_rules = [name for name, text in source.items() if re.search(r"def dead_units?(_fraction|_count)?\(", text)]
    assert dead_rules == ["nn_core/diagnostics.py"]


@pytest.fixture
def a_new_setting(monkeypatch):
    """A live setting added as the house rule says: one engine entry and one display entry."""
    from nn_core import settings as engine
    from ui import settings as display

    monkeypatch.setitem(
        engine.SETTINGS,
        "smoothing",
        engine.Setting("smoothing", "label smoothing", "number", 0.0, live=True, low=0, high=0.5),
    )
    monkeypatch.setitem(
        display.DISPLAY,
        "smoothing",
        display.Display(
            "Label smoothing",
            "slider",
            "advanced",
            query="smooth",
            step=0.05,
            to_text=lambda v: f"{v:g}",
            from_text=float,
        ),
    )


def test_a_new_setting_appears_in_the_controls_the_link_the_run_file_and_the_trainer(a_new_setting, mnist):
    from nn_core.io import load_run, run_to_bytes
    from ui import persistence
    from ui.settings import Settings

    at = new_app()
    control(at.slider, "_smoothing").set_value(0.1).run()  # the sidebar's control, from the display entry
    assert not at.exception
    assert at.session_state["settings"].smoothing == 0.1 and trainer(at).setting("smoothing") == 0.1
    assert persistence.link_query(at.session_state["settings"])["smooth"] == "0.1"
    linked, refused = persistence.settings_from_query({"smooth": "0.2"}, Settings(), ["mnist-5k"])
    assert linked.smoothing == 0.2 and not refused
    _, refused = persistence.settings_from_query({"smooth": "0.9"}, Settings(), ["mnist-5k"])
    assert refused == ["smooth"]  # out of the engine's range
    ran = trainer(at)
    ran.step(3)
    ran.set_setting("smoothing", 0.3)
    assert ran.settings_log[-1] == (3, "smoothing", 0.3)
    loaded = load_run(run_to_bytes(ran, {}), ran.dataset)
    assert loaded.setting("smoothing") == 0.3 and loaded.settings_log == ran.settings_log
    assert ran.replay().setting("smoothing") == 0.1  # a replay starts as the run started
    with pytest.raises(ValueError, match="label smoothing must be"):
        ran.set_setting("smoothing", 2.0)
