"""The Training page's sections about runs through time: the probe digits' curves, and the ledger
of the session's runs (their curves overlaid, a table, rename, remove, bring back)."""

from __future__ import annotations

import streamlit as st

from lessons import probes

from . import live, moments, state
from .figures import images
from .figures import timeline as figures

KEY_PROBES = "probe_rows"  # (dataset name, the validation rows of the probe digits)
KEY_OVERLAY, KEY_OVERLAY_SEEN = "_runs_overlaid", "_runs_seen"
KEY_RUN = "_run_chosen"
KEY_RENAME = "_run_rename"
KEY_TAB = "through_time_tab"  # the open tab of the Training page's "Through time"


# -- probe digits ----------------------------------------------------------------------------------


def probe_rows() -> list[int]:
    """The probe digits' validation rows: one per class unless the learner swapped some."""
    data = state.dataset()
    kept = state.widget_value(KEY_PROBES)
    if kept is None or kept[0] != data.name or max(kept[1], default=0) >= len(data.y_val):
        kept = (data.name, probes.default_probes(data.y_val, data.n_classes))
        state.set_widget_value(KEY_PROBES, kept)
    return list(kept[1])


def swap_probe(position: int) -> None:
    """Another validation digit of the same class in place of probe ``position``."""
    data, rows = state.dataset(), probe_rows()
    label = int(data.y_val[rows[position]])
    same = [i for i in range(len(data.y_val)) if int(data.y_val[i]) == label]
    rows[position] = same[(same.index(rows[position]) + 1) % len(same)]
    state.set_widget_value(KEY_PROBES, (data.name, rows))


def probes_section() -> None:
    trainer, moment = state.trainer(), moments.moment()
    data, rows = trainer.dataset, probe_rows()
    st.markdown(
        "**Probe digits.** The same validation digits, one of each class, read by the network at every kept moment: "
        "each curve is the probability it gave the right answer. Which are learned first, and which wobble?"
    )
    X, y = data.split("val")
    columns = st.columns(len(rows))
    for i, (column, row) in enumerate(zip(columns, rows)):
        column.image(
            images.digit_rgb(X[row], data.image_shape, scale=2),
            caption=f"#{row}",
            width=56,
            alt=f"probe digit: validation row {row}, a handwritten {data.class_names[int(y[row])]}",
        )
        column.button("Swap", key=f"swap_probe_{i}", on_click=swap_probe, args=(i,), help="Another digit of this class")

    def build():
        steps, probabilities = probes.probe_curves(trainer, rows)
        titles = [f"{data.class_names[int(y[row])]} (#{row})" for row in rows]
        return figures.probe_figure(steps, probabilities, titles, moment.steps if moment.is_past else None)

    version = (trainer.serial, trainer.revision, tuple(trainer.snapshot_steps()), tuple(rows), moment.steps)
    st.plotly_chart(live.cached_figures({"probes": (version, build)})["probes"], key="probes")


# -- the ledger of runs ----------------------------------------------------------------------------


def _rename() -> None:
    state.ledger().rename(state.widget_value(KEY_RUN), state.widget_value(KEY_RENAME) or "")


def _remove() -> None:
    serial = state.widget_value(KEY_RUN)
    if serial != state.trainer().serial:
        state.ledger().remove(serial)


def _bring_back() -> None:
    moments.bring_back(state.widget_value(KEY_RUN))
    state.notice("That run is the present network again: train it on, or look at it on every page.", "success")


def _time(seconds: float) -> str:
    return f"{seconds:.1f} s" if seconds < 60 else f"{seconds / 60:.1f} min"


def _overlay(ledger, entries: dict, ticked: list[int], present):
    labels = ledger.legend_labels(ticked)
    curves = []
    for serial in ticked:
        t = entries[serial].trainer
        steps, evals = t.history["steps"], t.history["evals"]
        curves.append(
            {
                "label": labels[serial],
                "colour": figures.run_colour(entries[serial].number),
                "steps": steps.column("step"),
                "losses": steps.column("loss"),
                "eval_steps": evals.column("step"),
                "val_accuracy": evals.column("val_accuracy"),
                "present": serial == present.serial,
            }
        )
    return figures.runs_overlay(curves)


def runs_section() -> None:
    ledger, present = state.ledger(), state.trainer()
    entries = {e.trainer.serial: e for e in ledger.runs}
    st.markdown(
        "**Your runs.** Each new network, replay or continuation is a run; this session keeps "
        f"{len(entries)} (at most 8: their settings, history and final weights). Tick some to overlay "
        "their curves: the legend names only the settings that differ."
        + (
            " With one run there is nothing to compare yet: change a setting and press **Replay with these "
            "settings**, or start a new network."
            if len(entries) == 1
            else ""
        )
    )
    names = {serial: f"{e.name}{' (present)' if serial == present.serial else ''}" for serial, e in entries.items()}
    # every run is ticked when it first appears (a replay is made to be compared); unticking stays
    seen = state.widget_value(KEY_OVERLAY_SEEN) or set()
    ticked = [s for s in state.widget_value(KEY_OVERLAY, []) or [] if s in entries]
    ticked += [s for s in entries if s not in seen and s not in ticked]
    state.set_widget_value(KEY_OVERLAY, ticked)
    state.set_widget_value(KEY_OVERLAY_SEEN, seen | set(entries))
    ticked = st.multiselect("Overlay", list(entries), format_func=names.get, key=KEY_OVERLAY)
    if ticked:
        version = (ledger.version, tuple(ticked), present.serial, tuple(entries[s].trainer.revision for s in ticked))
        figure = live.cached_figures({"runs_overlay": (version, lambda: _overlay(ledger, entries, ticked, present))})
        st.plotly_chart(figure["runs_overlay"], key="runs_overlay")
    rows = ledger.rows()
    st.dataframe(
        [
            {
                "run": names[r["serial"]],
                "settings": r["settings"],
                "steps": r["steps"],
                "best val. accuracy": None if r["best_at_step"] is None else 100 * r["best_val_accuracy"],
                "at step": r["best_at_step"],
                "time trained": _time(r["seconds_trained"]),
                "from": r["origin"],
            }
            for r in rows
        ],
        hide_index=True,
        width="stretch",
        column_config={
            "best val. accuracy": st.column_config.NumberColumn(format="%.1f%%"),
            "settings": st.column_config.TextColumn(width="large"),
        },
        key="runs_table",
    )
    if state.widget_value(KEY_RUN) not in entries:
        state.set_widget_value(KEY_RUN, present.serial)
    chosen, name, rename, back, remove = st.columns([2, 2, 1, 1.3, 1], vertical_alignment="bottom")
    chosen.selectbox("Run", list(entries), format_func=names.get, key=KEY_RUN)
    is_present = state.widget_value(KEY_RUN) == present.serial
    name.text_input("New name", key=KEY_RENAME, max_chars=40, placeholder="e.g. small steps")
    rename.button("Rename", on_click=_rename, key="rename_run", width="stretch")
    back.button(
        "Bring back", icon="↩️", on_click=_bring_back, disabled=is_present, key="bring_back_run", width="stretch"
    )
    remove.button("Remove", icon="🗑️", on_click=_remove, disabled=is_present, key="remove_run", width="stretch")
