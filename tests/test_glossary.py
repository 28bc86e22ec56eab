"""The glossary: every term defined in one sentence, shown where it says, its live values nn_core's
own numbers for the learner's network, its search, and every term a page links existing."""

from __future__ import annotations

import ast
import math
import re

import numpy as np
import pytest

from lessons.glossary import SECTIONS, TERMS, Term, build_terms, by_section, matching
from lessons.pages import PAGES
from nn_core import MLP
from nn_core.activations import ACTIVATIONS
from nn_core.diagnostics import dead_unit_fraction
from nn_core.network import INITS
from nn_core.optim import OPTIMIZERS
from nn_core.train import Trainer
from tests.apptest import ROOT, all_text, button, new_app, on_page, trainer
from tests.test_registries import SOFTPLUS
from ui import glossary
from ui.text import plain

GLOSSARY = "pages/10_Glossary.py"
LIVE = "**In your network now:** "


@pytest.fixture(scope="module")
def trained(mnist):
    run = Trainer(MLP([784, 32, 10], seed=1), mnist, lr=0.2, batch_size=32)
    run.step(50)
    return run


# -- the registry ------------------------------------------------------------------------------------


def test_there_are_enough_terms_and_each_has_one_sentence_of_definition():
    assert len(TERMS) >= 30
    for key, term in TERMS.items():
        assert term.key == key and term.name and term.section in SECTIONS, key
        text = term.definition
        assert text.endswith(".") and text[0].isupper(), key
        assert not re.search(r"[.!?]\s+\S", text), f"{key}: more than one sentence: {text}"
        assert "!" not in text and len(text) < 220, key


def test_the_vocabulary_the_pages_use_is_there():
    wanted = (
        "weight bias unit layer hidden_layer pre_activation activation softmax logit probability one_hot label "
        "loss cross_entropy gradient backpropagation chain_rule learning_rate step batch epoch momentum l2 "
        "initialisation dead_unit saturation overfitting validation_set test_set accuracy confusion_matrix "
        "precision recall divergence moment"
    ).split()
    assert not [key for key in wanted if key not in TERMS]


def test_anchors_are_unique_and_every_section_has_terms():
    anchors = [term.anchor for term in TERMS.values()]
    assert len(anchors) == len(set(anchors))
    assert all(re.fullmatch(r"[a-z0-9-]+", anchor) for anchor in anchors)
    assert list(by_section(list(TERMS.values()))) == list(SECTIONS)


def _sources() -> str:
    return "\n".join(path.read_text() for path in sorted((ROOT / "ui").rglob("*.py")))


def test_every_place_is_a_page_that_shows_it():
    pages = {p.path for p in PAGES}
    ui_text = _sources()
    for term in TERMS.values():
        assert term.where or term.value is None, term.key
        for path, place in term.where:
            assert path in pages and (ROOT / path).is_file(), (term.key, path)
            shown = place.removeprefix("Sidebar: ")
            sidebar = (ROOT / "ui" / "sidebar.py").read_text() + (ROOT / "ui" / "settings.py").read_text()
            where = sidebar if shown != place else (ROOT / path).read_text() + ui_text
            assert shown in where, f"{term.key}: {place!r} is not on {path}"


def test_every_symbol_has_balanced_braces():
    for term in TERMS.values():
        assert term.symbol.count("{") == term.symbol.count("}"), term.key


def test_each_activation_initialisation_and_optimizer_is_a_term_with_its_own_symbol():
    for name, entry in ACTIVATIONS.items():
        assert TERMS[name].symbol == entry.latex and TERMS[name].name == entry.label
    for name in (*INITS, *OPTIMIZERS):
        assert TERMS[name].symbol, name


def test_a_new_registry_entry_becomes_a_term_with_no_other_edit(monkeypatch):
    monkeypatch.setitem(ACTIVATIONS, "softplus", SOFTPLUS)
    terms = {term.key: term for term in build_terms()}
    assert terms["softplus"].name == "softplus (smooth ReLU)" and terms["softplus"].symbol == SOFTPLUS.latex
    assert terms["softplus"].definition.endswith(".")


# -- live values ----------------------------------------------------------------------------------------


def test_every_value_is_text_or_none_before_and_after_training(mnist, trained):
    fresh = Trainer(MLP([784, 16, 10]), mnist)
    no_hidden_layer = Trainer(MLP([784, 10]), mnist)
    no_hidden_layer.step(3)
    for run in (fresh, trained, no_hidden_layer):
        for term in TERMS.values():
            value = term.value_in(run)
            assert value is None or (isinstance(value, str) and value), term.key
    assert TERMS["loss"].value_in(fresh) == "no batch yet" and TERMS["accuracy"].value_in(fresh) is None
    assert TERMS["forward_pass"].value_in(trained) is None  # a term with no number


def test_the_values_are_nn_cores_numbers(trained):
    t = trained
    assert TERMS["learning_rate"].value_in(t) == "0.2" == f"{t.lr:g}"
    assert (
        TERMS["batch"].value_in(t) == f"32 digits per batch, {math.ceil(len(t.dataset.y_train) / 32)} batches per epoch"
    )
    assert TERMS["step"].value_in(t) == "50 so far"
    assert TERMS["epoch"].value_in(t) == f"{t.epochs_elapsed:.3g} epochs elapsed (0 complete)"
    assert t.epochs_elapsed == 50 * 32 / len(t.dataset.y_train)
    val = t.history["evals"].last("val_accuracy")
    assert val == t.evaluate("val")["accuracy"]  # the last evaluation is of the weights now (step 50)
    assert TERMS["accuracy"].value_in(t) == f"{val:.1%} on the validation digits (at step 50)"
    assert TERMS["momentum"].value_in(t) == "0 (SGD): each step follows the latest gradient alone"
    assert TERMS["parameter"].value_in(t) == f"{t.model.n_params:,} weights and biases"
    assert TERMS["cross_entropy"].value_in(t) == f"{t.evaluate('val')['loss']:.3g} on the validation digits"


def test_the_softmax_value_is_validation_digit_0s_probabilities(trained):
    X, y = trained.dataset.split("val")
    probs = trained.model.predict_proba(X[:1])[0]
    top = np.argsort(-probs, kind="stable")[:3]
    assert TERMS["softmax"].value_in(trained) == "validation digit 0: " + ", ".join(
        f"{probs[k]:.3g} for {k}" for k in top
    )
    assert TERMS["probability"].value_in(trained).endswith(f": {probs[y[0]]:.3g} for its true class")


def test_the_dead_units_are_the_trainers_own_count(mnist):
    run = Trainer(MLP([784, 32, 10]), mnist)
    run.step(3)
    run.model.params["b1"][:8] = -100.0  # 8 of the 32 units can never switch on, nor learn to
    run.step(2)  # evaluated at step 5
    X, _ = mnist.split("val")
    fraction = dead_unit_fraction(run.model.forward(X)["Z1"], run.model.activation)
    assert fraction == 0.25 == run.history["evals"].last("dead_fraction")[0]
    assert TERMS["dead_unit"].value_in(run) == "hidden layer 1: 25% (8 of 32) (at step 5)"


def test_a_value_follows_a_change_of_setting(trained):
    before = TERMS["learning_rate"].value_in(trained)
    trained.lr = 0.05
    try:
        assert TERMS["learning_rate"].value_in(trained) == "0.05" != before
    finally:
        trained.lr = 0.2


# -- search -------------------------------------------------------------------------------------------


def test_search_matches_names_and_definitions_in_any_case():
    found = [term.key for term in matching("SoftMax")]
    assert "softmax" in found and "logit" in found  # "before softmax" is in the logit's definition
    assert found == [term.key for term in TERMS.values() if "softmax" in f"{term.name} {term.definition}".lower()]
    assert "learning_rate" in [term.key for term in matching("learning rate")]
    assert matching("no such word here") == [] and len(matching("  ")) == len(TERMS)


# -- links ----------------------------------------------------------------------------------------------


def test_a_term_link_is_markdown_to_its_anchor_and_an_unknown_key_raises():
    assert glossary.term("learning_rate") == "[learning rate](/Glossary#learning-rate)"
    assert glossary.term("one_hot", "one-hot vector") == "[one-hot vector](/Glossary#one-hot)"
    assert glossary.glossary_url("pre_activation") == "/Glossary#pre-activation"
    for call in (glossary.term, glossary.glossary_url, glossary.link):
        with pytest.raises(KeyError):
            call("nope")


def test_page_urls_are_streamlits():
    assert [glossary.page_url(p.path) for p in PAGES][:3] == ["/", "/Data", "/Weights_and_biases"]
    assert glossary.page_url(glossary.GLOSSARY_PAGE) == "/Glossary"


LINKERS = {"term", "link", "glossary_url"}


def linked_keys(source: str) -> list[str]:
    """The literal keys of every ``glossary.term("...")``, ``glossary.link("...")`` and
    ``glossary.glossary_url("...")`` call in ``source`` (and of those names imported bare)."""
    tree = ast.parse(source)
    bare = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "ui.glossary"
        for alias in node.names
        if alias.name in LINKERS
    }
    keys = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        qualified = (
            isinstance(func, ast.Attribute) and func.attr in LINKERS and getattr(func.value, "id", "") == "glossary"
        )
        if (qualified or (isinstance(func, ast.Name) and func.id in bare)) and isinstance(node.args[0], ast.Constant):
            keys.append(node.args[0].value)
        row = (
            isinstance(func, ast.Attribute) and func.attr == "terms_row" and getattr(func.value, "id", "") == "glossary"
        )
        if row and isinstance(node.args[0], ast.Tuple):  # a page's line of words: every key literal
            keys += [element.value for element in node.args[0].elts if isinstance(element, ast.Constant)]
    return keys


def test_the_link_scanner_finds_every_kind_of_call():
    source = (
        "from ui import glossary\nfrom ui.glossary import term as t\n"
        "st.markdown(f\"the {glossary.term('learning_rate')} and {t('nope')}\")\nglossary.link(\"batch\")\n"
    )
    assert sorted(linked_keys(source)) == ["batch", "learning_rate", "nope"]
    assert linked_keys("glossary.terms_row(('epoch', 'nope'))") == ["epoch", "nope"]


def test_every_lesson_links_its_words_to_the_glossary():
    for page in ("1_Data", "2_Weights_and_biases", "3_Activations", "4_Forward_pass", "5_Backpropagation"):
        assert len(linked_keys((ROOT / "pages" / f"{page}.py").read_text())) >= 4, page


def test_every_term_a_page_links_exists():
    for path in [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py")), *sorted((ROOT / "ui").rglob("*.py"))]:
        missing = [key for key in linked_keys(path.read_text()) if key not in TERMS]
        assert not missing, f"{path.relative_to(ROOT)} links terms the glossary does not have: {missing}"


def test_a_link_is_a_page_link_to_the_glossary_carrying_the_term():
    drawn = []

    class Column:  # where a page would draw it: a column, a container, st itself
        def page_link(self, page, **options):
            drawn.append((page, options))

    glossary.link("learning_rate", where=Column())
    glossary.link("batch", "batches", where=Column())
    assert drawn == [
        (
            GLOSSARY,
            {"label": "learning rate", "icon": "📖", "query_params": {"term": "learning_rate"}, "width": "content"},
        ),
        (GLOSSARY, {"label": "batches", "icon": "📖", "query_params": {"term": "batch"}, "width": "content"}),
    ]


# -- the page -------------------------------------------------------------------------------------------


def _main_subheaders(at) -> list[str]:
    return [h.value for h in at.main.subheader]


def _shown_values(at) -> list[str]:
    return [m.value.removeprefix(LIVE) for m in at.main.markdown if m.value.startswith(LIVE)]


@pytest.fixture(scope="module")
def glossary_page():
    at = on_page(new_app(), "pages/6_Training.py")
    button(at, "Step ×10").click().run()
    at = on_page(at, GLOSSARY)
    assert not at.exception, at.exception
    return at


@pytest.mark.slow
def test_the_glossary_shows_every_term_with_its_live_value(glossary_page):
    at = glossary_page
    t = trainer(at)
    assert t.steps == 10 and "step **10**" in all_text(at)
    assert _main_subheaders(at) == [term.name for term in TERMS.values()]
    expected = [plain(v, limit=400) for term in TERMS.values() if (v := term.value_in(t)) is not None]
    assert _shown_values(at) == expected
    shown = _shown_values(at)
    assert f"{t.lr:g}" in shown and "0.1" in shown
    assert f"{t.history['evals'].last('val_accuracy'):.1%} on the validation digits (at step 10)" in shown
    assert (
        f"{t.batch_size} digits per batch, {math.ceil(len(t.dataset.y_train) / t.batch_size)} batches per epoch"
        in shown
    )
    assert f"{t.epochs_elapsed:.3g} epochs elapsed (0 complete)" in shown
    assert [s.value for s in at.main.header] == list(SECTIONS)


def test_the_places_are_links_to_their_pages(glossary_page):
    links = glossary_page.main.get("page_link")
    places = [path for term in TERMS.values() for path, _ in term.where]
    assert [link.proto.page for link in links] == [glossary.page_url(path).lstrip("/") for path in places]


@pytest.mark.slow
def test_the_search_filters_the_terms_and_says_when_none_matches(glossary_page):
    at = glossary_page
    at.text_input(key="glossary_search").set_value("softmax").run()
    assert _main_subheaders(at) == [term.name for term in matching("softmax")]
    assert "softmax" in _main_subheaders(at) and "weight" not in _main_subheaders(at)
    at.text_input(key="glossary_search").set_value("no such word").run()
    assert _main_subheaders(at) == [] and "No term has *no such word*" in all_text(at)
    at.text_input(key="glossary_search").set_value("").run()
    assert len(_main_subheaders(at)) == len(TERMS)


@pytest.mark.slow
def test_a_link_to_one_term_shows_it_first_and_keeps_the_network():
    at = on_page(new_app(), "pages/6_Training.py")
    button(at, "Step ×10").click().run()
    before = trainer(at)
    at.query_params[glossary.TERM] = "learning_rate"
    at = on_page(at, GLOSSARY)
    assert not at.exception and trainer(at) is before
    assert _main_subheaders(at)[0] == "learning rate" and _main_subheaders(at).count("learning rate") == 2
    assert "The term the link asked for" in all_text(at)


def test_term_objects_are_frozen():
    with pytest.raises(AttributeError):
        TERMS["weight"].name = "knob"
    assert isinstance(TERMS["weight"], Term)
