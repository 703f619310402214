# The two commands a new machine needs: `make run` and `make test`. Everything else is a helper of theirs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 3
# Threads per worker (gthread workers, daiban/gunicorn_conf.py; docs/adr/0039).
THREADS ?= 4
# The task queue's consumer, started beside the web server by `make run`.
CONSUMER = $(BIN)/python manage.py run_huey --quiet

.PHONY: run test serve setup lint check system-deps runtime-deps demo clean-db bench

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $@

var/local.env:
	$(PYTHON) scripts/make_local_env.py $@

setup: $(VENV)/.installed var/local.env

## make run: install, migrate, load the Hohhot demo and print its logins (only where var/local.env says
## DAIBAN_LOAD_DEMO=1, and only on an empty database), serve: gunicorn, and beside it the task queue's
## consumer (Huey: periodic early-warning scan …). Ctrl-C stops both; if either stops, so does the other.
## node_modules first: collectstatic serves the dashboards' ECharts from it.
run: setup runtime-deps node_modules/.installed
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput -v0
	$(BIN)/python manage.py load_demo
	@echo "服务地址：http://$(HOST):$(PORT)/（后台任务队列随之启动）"
	@$(CONSUMER) & queue=$$!; \
	$(BIN)/gunicorn daiban.wsgi:application --config python:daiban.gunicorn_conf --bind $(HOST):$(PORT) --workers $(WORKERS) --threads $(THREADS) \
		--logger-class daiban.pii.gunicorn_logging.AccessLogger \
		--access-logfile - --access-logformat '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms' \
		--forwarded-allow-ips 127.0.0.1 & web=$$!; \
	stop() { trap - INT TERM; kill -TERM $$web $$queue 2>/dev/null; wait $$web; wait $$queue; }; \
	trap 'stop; exit 130' INT; trap 'stop; exit 143' TERM; \
	while kill -0 $$web 2>/dev/null && kill -0 $$queue 2>/dev/null; do sleep 1; done; \
	echo "web server or task queue stopped; stopping the other" >&2; stop; exit 1

# JavaScript from the npm registry (package-lock.json pins it): ECharts for the statistics dashboards (collected
# as static vendor/echarts/), axe-core for the browser tests' checks.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

## make test: the whole suite (unit, permission, property and browser tests).
test: setup system-deps node_modules/.installed
	$(BIN)/pytest -q -n 2 --dist loadfile

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy daiban
	$(BIN)/python manage.py makemigrations --check --dry-run

system-deps:
	@scripts/install_system_deps.sh

runtime-deps:
	@scripts/install_system_deps.sh --runtime

## make bench: the matter list (bench/run.py); BENCH=screenings for the screening register (bench/screenings.py).
## The matters are made once per database: 1,000,000 on PostgreSQL (DATABASE_URL; set-based SQL, minutes), 100,000
## on SQLite (var/bench.sqlite3); BENCH_ARGS="--rows 10000000" for 10M. BENCH=pages: every page over HTTP, e.g.
## DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_10m make bench BENCH=pages BENCH_ARGS="--rows 10000000 --http"
## BENCH=soak: load and soak over HTTP against gunicorn (bench/soak.py; BENCH_ARGS="--agents 50 --seconds 300").
BENCH ?= run
bench: setup
	$(BIN)/python bench/$(BENCH).py $(BENCH_ARGS)
