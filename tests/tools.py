"""Tests that need a tool from outside Python (Chromium, poppler, axe-core, the Korean
font, redis-server) call `require_tool` when they run, never at import: a machine
without the tool collects the whole suite and skips those tests, each naming the tool
and how to install it.

bin/test installs every tool first and sets WEGO_STRICT_TOOLS=1, under which such a
skip is a failure (the hooks below): a tool that went missing cannot pass the suite
silently. Registered by tests/conftest.py (`pytest_plugins`).
"""

import os
import shutil
from pathlib import Path

import pytest

MISSING = "missing tool: "
ROOT = Path(__file__).resolve().parent.parent
# WEGO_AXE_JS: another copy (tests/test_tools.py names a missing one).
AXE_JS = Path(os.environ.get("WEGO_AXE_JS") or ROOT / "node_modules" / "axe-core" / "axe.min.js")
NANUM_DIRS = (Path("/usr/share/fonts/truetype/nanum"), Path.home() / ".fonts", Path.home() / ".local/share/fonts")


def require_tool(tool, present, install):
    """Skip the running test unless `present`; the reason names `tool` and `install`."""
    if not present:
        pytest.skip(f"{MISSING}{tool} ({install})")


def require_program(name, package):
    """The path of the program `name`, or skip naming the apt `package` that has it."""
    path = shutil.which(name)
    require_tool(name, path is not None, f"apt-get install {package}")
    return path


def require_axe():
    """axe-core's script from node_modules (an npm dev dependency, never fetched)."""
    require_tool("axe-core", AXE_JS.is_file(), "npm ci, or bin/setup --deps-only")
    return AXE_JS


def require_nanum_font():
    present = any(any(d.glob("Nanum*.ttf")) for d in NANUM_DIRS if d.is_dir())
    require_tool("NanumGothic", present, "apt-get install fonts-nanum")


def _strict():
    return os.environ.get("WEGO_STRICT_TOOLS") == "1"


def _as_failure(report):
    reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
    if MISSING in reason:
        report.outcome = "failed"
        report.longrepr = f"{reason}\nWEGO_STRICT_TOOLS=1 (bin/test installs every tool): this skip is a failure."


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.skipped and _strict():
        _as_failure(report)


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):
    outcome = yield
    report = outcome.get_result()
    if report.skipped and _strict():
        _as_failure(report)
