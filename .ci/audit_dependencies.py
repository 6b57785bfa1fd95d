"""Audit the pinned dependencies of pyproject.toml (runtime and test extras) with pip-audit.

Exits 0 when no known vulnerability is found, or when the vulnerability service cannot be
reached (it says so: an outage of someone else's service must not stop a build); exits 1 on a
real finding or on any other failure of the audit.
"""

import json
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
UNREACHABLE = ("ConnectionError", "your network may be blocking", "Max retries", "ServiceError")


def pinned_requirements():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        requirements += extra
    loose = [requirement for requirement in requirements if "==" not in requirement]
    if loose:
        sys.exit(
            f"pyproject.toml: pin these exactly (name==version) so they can be audited: {loose}"
        )
    return sorted(set(requirements))


def main():
    with tempfile.NamedTemporaryFile("w", suffix=".txt") as requirements:
        requirements.write("\n".join(pinned_requirements()) + "\n")
        requirements.flush()
        result = subprocess.run(  # noqa: S603
            [
                sys.executable,
                "-m",
                "pip_audit",
                "--requirement",
                requirements.name,
                "--no-deps",
                "--disable-pip",
                "--progress-spinner",
                "off",
                "--format",
                "json",
            ],
            capture_output=True,
            text=True,
            check=False,
        )
    try:
        dependencies = json.loads(result.stdout)["dependencies"]
    except (ValueError, KeyError):
        if any(sign in result.stderr for sign in UNREACHABLE):
            print(
                "dependency audit: SKIPPED, the vulnerability service could not be reached; "
                "the build goes on without it (run .ci/audit_dependencies.py again later)"
            )
            return 0
        print(result.stdout + result.stderr)
        print("dependency audit: FAILED, pip-audit did not give a report (see above)")
        return 1

    findings = [d for d in dependencies if d.get("vulns")]
    skipped = [d for d in dependencies if "skip_reason" in d]
    for dependency in findings:
        for vuln in dependency["vulns"]:
            fixes = ", ".join(vuln.get("fix_versions", [])) or "none yet"
            print(f"{dependency['name']} {dependency['version']}: {vuln['id']} (fixed in {fixes})")
    if findings:
        print(f"dependency audit: FAILED, {len(findings)} pinned dependencies are vulnerable")
        return 1
    audited = len(dependencies) - len(skipped)
    if skipped:
        print(
            f"dependency audit: the vulnerability service had no answer for {len(skipped)} of "
            f"{len(dependencies)} pinned dependencies ("
            + ", ".join(d["name"] for d in skipped)
            + "); they were NOT audited, the build goes on"
        )
    print(f"dependency audit: {audited} pinned dependencies audited, no known vulnerabilities")
    return 0


if __name__ == "__main__":
    sys.exit(main())
