#!/usr/bin/env bash
# make bench: every benchmark of the project, release build, peers in the same run.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product bench-cnn
swift build -c release --product bench-cluster
.build/release/bench-cnn "$@"
# bench-cluster runs below with explicit modes.
# Clustering: MNIST-test and MNIST-full raw-pixel agglomerative clustering (time, peak RSS, NMI/ACC), then the
# raw-pixel baseline of every mirrored dataset → results/raw-pixel-baseline.{md,json}.
/usr/bin/time -v .build/release/bench-cluster test 2>&1 | grep -E "MNIST|period|Maximum resident|Elapsed"
/usr/bin/time -v .build/release/bench-cluster full 2>&1 | grep -E "MNIST|period|Maximum resident|Elapsed"
.build/release/bench-cluster baseline
