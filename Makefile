# Fashionistar Commerce API. `make` alone lists the targets.
.DEFAULT_GOAL := help
SHELL := /bin/bash

# uv comes from PyPI when it is not on PATH (it runs as `python3 -m uv`).
UV := $(shell command -v uv 2>/dev/null || echo python3 -m uv)
RUN := $(UV) run --no-sync
export UV_PYTHON_DOWNLOADS ?= never
export PYTHONUNBUFFERED := 1
# Where deploy/serve listens: the same HOST and PORT it reads.
SERVE_URL = http://$(or $(HOST),127.0.0.1):$(or $(PORT),8000)

.PHONY: help
help: ## Show this help
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  \033[36m%-12s\033[0m %s\n", $$1, $$2}'

.PHONY: uv
uv:
	@$(UV) --version >/dev/null 2>&1 || python3 -m pip install --quiet uv

.PHONY: install
install: uv node_modules/.installed ## Create .venv (uv) and node_modules (npm) from the lock files
	$(UV) sync --locked

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

.PHONY: run
run: install ## Migrate, seed the demo catalog if empty, serve on http://$HOST:$PORT (127.0.0.1:8000)
	$(RUN) python manage.py migrate --noinput
	$(RUN) python manage.py seed_demo --if-empty
	$(RUN) python manage.py collectstatic --noinput -v0
	@echo "Serving $(SERVE_URL)/graphql/ (GraphiQL in a browser), with a task worker"
	@# One metrics directory for the server and the worker: /metrics counts both.
	export PROMETHEUS_MULTIPROC_DIR=$${PROMETHEUS_MULTIPROC_DIR:-$$(mktemp -d -t fashionistar-metrics.XXXXXX)}; \
	$(RUN) python manage.py worker --beat & worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null; wait $$worker' EXIT; \
	WEB_WORKERS=$${WEB_WORKERS:-1} deploy/serve

.PHONY: worker
worker: install ## Task workers for the emails, critical and analytics queues, and the job beat
	deploy/worker

.PHONY: test
test: install lint typecheck pytest ## Everything CI runs: lint, types, the test suite

.PHONY: pytest
pytest: ## The test suite only
	$(RUN) pytest --durations=25

.PHONY: lint
lint: ## ruff, import contracts, SDL drift, missing migrations, deploy files, alert rules
	$(RUN) ruff check .
	$(RUN) ruff format --check .
	$(RUN) lint-imports
	$(RUN) python manage.py makemigrations --check --dry-run --settings=config.settings.test
	$(RUN) python manage.py export_schema schema.api:schema --path /tmp/fashionistar-schema.graphql --settings=config.settings.test >/dev/null
	@diff -u schema/schema.graphql /tmp/fashionistar-schema.graphql || (echo "schema/schema.graphql is stale: run 'make schema'"; exit 1)
	$(RUN) hadolint deploy/Dockerfile
	$(RUN) check-jsonschema --builtin-schema vendor.compose-spec deploy/compose.yaml
	deploy/k8s/validate
	promtool check rules deploy/prometheus/alerts.yml
	promtool test rules deploy/prometheus/alerts.test.yml
	promtool check config --syntax-only deploy/compose/prometheus.yml

.PHONY: fmt
fmt: ## Format and autofix
	$(RUN) ruff format .
	$(RUN) ruff check --fix .

.PHONY: typecheck
typecheck: ## mypy --strict with django-stubs
	$(RUN) mypy

.PHONY: schema
schema: ## Regenerate schema/schema.graphql from the code
	$(RUN) python manage.py export_schema schema.api:schema --path schema/schema.graphql --settings=config.settings.test

.PHONY: bench
bench: install ## Rerun every benchmark figure (manual; needs PostgreSQL, redis-server, wrk)
	$(UV) sync --locked --group bench
	$(RUN) python -m bench $(BENCH)
