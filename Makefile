# Everything a newcomer needs: `make run` serves the app with demo data, `make test` runs the suite.
SHELL := /bin/bash
export UV_SYSTEM_CERTS := 1
export UV_PYTHON_DOWNLOADS := never
export UV_LINK_MODE := copy
# Installed packages are compiled once, at install; the project's own modules on first import.
# (Without bytecode every process, each test worker and subprocess, compiles them again.)
export UV_COMPILE_BYTECODE := 1
unexport PYTHONDONTWRITEBYTECODE

UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
PY := .venv/bin/python

.PHONY: run test production check lint format install browser check-deploy audit clean

.tools/bin/uv:
	python3 -m venv .tools
	.tools/bin/python -m pip install --quiet --disable-pip-version-check uv

install: $(if $(filter .tools/bin/uv,$(UV)),.tools/bin/uv)
	$(UV) sync --frozen --quiet

browser:
	@bin/ensure-test-tools

## run: the app on 127.0.0.1:8000 with a Celery worker and beat, SQLite and demo data.
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py createcachetable
	$(PY) manage.py seed_demo
	bin/run

## production: the production set (the Procfile: gunicorn, two Celery workers, one beat) with
## production settings against this machine's PostgreSQL and Redis (bin/production).
production: install
	bin/production

## test: lint, migrations check and the whole suite (set DATABASE_URL for PostgreSQL).
test: install browser
	$(PY) -m pytest $(PYTEST_ARGS)

## check: every static check: lint and format, types, the import contract, migrations.
check: lint
	.venv/bin/mypy
	.venv/bin/lint-imports --no-cache
	$(PY) manage.py makemigrations --check --dry-run

lint: install
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

format: install
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

check-deploy: install
	EPAPHRAS_ENV=production DJANGO_SECRET_KEY=$$(openssl rand -hex 40) DJANGO_ALLOWED_HOSTS=example.org \
		$(PY) manage.py check --deploy --fail-level WARNING

## audit: known vulnerabilities in the locked dependencies (pip-audit; needs api.osv.dev).
audit: install
	mkdir -p var && $(UV) export --frozen --no-hashes --no-emit-project -q > var/requirements-audit.txt
	$(UV) tool run pip-audit --no-deps --disable-pip --vulnerability-service osv \
		-r var/requirements-audit.txt

clean:
	rm -rf var staticfiles test-artifacts .pytest_cache .ruff_cache .mypy_cache
