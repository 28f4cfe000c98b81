#!/usr/bin/env bash
# make bench: every benchmark of the project, release build, peers in the same run.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product bench-cnn
swift build -c release --product bench-cluster
.build/release/bench-cnn "$@"
.build/release/bench-cluster "$@"
