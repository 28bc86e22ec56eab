"""Accessibility in AppTest: every image a page draws has alternative text that says what it shows,
made from the data (the browser test runs axe-core itself: tests/test_browser_a11y.py), and no page
writes a formula the keyboard cannot reach."""

import re

import numpy as np
import pytest
from PIL import Image

from lessons.pages import PAGES
from nn_core import evaluation
from nn_core import handwriting as H
from tests.apptest import ROOT, new_app, on_page, open_fold, open_folds, trainer
from tests.csv_maker import kaggle_csv, kaggle_rows
from tests.test_use_pages import png
from ui import runs


def images(at) -> list[tuple[str, str]]:
    """(alt, caption) of every picture drawn (an image element holds one or more)."""
    return [(image.alt, image.caption) for element in at.get("image") for image in element.proto.imgs]


@pytest.fixture(scope="module")
def trained():
    at = new_app()
    trainer(at).step(60)
    return at


@pytest.mark.slow
@pytest.mark.parametrize("path", [p.path for p in PAGES])
def test_every_image_on_every_page_has_alternative_text(trained, path):
    at = open_folds(on_page(trained, path))  # what every fold draws too
    if path == "pages/8_Draw_a_digit.py":
        digit = (255 - trainer(at).dataset.X_test[3].reshape(28, 28) * 255).astype(np.uint8)
        picture = np.asarray(Image.fromarray(digit).resize((200, 200)))
        at.file_uploader(key="digit_picture").upload("digit.png", png(picture), "image/png").run()
        at.session_state["my_digits"] = H.NONE.add(trainer(at).dataset.X_test[3], 7)
        at.run()
    if path == "pages/9_Model.py":
        pixels, _ = kaggle_rows(50, seed=5)
        at.file_uploader(key="_kaggle_test").upload("test.csv", kaggle_csv(pixels, None), "text/csv").run()
    if path == "pages/6_Training.py":
        at.session_state[runs.KEY_TAB] = "Probe digits"
        at.run()
        assert any(alt.startswith("probe digit") for alt, _ in images(at))
    assert not at.exception
    for alt, caption in images(at):
        assert alt and len(alt) > 12, f"{path}: an image without alternative text (caption {caption!r})"
        assert alt != caption, f"{path}: the alternative text only repeats the caption: {alt!r}"


def test_the_alternative_text_says_what_the_network_answered(trained):
    at = open_fold(on_page(trained, "pages/7_Evaluation.py"), "**Its most confident mistakes")
    t = trainer(at)
    X, y = t.dataset.split("test")
    result = evaluation.evaluate(t.model, X, y)
    mistakes = evaluation.confident_mistakes(result)[:16]
    alts = [alt for alt, _ in images(at) if alt.startswith("a handwritten")]
    names = t.dataset.class_names
    expected = [
        f"a handwritten {names[y[i]]}; the network says {names[result.predicted[i]]} ({result.confidence[i]:.0%})"
        for i in mistakes
    ]
    assert set(expected) <= set(alts)
    tiles = open_folds(on_page(at, "pages/6_Training.py"))
    assert any(
        alt.startswith(f"first-layer tiles of 128 hidden units after {t.steps:,} steps") for alt, _ in images(tiles)
    )


def test_no_page_writes_a_formula_but_through_widgets_formula():
    """st.latex directly would leave KaTeX's 2-pixel overflow: a scrollable region out of the keyboard's reach."""
    for path in [*ROOT.glob("pages/*.py"), ROOT / "app.py", *ROOT.glob("ui/**/*.py")]:
        text = path.read_text()
        calls = [
            m for m in re.finditer(r"\.latex\(", text) if "def formula" not in text[max(0, m.start() - 400) : m.start()]
        ]
        assert not calls, f"{path.relative_to(ROOT)} calls st.latex: use ui.widgets.formula"
