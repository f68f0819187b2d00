"""The full HTML report of ukraine-2025 with 10,000 Monte Carlo variants: time and size.

* whole process: ``negotia report ukraine-2025 -o FILE -n N`` as a user runs it (wall
  time, from start-up to the file written), then the same with ``--png DIR``;
* in process: :func:`negotia.report.collect` part by part (what the library computes:
  forecasts, each Monte Carlo model, sensitivity, bargaining, agents, guarantees,
  forecasts over time), then rendering the HTML page and writing the PNG/SVG files
  (what the presenters add).

Prints Markdown tables (see bench/README.md).  ``--quick`` uses 1,000 variants.
"""

from __future__ import annotations

import itertools
import subprocess
import sys
import tempfile
import time
from pathlib import Path

N = 1_000 if "--quick" in sys.argv else 10_000


def whole_process(out: Path, *extra: str) -> float:
    exe = Path(sys.executable).with_name("negotia")
    cmd = [str(exe) if exe.exists() else sys.executable, *([] if exe.exists() else ["-m", "negotia"])]
    t0 = time.perf_counter()
    subprocess.run(
        [*cmd, "report", "ukraine-2025", "-o", str(out), "-n", str(N), *extra],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - t0


def in_process(folder: Path) -> list[tuple[str, float]]:
    import negotia
    from negotia.report import all_charts, collect, render_html, write_images

    sc = negotia.load_scenario("ukraine-2025")
    marks: list[tuple[str, float]] = []
    data = collect(sc, montecarlo=N, progress=lambda part: marks.append((part, time.perf_counter())))
    marks.append(("end", time.perf_counter()))
    rows = [(f"collect: {a}", t1 - t0) for (a, t0), (_, t1) in itertools.pairwise(marks)]
    rows.append(("collect: total (library)", marks[-1][1] - marks[0][1]))
    t0 = time.perf_counter()
    html = render_html(data)
    rows.append(
        (
            f"render HTML ({len(all_charts(data))} charts, {len(html.encode()) / 1e6:.1f} MB)",
            time.perf_counter() - t0,
        )
    )
    t0 = time.perf_counter()
    files = write_images(data, folder)
    rows.append((f"write PNG + SVG ({len(files)} files, matplotlib)", time.perf_counter() - t0))
    return rows


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.html"
        html_s = whole_process(out)
        size = out.stat().st_size
        png_s = whole_process(Path(tmp) / "r2.html", "--png", str(Path(tmp) / "img"))
        images = sum(f.stat().st_size for f in (Path(tmp) / "img").iterdir())
        print(f"### Whole process: `negotia report ukraine-2025 -n {N:,}`\n")
        print("| command | wall (s) | output |")
        print("|---|---:|---:|")
        print(f"| `-o report.html` | {html_s:.1f} | {size / 1e6:.2f} MB HTML |")
        print(f"| `-o report.html --png DIR` | {png_s:.1f} | + {images / 1e6:.2f} MB PNG/SVG |")
        rows = in_process(Path(tmp) / "inproc")
    print(f"\n### In process, part by part ({N:,} variants per Monte Carlo model)\n")
    print("| part | wall (s) |")
    print("|---|---:|")
    for name, seconds in rows:
        print(f"| {name} | {seconds:.2f} |")


if __name__ == "__main__":
    main()
