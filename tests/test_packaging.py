"""`pip install -e .` installs the engine (the package nn_core) and its command line, nothing else."""

import importlib
import tomllib

from tests.apptest import ROOT


def test_the_package_is_nn_core_only_and_the_command_line_is_a_console_script():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert project["tool"]["setuptools"]["packages"] == ["nn_core"]
    module, function = project["project"]["scripts"]["nn-digits-train"].split(":")
    assert callable(getattr(importlib.import_module(module), function))


def test_the_engine_needs_no_ui_package():
    for path in sorted((ROOT / "nn_core").glob("*.py")):
        text = path.read_text()
        for forbidden in ("import streamlit", "import plotly", "from ui", "import ui"):
            assert forbidden not in text, f"{path.name}: {forbidden}"
