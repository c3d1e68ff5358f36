"""A missing tool skips the test that needs it, naming the tool; under bin/test
(WEGO_STRICT_TOOLS=1) that skip is a failure. Run in a throw-away pytest session
(pytester) with only tests/tools.py as a plugin."""

import sys
from pathlib import Path

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parent.parent

NEEDS_A_TOOL = """
from tests.tools import require_program, require_tool

def test_needs_a_program_nobody_has():
    require_program("wego-no-such-program", "wego-no-such-package")

def test_needs_a_tool_that_is_there():
    require_tool("python", True, "always there")

def test_skipped_for_another_reason():
    import pytest
    pytest.skip("not a tool")
"""


def _run(pytester, monkeypatch, strict):
    monkeypatch.setenv("WEGO_STRICT_TOOLS", "1" if strict else "0")
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    pytester.makepyfile(test_needs=NEEDS_A_TOOL)
    return pytester.runpytest_subprocess("-p", "tests.tools", "-p", "no:django", "-rsf")


def test_a_missing_tool_skips_with_its_name_and_package(pytester, monkeypatch):
    result = _run(pytester, monkeypatch, strict=False)
    result.assert_outcomes(passed=1, skipped=2)
    result.stdout.fnmatch_lines(["*missing tool: wego-no-such-program (apt-get install wego-no-such-package)*"])


def test_under_bin_test_a_missing_tool_fails_and_other_skips_stay_skips(pytester, monkeypatch):
    result = _run(pytester, monkeypatch, strict=True)
    result.assert_outcomes(passed=1, skipped=1, failed=1)
    result.stdout.fnmatch_lines(["*missing tool: wego-no-such-program*", "*WEGO_STRICT_TOOLS=1*"])


def test_the_browser_tests_collect_on_a_machine_without_any_tool(pytester, monkeypatch):
    """No Chromium, axe-core, poppler or redis-server, under bin/test's strict setting:
    every browser test is still collected (what they need is checked when they run)."""
    monkeypatch.setenv("WEGO_STRICT_TOOLS", "1")
    monkeypatch.setenv("PATH", str(Path(sys.executable).parent))
    monkeypatch.setenv("CHROMIUM_PATH", "/nonexistent/chromium")
    monkeypatch.setenv("WEGO_AXE_JS", "/nonexistent/axe.min.js")
    result = pytester.runpytest_subprocess(
        "--collect-only",
        "-q",
        "-c",
        str(ROOT / "pyproject.toml"),
        "--rootdir",
        str(ROOT),
        str(ROOT / "tests" / "browser"),
    )
    assert result.ret == 0, result.stdout.str()[-2000:]
    result.stdout.fnmatch_lines(["*test_upload_progress.py::*"])
