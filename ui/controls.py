"""Controls that a timer cannot undo: the server never writes a widget's key.

Why a written key raced the learner (seen on the Training page while Play ran, and confirmed by
logging on the server; see docs/live.md): a control was given its setting's value from the server
before every draw (its key written in the session's state), at every Play tick. A widget whose key
is written is sent to the browser with "set this value", which overrides whatever the browser
holds, including a move the learner made while that tick was running. Meanwhile the browser's
own timer sends a tick request on its own clock, and every request carries the browser's values
of all its widgets. On the server a value that differs from the last one it knew reads exactly
like the learner's move: it runs the control's ``on_change``, even for a control outside the
running fragment. So an old value, overwritten into the browser by one tick or carried by a
request sent before the browser heard of a change, came back as a "move" and undid the learner's.

How these controls avoid it: control ``base`` is a widget keyed ``base@g`` and drawn with the
value it had when generation ``g`` began as its default; from then on nothing but the browser
ever gives it a value, so what arrives under that key is the learner's own doing, in the order
they did it. When the value changes from elsewhere (a hint's fix, the restore after a blow-up, a
link, the learning-rate finder, Undo, a loaded run, or the options of the control changing), the
next draw finds that the control's value is not the one it should show and starts generation
``g + 1``: a new widget, born with the new value. A copy of the old widget's value still on its
way from a browser names a widget that no longer exists: Streamlit keeps it as a stray value and
runs no callback for it. The learner's keyboard focus stays on a control while its generation
does, that is, through every tick; it moves only when something else changed the value.

A control a run does not draw (a display stands in for it while the past plays; no time slider at
step 0) is retired by itself: inside a ``scope`` (the live area's fragment), every control drawn
in the scope's last run but not in this one starts a new generation when the run ends, so a value
for it still on its way from the browser is nobody's move (Streamlit runs the callback of a
widget a fragment run did not draw when such a value arrives: the time slider's "now" stopped
Play the past at its first moments). Outside a fragment, a full run that does not draw a widget
drops it, and Streamlit itself runs no callback for it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable

import streamlit as st

from nn_core.settings import SETTINGS

from . import state
from .settings import DISPLAY
from .text import plain

KEY_GENERATIONS = "_control_generations"  # base -> (generation, the identity it was made with)
KEY_SCOPES = "_control_scopes"  # scope -> the bases its last run drew
KEY_DRAWING = "_control_drawing"  # the bases drawn so far, while a scope's run draws
VALUE_PARAMETER = {"selectbox": "index", "segmented_control": "default", "radio": "index"}


def key_for(base: str, value, identity=()) -> str:
    """The widget key of control ``base`` that shows ``value``. ``identity`` is what else makes
    the widget (its options): when it changes, so does the key. The widget is drawn with ``value``
    as its default, which Streamlit uses only when the key has no value of its own (a new
    generation, or a page that had not drawn it): a widget's identity is its key alone."""
    generations = state.default_value(KEY_GENERATIONS, {})
    generation, made_of = generations.get(base, (0, identity))
    held = state.widget_value(f"{base}@{generation}", value)
    if made_of != identity or held != value:
        generation += 1
    generations[base] = (generation, identity)
    return f"{base}@{generation}"


@contextlib.contextmanager
def scope(name: str):
    """Controls drawn inside are the scope's; when its run ends, a control its last run drew and
    this one did not is retired. A run cut short (``st.rerun`` raises) retires nothing: it did not
    draw the scope."""
    drawn: set[str] = set()
    state.set_widget_value(KEY_DRAWING, drawn)
    try:
        yield
    finally:
        state.forget(KEY_DRAWING)
    scopes = state.default_value(KEY_SCOPES, {})
    for base in scopes.get(name, set()) - drawn:
        retire(base)
    scopes[name] = drawn


def retire(base: str) -> None:
    """Control ``base`` is not drawn in this run: its present widget is retired, so a value for it
    still on its way from the browser is nobody's move (``scope`` does this by itself)."""
    generations = state.default_value(KEY_GENERATIONS, {})
    generation, identity = generations.get(base, (0, ()))
    generations[base] = (generation + 1, identity)


def value_of(base: str, default=None):
    """What control ``base`` shows now (``default`` if it was never drawn)."""
    made = state.widget_value(KEY_GENERATIONS, {}).get(base)
    return default if made is None else state.widget_value(f"{base}@{made[0]}", default)


def _moved(base: str, key: str, then: Callable[[object], None]) -> None:
    """A control's callback: ``then(value)``, only for the control's present generation.
    Streamlit can run the callback of a generation already replaced (seen: the time slider's old
    one, with the old value, stopped "Play the past" as it began)."""
    made = state.widget_value(KEY_GENERATIONS, {}).get(base)
    if made is not None and key == f"{base}@{made[0]}":
        then(state.widget_value(key))


def draw(
    where,
    widget: str,
    label: str,
    base: str,
    value,
    on_change: Callable[[object], None] | None = None,
    identity=(),
    **kwargs,
):
    """Draw control ``base`` (``where.<widget>(label, ...)``) showing ``value``; ``on_change`` gets
    the control's new value when the learner moves it. Returns the widget's value."""
    key, default = key_for(base, value, identity), value
    drawing = state.widget_value(KEY_DRAWING)
    if drawing is not None:
        drawing.add(base)
    parameter = VALUE_PARAMETER.get(widget, "value")
    if parameter == "index":
        options = list(kwargs.get("options", ()))
        default = options.index(default) if default in options else 0
    if on_change is not None:
        kwargs |= {"on_change": _moved, "args": (base, key, on_change)}
    return getattr(where, widget)(label, key=key, **{parameter: default}, **kwargs)


def copy_to_settings(name: str, value) -> None:
    """A control of setting ``name`` moved to ``value`` (a text box's text is parsed first)."""
    display = DISPLAY[name]
    try:
        if display.control == "text_input":
            value = display.from_text(value)
        state.update_settings(**{name: value})
    except ValueError as error:
        state.notice(f"{display.label}: {plain(error)}", "error")


def setting(name: str, where=st, on_change=None, **extra) -> None:
    """The control of setting ``name`` as ``ui.settings.DISPLAY`` describes it, bound to the
    session's settings through ``draw`` (never written while it is drawn); ``on_change``
    runs after the setting took the new value."""
    display, spec = DISPLAY[name], SETTINGS[name]
    value = getattr(state.settings(), name)
    kwargs = {"help": display.help or None, **extra}
    identity = ()
    if display.choices is not None:
        options = display.options()
        kwargs |= {"options": options, "format_func": display.shown}
        identity = tuple(options)
    elif display.control == "slider":
        kwargs |= {"min_value": float(spec.low), "max_value": float(spec.high), "step": display.step}
    elif display.control == "number_input":
        kwargs |= {"min_value": int(spec.low), "max_value": int(spec.high), "step": 1}
    elif display.control == "text_input":
        value = display.to_text(value)

    def moved(new) -> None:
        copy_to_settings(name, new)
        if on_change is not None:
            on_change()

    draw(where, display.control, display.label, f"_{name}", value, moved, identity, **kwargs)
