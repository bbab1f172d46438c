"""Audit requirements.lock against known vulnerabilities with pip-audit; exit 1 on any finding.

pip-audit asks PyPI's JSON API (which carries the advisories) about each pinned version. When
that service cannot be reached, pip-audit skips every package and would pass silently: this
script says so loudly instead and passes, because a CI machine without access cannot audit;
a run where only some packages were skipped fails, since that hides packages nobody checked.

    .venv/bin/python .ci/audit.py [requirements.lock]
"""

import json
import subprocess
import sys
import tempfile
from pathlib import Path


def verdict(report):
    """(exit status, message) for pip-audit's JSON report."""
    dependencies = report.get("dependencies", [])
    vulnerable = [d for d in dependencies if d.get("vulns")]
    skipped = [d for d in dependencies if d.get("skip_reason")]
    if vulnerable:
        lines = [
            f"  {d['name']} {d['version']}: {v['id']}, fixed in {', '.join(v.get('fix_versions') or ['-'])}"
            for d in vulnerable
            for v in d["vulns"]
        ]
        return 1, "pip-audit: known vulnerabilities in requirements.lock:\n" + "\n".join(lines)
    if dependencies and len(skipped) == len(dependencies):
        return 0, (
            "WARNING: pip-audit could not reach its vulnerability service (PyPI's JSON API): "
            f"none of the {len(dependencies)} locked packages was audited.\n"
            f"  first reason: {skipped[0]['skip_reason']}"
        )
    if skipped:
        names = ", ".join(f"{d['name']} ({d['skip_reason']})" for d in skipped)
        return 1, f"pip-audit: some packages could not be audited: {names}"
    if not dependencies:
        return 1, "pip-audit: the report lists no packages"
    return 0, f"pip-audit: no known vulnerabilities in {len(dependencies)} locked packages"


def main(lock="requirements.lock"):
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "audit.json"
        subprocess.run(
            [
                sys.executable, "-m", "pip_audit", "--requirement", lock, "--require-hashes", "--disable-pip",
                "--progress-spinner", "off", "--format", "json", "--output", str(out),
            ],
            check=False,
        )
        if not out.exists():
            print("pip-audit produced no report", file=sys.stderr)
            return 1
        status, message = verdict(json.loads(out.read_text()))
    print(message, file=sys.stderr if status or message.startswith("WARNING") else sys.stdout)
    return status


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
