"""CI audits the locked dependencies and fails on a known vulnerability."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def audit_module():
    spec = importlib.util.spec_from_file_location("ci_audit", ROOT / ".ci/audit.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def dep(name, vulns=(), skip_reason=None):
    entry = {"name": name, "version": "1.0", "vulns": list(vulns)}
    if skip_reason:
        entry = {"name": name, "skip_reason": skip_reason}
    return entry


def test_ci_runs_the_dependency_audit_on_the_lock_file():
    assert ".ci/audit.py requirements.lock" in (ROOT / ".ci/run").read_text()


def test_audit_fails_on_a_known_vulnerability():
    report = {"dependencies": [dep("django", [{"id": "PYSEC-1", "fix_versions": ["5.2.20"]}]), dep("nh3")]}
    status, message = audit_module().verdict(report)
    assert status == 1 and "django 1.0: PYSEC-1, fixed in 5.2.20" in message


def test_audit_passes_a_clean_lock_file():
    status, _ = audit_module().verdict({"dependencies": [dep("django"), dep("nh3")]})
    assert status == 0


def test_audit_warns_and_passes_when_the_vulnerability_service_is_unreachable():
    report = {"dependencies": [dep("django", skip_reason="not found on PyPI"), dep("nh3", skip_reason="x")]}
    status, message = audit_module().verdict(report)
    assert status == 0 and message.startswith("WARNING") and "none of the 2" in message


def test_audit_fails_when_only_some_packages_could_be_checked():
    report = {"dependencies": [dep("django"), dep("nh3", skip_reason="timed out")]}
    status, message = audit_module().verdict(report)
    assert status == 1 and "nh3" in message


def test_test_extra_pins_the_tools_security_tests_need():
    lock = (ROOT / "requirements.lock").read_text()
    assert "\nhypothesis==" in lock and "\npip-audit==" in lock
