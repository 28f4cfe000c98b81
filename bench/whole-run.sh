#!/usr/bin/env bash
# Whole-run benchmark (issue 18): one `jule train` of USPS and one of COIL-20 at a fixed reduced schedule (2 epochs
# per period, seed 1, paper settings otherwise), timed against a baseline so that a whole-run speed-up is a number.
#
#   bash bench/whole-run.sh                      time the current build; compare with bench/baselines/whole-run.tsv
#                                                (rows of the same processor only)
#   BENCH_BASE=<git rev> bash bench/whole-run.sh  also build that commit's jule (worktree .cache/bench-base, build
#                                                folder .build-bench-base) and run both binaries alternately
#   BENCH_RECORD=1 bash bench/whole-run.sh       append this run's figures to the baseline file
#   BENCH_DATASETS="USPS" BENCH_REPEATS=1        a subset / more repetitions (median reported)
#   BENCH_EPOCHS=20                              another schedule (the paper's COIL-20 one: hours; recorded baselines
#                                                are at 2, so only BENCH_BASE gives a ratio then)
#
# Needs the dataset mirror (JULE_MIRROR or ../shared/datasets). The processor, the kernel and the load (loadavg at
# start) are printed with every figure: a comparison means something only on the same processor under similar load.
set -euo pipefail
cd "$(dirname "$0")/.."
export JULE_MIRROR=${JULE_MIRROR:-$(cd .. && pwd)/shared/datasets}
DATASETS=${BENCH_DATASETS:-"USPS COIL-20"}
REPEATS=${BENCH_REPEATS:-1}
EPOCHS=${BENCH_EPOCHS:-2}
BASELINES=bench/baselines/whole-run.tsv
WORK=.cache/bench-whole-run
CURRENT=.build/release/jule
[ -x "$CURRENT" ] || { echo "whole-run: $CURRENT missing (run make build first)" >&2; exit 1; }
[ -d "$JULE_MIRROR" ] || { echo "whole-run: no dataset mirror at $JULE_MIRROR; set JULE_MIRROR" >&2; exit 1; }

# The processor as a key: vendor, family, model and whether it has AVX-512 (the two families of the project's machines).
cpu_key() {
  local vendor family model avx
  vendor=$(awk -F': ' '/^vendor_id/{print $2; exit}' /proc/cpuinfo)
  family=$(awk -F': ' '/^cpu family/{print $2; exit}' /proc/cpuinfo)
  model=$(awk -F': ' '/^model\t/{print $2; exit}' /proc/cpuinfo)
  grep -qw avx512f /proc/cpuinfo && avx=avx512 || avx=avx2
  echo "$vendor-f$family-m$model-$avx"
}
CPU=$(cpu_key)
COMMIT=$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- Sources Package.swift || echo "+dirty")

binaries=("current=$CURRENT")
if [ -n "${BENCH_BASE:-}" ]; then
  base_rev=$(git rev-parse --short "$BENCH_BASE")
  rm -rf .cache/bench-base; git worktree prune
  git worktree add --detach -f .cache/bench-base "$base_rev" >/dev/null
  echo "building $base_rev's jule in .build-bench-base (release)…"
  (cd .cache/bench-base && swift build -c release -Xswiftc -enable-testing --product jule \
     --scratch-path "$PWD/../../.build-bench-base" 2>&1 | tail -1)
  binaries+=("$base_rev=.build-bench-base/release/jule")
fi

# Time copies, so that a rebuild during a long benchmark cannot swap a binary between its runs.
mkdir -p "$WORK/bin"
for i in "${!binaries[@]}"; do
  name=${binaries[$i]%%=*}; bin=${binaries[$i]#*=}
  cp "$bin" "$WORK/bin/$name.tmp" && mv "$WORK/bin/$name.tmp" "$WORK/bin/$name"
  binaries[$i]="$name=$WORK/bin/$name"
done
CURRENT=$WORK/bin/current
for d in $DATASETS; do "$CURRENT" data fetch "$d" --offline --quiet; done
echo "whole-run: $CPU, commit $COMMIT, $EPOCHS epochs per period, $("$CURRENT" version 2>/dev/null | grep -iE 'kernel|gemm' | head -1 | tr -s ' ')"
printf '%-9s %-12s %10s %10s %8s %8s  %s\n' dataset binary wall_s cpu_s sf_nmi rc_nmi "load at start"
results=()
for d in $DATASETS; do
  for r in $(seq 1 "$REPEATS"); do
    for entry in "${binaries[@]}"; do
      name=${entry%%=*}; bin=${entry#*=}
      out="$WORK/$d-$name"; rm -rf "$out"
      load=$(cut -d' ' -f1 /proc/loadavg)
      # GNU time's elapsed and user+system seconds of the whole process tree.
      /usr/bin/time -f '%e %U %S' -o "$WORK/time" "$bin" train "$d" --seed 1 --epochs-per-period "$EPOCHS" --offline --quiet \
        --out "$out" > "$WORK/$d-$name.log" 2>&1 || { echo "whole-run: $name failed on $d (log: $WORK/$d-$name.log)" >&2; exit 1; }
      read -r wall user sys < "$WORK/time"
      cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN{printf "%.1f", u + s}')
      scores=$(python3 -c "import json,sys; r=json.load(open('$out/record.json')); print(*(f\"{r[k]['nmi']:.3f}\" if r.get(k) else '-' for k in ('sf','rc')))" 2>/dev/null || echo "- -")
      printf '%-9s %-12s %10.1f %10s %8s %8s  %s\n' "$d" "$name" "$wall" "$cpu" ${scores} "$load"
      results+=("$d	$name	$wall	$cpu	$load")
    done
  done
done

# Medians per dataset and binary; ratios against the same-run base binary or the recorded baseline of this processor.
median() { sort -n | awk '{a[NR]=$1} END{if (NR==0) print ""; else if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
echo "--- medians (wall seconds) ---"
for d in $DATASETS; do
  now=$(printf '%s\n' "${results[@]}" | awk -F'\t' -v d="$d" '$1==d && $2=="current"{print $3}' | median)
  line="$d: current $now s"
  if [ -n "${BENCH_BASE:-}" ]; then
    base=$(printf '%s\n' "${results[@]}" | awk -F'\t' -v d="$d" -v b="$base_rev" '$1==d && $2==b{print $3}' | median)
    line+=", $base_rev $base s, ratio current/$base_rev = $(awk -v a="$now" -v b="$base" 'BEGIN{printf "%.3f", a / b}')"
  fi
  if [ -f "$BASELINES" ] && [ "$EPOCHS" = 2 ]; then
    recorded=$(awk -F'\t' -v c="$CPU" -v d="$d" '$2==c && $3==d {print $5 "\t" $1 "\t" $4}' "$BASELINES" | tail -1)
    if [ -n "$recorded" ]; then
      IFS=$'\t' read -r rwall rdate rcommit <<< "$recorded"
      line+=", recorded $rwall s ($rcommit, $rdate), ratio $(awk -v a="$now" -v b="$rwall" 'BEGIN{printf "%.3f", a / b}')"
    else
      line+=", no recorded baseline for $CPU"
    fi
  fi
  echo "$line"
done

if [ -n "${BENCH_RECORD:-}" ] && [ "$EPOCHS" != 2 ]; then
  echo "whole-run: not recorded (the baselines are at 2 epochs per period, this run at $EPOCHS)"
elif [ -n "${BENCH_RECORD:-}" ]; then
  mkdir -p "$(dirname "$BASELINES")"
  [ -f "$BASELINES" ] || printf 'date\tcpu\tdataset\tcommit\twall_s\tcpu_s\tload\n' > "$BASELINES"
  for d in $DATASETS; do
    printf '%s\n' "${results[@]}" | awk -F'\t' -v d="$d" '$1==d && $2=="current"' | while IFS=$'\t' read -r _ _ wall cpu load; do
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%F)" "$CPU" "$d" "$COMMIT" "$wall" "$cpu" "$load" >> "$BASELINES"
    done
  done
  echo "recorded in $BASELINES"
fi
