"""Starting the processes a benchmark script measures: one place for both scripts."""

from __future__ import annotations

import re
import subprocess
import time
from pathlib import Path


def start(command, pattern, log, seconds=120):
    """Starts `command` with its output in `log`; returns the process and the first group of `pattern`
    once the output matches it. Stops the script, showing the output, when it does not in `seconds`."""
    process = subprocess.Popen(command, stdout=open(log, "wb"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = re.search(pattern, Path(log).read_text(errors="replace"))
        if found:
            return process, found.group(1)
        if process.poll() is not None:
            break
        time.sleep(0.1)
    process.kill()
    raise SystemExit(f"{command} did not start:\n{Path(log).read_text(errors='replace')}")
