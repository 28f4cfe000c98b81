#!/usr/bin/env bash
# Sums Fuzz/run.sh's history (one line per target run) per target: runs, seconds, executions, crashes, the latest
# corpus size and the highest coverage. Usage: Fuzz/history.sh [FUZZ_DIR ...] (default .cache/fuzz); several
# folders are added together (e.g. a campaign split over two folders).
set -euo pipefail
cd "$(dirname "$0")/.."
dirs=("$@"); [ ${#dirs[@]} -gt 0 ] || dirs=(.cache/fuzz)
files=(); for d in "${dirs[@]}"; do [ -f "$d/history.tsv" ] && files+=("$d/history.tsv"); done
[ ${#files[@]} -gt 0 ] || { echo "no history.tsv in ${dirs[*]}"; exit 1; }
awk -F'\t' '
  FNR == 1 { next }
  { t = $2; runs[t]++; secs[t] += $3; execs[t] += $4
    # Crashes: the artifacts named on the line, without slow-unit-* (slow, not a crash; early runs counted them).
    k = split($10, parts, " "); c = 0
    for (i = 1; i <= k; i++) if (parts[i] != "" && parts[i] !~ /^slow-unit-/) c++
    if (k == 0 && $9 > 0) c = $9       # a crash without a saved input
    crashes[t] += c
    if ($5 > cov[t]) cov[t] = $5
    corpus[t] = $7; bytes[t] = $8; if (!(t in order)) { order[t] = ++n; names[n] = t } }
  END {
    printf "%-11s %5s %9s %14s %9s %8s %8s %s\n", "target", "runs", "seconds", "executions", "coverage", "corpus", "kB", "crashes"
    for (i = 1; i <= n; i++) { t = names[i]
      printf "%-11s %5d %9d %14d %9d %8d %8d %d\n", t, runs[t], secs[t], execs[t], cov[t], corpus[t], bytes[t] / 1024, crashes[t]
      te += execs[t]; ts += secs[t]; tc += crashes[t] }
    printf "%-11s %5s %9d %14d %9s %8s %8s %d\n", "total", "", ts, te, "", "", "", tc
  }' "${files[@]}"
