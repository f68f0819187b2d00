"""Research scripts: they read the reference data and write shipped data or docs pages.

Not part of the installed package (see ARCHITECTURE.md, "Research scripts are not the
library"). Run them from the project root, e.g. ``python tools/fit_calibrated.py``.
"""
