"""The CI dependency audit (.ci/audit_dependencies.py): fails on a finding, not on an outage."""

import importlib.util
import json
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / ".ci" / "audit_dependencies.py"


@pytest.fixture
def audit(monkeypatch):
    spec = importlib.util.spec_from_file_location("audit_dependencies", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    calls = []

    def answer(stdout="", stderr="", returncode=0):
        def fake_run(command, **kwargs):
            requirements = Path(command[command.index("--requirement") + 1]).read_text()
            calls.append((command, requirements.split()))
            return subprocess.CompletedProcess(command, returncode, stdout, stderr)

        monkeypatch.setattr(module.subprocess, "run", fake_run)
        return module.main()

    answer.calls = calls
    return answer


def report(*dependencies):
    return json.dumps({"dependencies": list(dependencies), "fixes": []})


def test_a_known_vulnerability_fails_the_build(audit, capsys):
    vulnerable = {
        "name": "django",
        "version": "5.2.19",
        "vulns": [{"id": "PYSEC-0000-1", "fix_versions": ["5.2.20"], "aliases": []}],
    }
    assert audit(report(vulnerable), returncode=1) == 1
    out = capsys.readouterr().out
    assert "django 5.2.19: PYSEC-0000-1 (fixed in 5.2.20)" in out
    assert "FAILED" in out


def test_clean_pinned_dependencies_pass(audit, capsys):
    assert audit(report({"name": "django", "version": "5.2.19", "vulns": []})) == 0
    assert "1 pinned dependencies audited, no known vulnerabilities" in capsys.readouterr().out


def test_an_unreachable_service_is_reported_and_does_not_fail(audit, capsys):
    stderr = "requests.exceptions.ConnectionError: Max retries exceeded with url: /v1/query"
    assert audit(stderr=stderr, returncode=1) == 0
    assert "could not be reached" in capsys.readouterr().out


def test_packages_the_service_does_not_answer_for_are_named(audit, capsys):
    skipped = {"name": "nh3", "skip_reason": "Dependency not found and could not be audited"}
    assert audit(report(skipped)) == 0
    assert "no answer for 1 of 1 pinned dependencies (nh3)" in capsys.readouterr().out


def test_any_other_failure_fails(audit, capsys):
    assert audit(stderr="invalid requirements input", returncode=1) == 1


def test_it_audits_every_pinned_dependency_of_pyproject(audit):
    audit(report())
    command, requirements = audit.calls[0]
    assert command[1:3] == ["-m", "pip_audit"]
    assert "--no-deps" in command
    assert "django-axes==8.3.1" in requirements  # runtime
    assert "pytest==9.2.0" in requirements  # test extras
    assert all("==" in requirement for requirement in requirements)
