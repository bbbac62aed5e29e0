"""The parts of bench/run.py, one module each: imports (a), lists (b), page500 (c), http (d)."""
