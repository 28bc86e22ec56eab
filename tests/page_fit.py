"""What a page asks of a reader in its default state, measured in the browser: its height, the
words of prose and the charts drawn in the main area (the limits: ``tests/test_browser_fit.py``).

Prose is the main area's text outside charts, formulas, icons, tables and closed folds; a chart is
a Plotly chart or an image outside a closed fold. A closed fold draws nothing (``ui.widgets.fold``)."""

from __future__ import annotations

from dataclasses import dataclass

MEASURE = r"""() => {
    const main = document.querySelector('[data-testid="stMain"]');
    const block = main.querySelector('[data-testid="stMainBlockContainer"]') || main;
    const closed = (e) => { const d = e.closest('details'); return d && !d.open && !e.closest('summary'); };
    const charts = [...block.querySelectorAll('[data-testid="stPlotlyChart"], [data-testid="stImage"], [data-testid="stFullScreenFrame"] img')]
        .filter((e) => !closed(e) && e.getBoundingClientRect().height > 0);
    const seen = new Set();
    const unique = charts.filter((e) => { const box = e.closest('[data-testid="stElementContainer"]') || e; if (seen.has(box)) return false; seen.add(box); return true; });
    const copy = block.cloneNode(true);
    const skip = '[data-testid="stPlotlyChart"], [data-testid="stImage"], .katex, .katex-display, [data-testid="stDataFrame"], '
        + '[data-testid="stTable"], [data-testid="stIconMaterial"], [data-testid="stTooltipIcon"], [data-testid="stCode"], '
        + 'svg, style, script, [data-testid="stCaptionContainer"] .katex';
    copy.querySelectorAll(skip).forEach((e) => e.remove());
    copy.querySelectorAll('details:not([open])').forEach((d) => [...d.children].forEach((c) => { if (c.tagName !== 'SUMMARY') c.remove(); }));
    const words = (copy.textContent || '').split(/\s+/).filter((w) => /[A-Za-z]/.test(w)).length;
    const folds = block.querySelectorAll('details').length;
    return {height: block.scrollHeight, words: words, charts: unique.length, folds: folds};
}"""


@dataclass(frozen=True)
class Fit:
    height: int  # px of the main area's content
    words: int
    charts: int
    folds: int


def measure(page) -> Fit:
    found = page.evaluate(MEASURE)
    return Fit(int(found["height"]), int(found["words"]), int(found["charts"]), int(found["folds"]))
