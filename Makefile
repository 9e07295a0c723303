# RepDrill: two commands matter. `make run` sets up everything and starts the app;
# `make test` runs the test suite. Both install what is missing first.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test setup system-deps bench screenshots soak clean

run: $(STAMP)
	$(BIN)/trainer

# The English Vosk model is fetched once (Maven Central, mvn) into ~/.cache/repdrill-test-models;
# -rs prints every skip reason, so a green run never hides a skipped area.
test: $(STAMP)
	scripts/fetch-test-models $(BIN)/trainer
	scripts/with-test-env $(BIN)/python -m pytest -q -rs -p no:cacheprovider $(PYTEST_ARGS)

setup: $(STAMP)

system-deps:
	scripts/install-system-deps

$(STAMP): pyproject.toml
	scripts/install-system-deps
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[whisper,meaning,voice,test]'
	touch $(STAMP)

BENCHES ?= bench/asr.py bench/score.py bench/turns.py bench/startup.py bench/memory.py bench/echo.py bench/voices.py

bench: $(STAMP)
	for script in $(BENCHES); do $(BIN)/python $$script || exit 1; done

# An hour of drill from answer files (virtual clock, ~6 min): memory, input frames, threads, files.
soak: $(STAMP)
	$(BIN)/python bench/soak.py

# The README's pictures of the app: real drills in a throwaway data folder, under a virtual X display.
screenshots: $(STAMP)
	QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1440x1300x24" $(BIN)/python scripts/screenshots.py docs/screenshots
	REPDRILL_SCREENSHOTS=docs/screenshots scripts/with-test-env $(BIN)/python -m pytest -q -p no:cacheprovider tests/ui/test_report_render.py

clean:
	rm -rf $(VENV) build *.egg-info
