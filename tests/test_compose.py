"""docker-compose.yml cannot run here (no containers), so CI validates it against the Compose spec."""

import shutil
import subprocess
import sys
from pathlib import Path

from ruamel.yaml import YAML  # installed with check-jsonschema

ROOT = Path(__file__).resolve().parent.parent


def test_compose_file_is_valid_against_the_compose_spec():
    exe = shutil.which("check-jsonschema") or str(Path(sys.executable).with_name("check-jsonschema"))
    result = subprocess.run(
        [exe, "--builtin-schema", "vendor.compose-spec", str(ROOT / "docker-compose.yml")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_runs_the_whole_stack_with_health_checks_and_volumes():
    compose = YAML(typ="safe").load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"db", "redis", "web", "worker", "beat"} <= set(services)
    for name in ("db", "redis", "web", "worker", "beat"):
        assert "healthcheck" in services[name], name
    assert "gunicorn" in services["web"]["command"]
    assert "DatabaseScheduler" in " ".join(services["beat"]["command"])
    env = services["web"]["environment"]
    assert env["WEGO_PRODUCTION"] == "1" and {"SECRET_KEY", "DATABASE_URL", "REDIS_URL"} <= set(env)
    assert {"db-data", "uploads"} <= set(compose["volumes"])
    assert "uploads:/app/var/private" in services["worker"]["volumes"]


def test_compose_runs_the_app_as_a_role_that_is_not_a_superuser():
    compose = YAML(typ="safe").load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    # The database's superuser is not what the app uses; the roles come from roles.sql,
    # which the production smoke test (tests/test_production_smoke.py) runs on PostgreSQL.
    assert services["db"]["environment"]["POSTGRES_USER"] == "postgres"
    assert (
        "./deploy/postgres/init-roles.sh:/docker-entrypoint-initdb.d/10-wego-roles.sh:ro" in services["db"]["volumes"]
    )
    assert "./deploy/postgres/roles.sql:/wego/roles.sql:ro" in services["db"]["volumes"]
    for name in ("web", "worker", "beat"):
        assert services[name]["environment"]["DATABASE_URL"].startswith("postgres://wego_app:"), name
        # http://localhost:8000/ works out of the box; .env turns HTTPS on behind a proxy.
        assert services[name]["environment"]["WEGO_BEHIND_TLS_PROXY"] == "${WEGO_BEHIND_TLS_PROXY:-0}", name
    assert services["migrate"]["environment"]["DATABASE_URL"].startswith("postgres://wego_owner:")
    assert (ROOT / "deploy" / "postgres" / "init-roles.sh").stat().st_mode & 0o111


def test_only_the_audit_publisher_can_write_the_audit_heads():
    compose = YAML(typ="safe").load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    for name in ("web", "worker", "beat", "migrate"):
        mounts = [v for v in services[name]["volumes"] if v.startswith("audit-heads:")]
        assert mounts == ["audit-heads:/app/var/audit-heads:ro"], name
        assert services[name]["environment"]["WEGO_AUDIT_HEAD_PUBLISHER"] == "separate", name
        assert services[name]["environment"]["WEGO_AUDIT_KEY"].startswith("${WEGO_AUDIT_KEY:?"), name
    publisher = services["audit-publisher"]
    assert publisher["volumes"] == ["audit-heads:/app/var/audit-heads"]
    assert publisher["command"][:3] == ["python", "manage.py", "publish_audit_heads"]


def test_web_and_worker_share_the_pending_import_files():
    compose = YAML(typ="safe").load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    for name in ("web", "worker"):
        assert services[name]["environment"]["WEGO_IMPORT_PENDING_DIR"] == "/app/var/import-pending", name
        assert "import-pending:/app/var/import-pending" in services[name]["volumes"], name
    assert "import-pending" in compose["volumes"]


def test_the_documented_first_run_step_is_in_the_compose_file_and_libmagic_is_gone():
    text = (ROOT / "docker-compose.yml").read_text()
    assert "manage.py first_run" in text
    assert "libmagic" not in (ROOT / "Dockerfile").read_text().split("(Uploads")[0]
