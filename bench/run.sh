#!/usr/bin/env bash
# make bench: every benchmark of the project, release build, peers in the same run.
set -euo pipefail
cd "$(dirname "$0")/.."
# The peer: Debian's python3-torch under /usr/bin/python3, installed here the way `make test` installs its packages.
# Without it there is no ratio, so the benchmark stops instead of printing Swift's figures alone.
if ! /usr/bin/python3 -c 'import torch' >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    echo "installing python3-torch (the benchmark's peer)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-torch >/dev/null ||
      { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-torch >/dev/null; } || true
  fi
  /usr/bin/python3 -c 'import torch' || {
    echo "make bench: the peer cannot run: /usr/bin/python3 cannot import torch (apt-get install -y python3-torch as root)" >&2
    exit 1
  }
fi
swift build -c release -Xswiftc -enable-testing --product bench-cnn
swift build -c release -Xswiftc -enable-testing --product bench-cluster
.build/release/bench-cnn "$@"
# Debian's OpenBLAS 0.3.21 does not recognise some recent Xeons and falls back to its SSE3 "Prescott" kernels
# (bench-cnn prints the core it got). Where the CPU has AVX-512 and nothing set OPENBLAS_CORETYPE, time both
# contenders again with OpenBLAS forced to its SkylakeX kernels (checked against SIMDGemm in that run).
if grep -qw avx512f /proc/cpuinfo && [ -z "${OPENBLAS_CORETYPE:-}" ]; then
  echo "--- bench-cnn again, OPENBLAS_CORETYPE=SkylakeX for every contender (Swift and PyTorch alike) ---"
  OPENBLAS_CORETYPE=SkylakeX .build/release/bench-cnn --no-epoch "$@"
fi
# bench-cluster runs below with explicit modes.
# Clustering: MNIST-test and MNIST-full raw-pixel agglomerative clustering (time, peak RSS, NMI/ACC), then the
# raw-pixel baseline of every mirrored dataset → results/raw-pixel-baseline.{md,json}.
/usr/bin/time -v .build/release/bench-cluster test 2>&1 | grep -E "MNIST|period|Maximum resident|Elapsed"
/usr/bin/time -v .build/release/bench-cluster full 2>&1 | grep -E "MNIST|period|Maximum resident|Elapsed"
.build/release/bench-cluster baseline
# Whole runs (issue 18): USPS and COIL-20, 2 epochs per period, against bench/baselines/whole-run.tsv for this
# processor (BENCH_BASE=<rev> also builds and times that commit's binary in the same run).
bash bench/whole-run.sh
