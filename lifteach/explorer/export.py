"""What a run says in words and as files: the summary line, CSV text, and download links.

Pure functions of a ``Result`` (and bytes): the explorer shows them, tests and notebooks call them directly.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping

from lifteach.simulate import Result

__all__ = ["download_links", "result_csv", "summary_text"]


def summary_text(result: Result) -> str:
    """One line about a run: total spikes, mean rate (Hz) and the share of neurons that never fired."""
    counts = result.spikes_per_neuron
    total = int(counts.sum())
    rate = total / (result.n_neurons * result.duration)
    silent = float((counts == 0).mean())
    spikes = "spike" if total == 1 else "spikes"
    neurons = "neuron" if result.n_neurons == 1 else "neurons"
    return (
        f"{total:,} {spikes} from {result.n_neurons:,} {neurons} in {result.duration * 1000:g} ms · "
        f"mean rate {rate:.3g} Hz · {silent:.1%} of neurons silent"
    )


def result_csv(result: Result, settings: Mapping[str, object] | None = None) -> str:
    """A run as CSV text: one row per spike of every neuron and per recorded trace value.

    Columns ``quantity,neuron,time_ms,value`` with ``quantity`` one of ``spike`` (value 1), ``v`` and ``i``;
    comment lines starting with ``#`` hold the settings (``pandas.read_csv(..., comment="#")`` skips them).
    """
    dt_ms = result.dt * 1000.0
    lines = ["# lifteach run"]
    if settings:
        lines.append("# settings: " + ", ".join(f"{name}={value!r}" for name, value in settings.items()))
    lines.append(
        f"# dt = {dt_ms:g} ms, {result.n_steps} steps, {result.n_neurons} neurons; spikes of every neuron, "
        f"traces of neurons {result.recorded_neurons.tolist()}"
    )
    lines.append("quantity,neuron,time_ms,value")
    steps, neurons = result.spike_indices()
    lines.extend(
        f"spike,{n},{t * dt_ms:.10g},1" for t, n in zip(steps.tolist(), neurons.tolist(), strict=True)
    )
    times = [f"{t * dt_ms:.10g}" for t in range(result.n_steps)]
    for name, traces in (("v", result.v), ("i", result.i)):
        if traces is None:
            continue
        for column, neuron in enumerate(result.recorded_neurons.tolist()):
            values = traces[:, column].tolist()
            lines.extend(f"{name},{neuron},{t},{value:.9g}" for t, value in zip(times, values, strict=True))
    return "\n".join(lines) + "\n"


def download_links(png: bytes, csv: str) -> str:
    """HTML links that download the figure (PNG) and the run (CSV) from the page, with their sizes in kB.

    The files travel inside the links (data URLs): no server route is needed, so they work in JupyterLab,
    Notebook 7, Voila and a page saved to disk alike.
    """
    links = []
    for data, mime, filename, what in (
        (png, "image/png", "lifteach-figure.png", "figure (PNG)"),
        (csv.encode(), "text/csv", "lifteach-run.csv", "spikes and traces (CSV)"),
    ):
        encoded = base64.b64encode(data).decode("ascii")
        links.append(
            f'<a download="{filename}" href="data:{mime};base64,{encoded}" '
            f'style="text-decoration:underline">{what}, {len(data) / 1000:.0f} kB</a>'
        )
    return "Download: " + " · ".join(links)
