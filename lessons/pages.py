"""The app's pages, once: their files, labels, icons and the navigation's sections. The
navigation, the guided path, the glossary's and the checkpoints' links and the browser tests
read this list; nothing else spells a page's path."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    path: str  # the file Streamlit runs, as st.page_link and st.switch_page take it
    label: str
    icon: str
    section: str | None  # the navigation's heading over it; None for the home page

    @property
    def url(self) -> str:
        return url_of(self.path)


def url_of(path: str) -> str:
    """Where Streamlit serves a page file (its v1 multipage URL, the number prefix dropped):
    ``pages/10_Glossary.py`` -> ``/Glossary``, ``app.py`` -> ``/``."""
    return "/" if path == "app.py" else "/" + path.rsplit("/", 1)[-1].removesuffix(".py").split("_", 1)[-1]


HOME = Page("app.py", "Home", "🏠", None)
DATA = Page("pages/1_Data.py", "Data", "🔢", "Learn")
WEIGHTS = Page("pages/2_Weights_and_biases.py", "Weights & biases", "🎛️", "Learn")
ACTIVATIONS = Page("pages/3_Activations.py", "Activations", "📈", "Learn")
FORWARD = Page("pages/4_Forward_pass.py", "Forward pass", "➡️", "Learn")
BACKPROP = Page("pages/5_Backpropagation.py", "Backpropagation", "⬅️", "Learn")
GLOSSARY = Page("pages/10_Glossary.py", "Glossary", "📖", "Learn")
TRAINING = Page("pages/6_Training.py", "Training", "🏋️", "Train")
EVALUATION = Page("pages/7_Evaluation.py", "Evaluation", "🎯", "Train")
DRAW = Page("pages/8_Draw_a_digit.py", "Draw a digit", "✏️", "Play")
MODEL = Page("pages/9_Model.py", "Model", "💾", "Play")

PAGES = (HOME, DATA, WEIGHTS, ACTIVATIONS, FORWARD, BACKPROP, GLOSSARY, TRAINING, EVALUATION, DRAW, MODEL)
SECTIONS: dict[str, list[Page]] = {}
for _page in PAGES[1:]:
    SECTIONS.setdefault(_page.section, []).append(_page)


def by_path(path: str) -> Page:
    return next(page for page in PAGES if page.path == path)
