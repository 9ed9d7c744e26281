# The two commands a fresh machine needs: `make run` and `make test`.
PY      ?= python3.11
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
AMQP_URI ?= amqp://guest:guest@localhost:5672/
RABBIT_CTL_URI ?= http://guest:guest@localhost:15672
SERVICES := services.intake.service:IntakeService services.mediation.service:MediationService services.diversion.service:DiversionService services.petition.service:PetitionService services.recommendation.service:RecommendationService services.supervision.service:SupervisionService services.gateway.service:GatewayService
OPS_PORT ?= 9100
BACKUP_DIR ?= backups/$(shell date -u +%Y%m%dT%H%M%SZ)
export AMQP_URI

.PHONY: venv migrate backup restore run test test-unit docs docs-check bench clean

venv: $(STAMP)
$(STAMP): requirements.txt requirements-dev.txt
	@command -v $(PY) >/dev/null || { echo "need $(PY)"; exit 1; }
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements-dev.txt
	$(BIN)/pip install -q --no-deps -e .   # the jiefen console script
	touch $(STAMP)

migrate: venv   ## create or upgrade every service's database
	$(BIN)/python -m infra.manage migrate

backup: venv   ## copy every service database to $(BACKUP_DIR) while the services run
	$(BIN)/python -m infra.manage backup $(BACKUP_DIR)

restore: venv   ## replace every service database by the copies in $(BACKUP_DIR): stop the services first
	@test -n "$(BACKUP_DIR)" -a -f "$(BACKUP_DIR)/manifest.json" || { echo "make restore BACKUP_DIR=<a backup directory>"; exit 1; }
	$(BIN)/python -m infra.manage restore $(BACKUP_DIR)

run: venv migrate   ## all services against $$AMQP_URI, SQLite in var/ unless DB_URL is set; /healthz, /metrics on :$(OPS_PORT)
	$(BIN)/python -m infra.manage dev-keys   # development signing keys in var/keys on first run (config/clients.yaml)
	JIEFEN_OPS_PORT=$(OPS_PORT) $(BIN)/nameko run --config config/nameko.yaml $(SERVICES)

test: venv   ## the whole suite: real RabbitMQ, SQLite and PostgreSQL
	$(BIN)/python -m infra.manage docs --check
	$(BIN)/python -m tests.run --amqp-uri $(AMQP_URI) --rabbit-ctl-uri $(RABBIT_CTL_URI)   # shards side by side (tests/run.py)

test-unit: venv
	$(BIN)/nameko test tests/unit -q

docs: venv   ## regenerate docs/casetypes/*.md from the case type definitions
	$(BIN)/python -m infra.manage docs

BENCH_CASES ?= 1000000
bench: venv migrate   ## latency, sweep, and the supervision figures for BENCH_CASES generated cases (PostgreSQL)
	$(BIN)/python -m bench.run
	$(BIN)/python -m bench.supervision --cases $(BENCH_CASES)   # smaller: make bench BENCH_CASES=100000

clean:
	rm -rf var .pytest_cache
