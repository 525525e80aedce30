# Two commands matter: `make run` and `make test`. Both set themselves up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
VENDOR_STAMP := server/static/vendor/.installed
STORE ?= newsgraph-store

.PHONY: setup run test stress bench lint clean

setup: $(STAMP) $(VENDOR_STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test,cluster]'
	touch $@

# The query page's editor (YASGUI), the /docs page (Swagger UI) and the dashboard's charts
# (ECharts) come from the npm registry,
# pinned by the lockfile, and are served from our own server so both work offline.
$(VENDOR_STAMP): package.json package-lock.json
	# --ignore-scripts: no install script may reach the network (swagger-ui-dist's analytics).
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	mkdir -p server/static/vendor
	cp node_modules/@zazuko/yasgui/build/yasgui.min.js node_modules/@zazuko/yasgui/build/yasgui.min.css server/static/vendor/
	cp node_modules/swagger-ui-dist/swagger-ui-bundle.js node_modules/swagger-ui-dist/swagger-ui.css server/static/vendor/
	cp node_modules/echarts/dist/echarts.min.js server/static/vendor/
	touch $@

run: setup
	$(BIN)/newsgraph ingest data/ --store $(STORE)
	$(BIN)/newsgraph serve --store $(STORE) --host 127.0.0.1 --port 8000

test: setup
	$(BIN)/python -m pytest -q -rs

# The long runs: twenty kill -9s during an ingest, a minute of queries during an ingest, more
# fuzzing cases, and the wheel with every dependency at its lower bound.
stress: setup
	$(BIN)/python -m pytest -q -rs -m stress

bench: setup
	$(BIN)/python -m pytest -q -s tests/benchmarks

lint: setup
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) node_modules server/static/vendor $(STORE)
