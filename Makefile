# jule-swift: `make run` runs the main job, `make test` the tests. Both install what is missing.
SHELL := /bin/bash
SWIFT ?= swift
APT_PACKAGES := pkg-config libhdf5-dev libpng-dev libturbojpeg0-dev libjpeg-dev zlib1g-dev \
                libopenblas-dev libblis-serial-dev libarchive-dev libssl-dev
# The read-only dataset mirror beside the repository, when present (no network on build machines).
MIRROR ?= $(abspath $(wildcard ../shared/datasets))
export JULE_MIRROR ?= $(MIRROR)
# One set of release flags for the binary, the benchmarks and the tests, so `make test` after `make build` (or the
# other way round) reuses the build instead of recompiling everything; -enable-testing costs nothing measurable.
SWIFT_RELEASE := -c release -Xswiftc -enable-testing
RELEASE := $(SWIFT) build $(SWIFT_RELEASE)
JULE := .build/release/jule

.PHONY: deps build test test-slurm test-emulated fuzz fuzz-smoke fault run bench reproduce clean

# SwiftPM does not recompile a C file when a header it only probes (`__has_include`) appears later, so a build made
# before `make deps` installed BLIS would stay without it (`jule version` tells). `deps`, which every building target
# runs first, drops such a stale object: its dependency file lists the header once the header was there at compile time.
BLIS_HEADER := /usr/include/x86_64-linux-gnu/blis.h
define drop-stale-blis
	@if [ -f $(BLIS_HEADER) ] && [ -d .build ]; then \
	  find .build -path '*/CBLIS.build/blis_loader.c.o' | while read -r o; do \
	    grep -qs 'blis\.h' "$${o%.o}.d" || { echo "recompiling $$o: BLIS's header appeared after it was built"; rm -f "$$o"; }; \
	  done; \
	fi
endef

deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then echo "installing:$$missing"; apt-get update -qq && apt-get install -y -qq $$missing; \
	  else echo "missing Debian packages:$$missing (run make as root, or: sudo apt-get install$$missing)"; exit 1; fi; \
	fi
	$(drop-stale-blis)

build: deps
	$(RELEASE)

# Release build with testability: the engine tests train small networks, which debug builds make slow.
test: deps
	$(SWIFT) test $(SWIFT_RELEASE) --disable-swift-testing

# A real single-node Slurm (slurmctld + slurmd + munge, installed and started here) runs a two-cell sweep.
test-slurm: deps
	bash Tests/slurm/run.sh

# The portable-mode tests again under QEMU posing as an Intel Haswell and an AMD EPYC (Tests/portable/emulated.sh):
# their CPUID and the emulator's software floating point must give the same digests. Needs `make test`'s build.
test-emulated: deps
	bash Tests/portable/emulated.sh

# Fuzzing (Fuzz/README.md): builds the libFuzzer binary (.build-fuzz), runs every target FUZZ_SECONDS (default 180)
# and prints executions, coverage, corpus and crashes per target. FUZZ_TARGETS="idx mat" runs a subset.
fuzz: deps
	bash Fuzz/run.sh

# CI's short run of every target (seconds each) from fresh seed corpora.
fuzz-smoke: deps
	FUZZ_SECONDS=$${FUZZ_SECONDS:-8} FUZZ_DIR=.cache/fuzz-smoke bash Fuzz/run.sh

# Fault injection (Tests/fault/run.sh): SIGKILL at random moments into data fetch, train and sweep run, FAULT_KILLS
# (default 5) each, then every output must parse and the finished outputs match an uninterrupted run; and a full
# disk. Needs the dataset mirror (USPS); skips with a message without it.
fault: build
	bash Tests/fault/run.sh

# The first run: USPS at the paper's settings (seed 1), about a minute on the 2-core machine after the build, into
# .cache/make-run/<DATASET> (not committed); it prints JULE-SF and JULE-RC beside the paper's claims. Portable mode, so
# those numbers are the same bits on every machine (README). Another dataset:
# `make run DATASET=COIL-20` (about 7 minutes on a quiet 2-core machine: 40 epochs of the COIL net). Extra flags for
# `jule train` go in RUN_ARGS, e.g. `make run DATASET=COIL-20 RUN_ARGS="--epochs-per-period 5"` for a quicker, no
# longer paper-faithful run.
DATASET ?= USPS
run: build
	$(JULE) data fetch $(DATASET)
	$(JULE) train $(DATASET) --seed 1 --portable --out .cache/make-run/$(DATASET) $(RUN_ARGS)
	@echo "run directory: .cache/make-run/$(DATASET) (record.json, labels, model.ckpt)"
	@echo "JULE-SF: the clusters when training ends; JULE-RC: the final network's embeddings clustered again from"
	@echo "scratch. NMI / ACC (best one-to-one matching) / ARI against the true labels; (claimed): the paper's number."
	@echo "The binary is $(JULE)$(if $(JULE_MIRROR),; outside make set JULE_MIRROR=$(JULE_MIRROR) for the mirror,)."
	@echo "next: make run DATASET=COIL-20   # another paper dataset (about 7 minutes here)"
	@echo "      make reproduce             # the paper's sweep: 7 datasets x 5 seeds (resumable)"
	@echo "      $(JULE) data import NAME --from PATH   # your own images (folder, archive, .h5, IDX, .npz/.npy)"

bench: build
	bash bench/run.sh

# The paper's benchmark on every mirrored dataset × 5 seeds with the default profile, port2 (results/sweep.json).
# Resumable: run it again after an interruption and finished cells are kept. Two worker processes × one thread each on
# the 2-core machine. Compute mode: every cell in portable mode with Winograd F(4×4, 5×5) ("portable": true,
# "convolution": "winograd4x4"), so the numbers are the committed ones bit for bit on any x86-64 with AVX2 and FMA
# (README, Engine); `jule sweep plan` prints the mode ("compute:"). The earlier default's sweep, profile port, is
# results/sweep-port.json in results/sweeps/port (its first cells of five datasets, kernel mode and im2col, in
# results/sweeps/port-kernel, results/sweep-kernel.json); `jule report` labels those runs by their profile.
# A clean clone has every cell committed as done, so this only redraws the report; SWEEP_DIR=/some/dir runs the whole
# sweep again there from scratch (about 8 hours on 2 cores: 16 hours of one core by the committed records) and reports and diffs that directory alone.
SWEEP_DIR ?= results/sweeps/port2
REPORT_DIR := $(if $(filter results/sweeps/port2,$(SWEEP_DIR)),results,$(SWEEP_DIR))
reproduce: build
	$(JULE) data fetch --all
	$(JULE) sweep plan results/sweep.json --out $(SWEEP_DIR)
	$(JULE) sweep run $(SWEEP_DIR) --workers 2 --threads 1
	$(JULE) report --records $(REPORT_DIR) --out $(REPORT_DIR)
	$(JULE) diff --records $(REPORT_DIR)

clean:
	rm -rf .build
