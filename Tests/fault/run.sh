#!/usr/bin/env bash
# make fault: fault injection into the long-running commands (issue 20).
#
# For each of `jule data fetch`, `jule train` (USPS, 2 classes, 1 epoch per period) and `jule sweep run` (USPS,
# 2 classes, seeds 1 and 2): one uninterrupted reference run, then FAULT_KILLS runs of the same command on one
# output folder, each killed with SIGKILL (the whole session: the command and its worker processes, as when a machine
# or a job's cgroup dies) at a seeded random moment within the reference run's duration. After every kill, every file left behind must parse (caches, records,
# label files, checkpoints, run states, manifests, HDF5 outputs); then the command runs to the end and its outputs
# must be byte-identical to the reference's (records: equal but for clock times, memory and `resumed`).
# Then a full disk: a small tmpfs as the cache and as --out, a clear one-line error, nothing half-written, and the
# same command finishing once the tmpfs is grown back.
#
#   FAULT_KILLS=5 (per command)   FAULT_SEED=1   FAULT_DIR=.cache/fault   JULE_MIRROR (default ../shared/datasets)
#
# Prints one line per kill and a summary; exit status 1 when anything was lost (a file that does not parse, a rerun
# that fails, an output that differs, a half-written file under a final name).
set -uo pipefail
cd "$(dirname "$0")/../.."
KILLS=${FAULT_KILLS:-5}
SEED=${FAULT_SEED:-1}
DIR=${FAULT_DIR:-.cache/fault}
MIRROR=${JULE_MIRROR:-../shared/datasets}
JULE=$(pwd)/.build/release/jule
FUZZ=$(pwd)/.build/release/jule-fuzz
RANDOM=$SEED

if [ ! -d "$MIRROR/USPS" ]; then
  echo "fault: skipped (no dataset mirror with USPS at $MIRROR; set JULE_MIRROR)"
  exit 0
fi
for tool in "$JULE" "$FUZZ"; do
  [ -x "$tool" ] || { echo "fault: $tool missing (run: make build)"; exit 1; }
done
rm -rf "$DIR"
mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)
MIRROR=$(cd "$MIRROR" && pwd)
COMMON=(--mirror "$MIRROR" --offline --quiet)
export JULE_THREADS=${JULE_THREADS:-2} OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1}

kills=0; early=0; checked=0; losses=0; leftovers=0; cycles=0; cleaned=0
declare -A seen_leftover
loss() { echo "  LOSS: $*"; losses=$((losses + 1)); }

# Every file under $1 must parse with the reader the project uses for it; unknown names are counted as leftovers
# (temporary files of an interrupted atomic write, never read by anything).
check_tree() {
  local root=$1 f name
  while IFS= read -r -d '' f; do
    name=$(basename "$f")
    case "$name" in
      record.json) "$FUZZ" check record "$f" >/dev/null || loss "$f does not parse: $("$FUZZ" check record "$f")" ;;
      labels-*.txt) "$FUZZ" check labels "$f" >/dev/null || loss "$f does not parse" ;;
      *.ckpt) "$FUZZ" check checkpoint "$f" >/dev/null || loss "$f does not parse: $("$FUZZ" check checkpoint "$f")" ;;
      state.json) "$FUZZ" check run-state "$f" >/dev/null || loss "$f does not parse" ;;
      manifest.json) "$FUZZ" check manifest "$f" >/dev/null || loss "$f does not parse" ;;
      centroids.h5|embeddings.h5) "$FUZZ" check-h5 "$f" >/dev/null || loss "$f does not parse" ;;
      *.h5) "$FUZZ" check cache-h5 "$f" >/dev/null || loss "$f does not parse: $("$FUZZ" check cache-h5 "$f")" ;;
      cell.log|failed.txt|lock|sweep.json) checked=$((checked - 1)) ;;
      *) if [ -z "${seen_leftover[$f]:-}" ]; then
           seen_leftover[$f]=1; leftovers=$((leftovers + 1)); echo "  leftover: ${f#$DIR/} ($(stat -c %s "$f") bytes)"
         fi
         checked=$((checked - 1)) ;;
    esac
    checked=$((checked + 1))
  done < <(find "$root" -type f -print0 2>/dev/null)
}

# Runs "$@" in its own process group; prints the wall time in milliseconds.
timed() {
  local start end
  start=$(date +%s%N)
  "$@" >/dev/null 2>"$DIR/stderr" || { echo "reference run failed: $* ($(tail -1 "$DIR/stderr"))" >&2; return 1; }
  end=$(date +%s%N)
  echo $(( (end - start) / 1000000 ))
}

# SIGKILL to every process of session $1 (the command and the workers it started: `jule sweep run`'s cells run in
# their own process groups, so a process-group kill would leave them running), until none is left.
kill_session() {
  local sid=$1 pids
  for _ in 1 2 3 4 5; do
    pids=$(ps -e -o pid=,sid= | awk -v s="$sid" '$2 == s { print $1 }')
    [ -n "$pids" ] || return 0
    kill -KILL $pids 2>/dev/null
    sleep 0.05
  done
}

# Starts "$@" as a new session and kills it after a seeded random fraction of $1 ms. Returns 0
# when it killed the command, 1 when the command finished first.
kill_at_random() {
  local budget=$1; shift
  local delay=$(( RANDOM * budget / 32767 ))
  setsid "$@" >/dev/null 2>>"$DIR/stderr" &
  local pid=$!
  sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
  if kill -0 "$pid" 2>/dev/null; then
    { kill_session "$pid"; wait "$pid"; } 2>/dev/null     # (bash would report "Killed" for the job)
    kills=$((kills + 1))
    echo "  kill $kills at ${delay} ms"
    return 0
  fi
  { wait "$pid"; } 2>/dev/null || loss "a run ended with an error: $(tail -1 "$DIR/stderr")"
  early=$((early + 1))
  echo "  finished before ${delay} ms"
  return 1
}

# kill_cycles NAME BUDGET VERIFY RESET COMMAND…: runs COMMAND again and again, killing each run at a random moment,
# until KILLS kills were injected; after every kill the folder $DIR/NAME must parse; whenever a run finishes before
# its kill, VERIFY compares the outputs with the reference and RESET empties the outputs (a new cycle). A last
# uninterrupted run finishes the current cycle, and VERIFY checks it.
kill_cycles() {
  local name=$1 budget=$2 verify=$3 reset=$4; shift 4
  local done_here=0
  while [ "$done_here" -lt "$KILLS" ]; do
    if kill_at_random "$budget" "$@"; then
      done_here=$((done_here + 1))
      check_tree "$DIR/$name"
    else
      check_tree "$DIR/$name"; no_temporaries "$name"; "$verify"; "$reset"; cycles=$((cycles + 1))
    fi
  done
  "$@" >/dev/null 2>>"$DIR/stderr" || loss "$name rerun failed: $(tail -1 "$DIR/stderr")"
  check_tree "$DIR/$name"
  no_temporaries "$name"
  "$verify"
  cycles=$((cycles + 1))
}

# A run that completed removes the temporary files its killed predecessors left (writers' pids are in their names):
# any still there afterwards is a loss of disk space that nothing would ever reclaim.
no_temporaries() {
  local left
  left=$(find "$DIR/$1" -type f \( -name '.*.tmp' -o -name '.dat.nosync*' \) -printf '%P ' 2>/dev/null)
  if [ -n "$left" ]; then loss "temporary files left after a completed run in $1: $left"; else cleaned=$((cleaned + 1)); fi
}

same_file() { cmp -s "$1" "$2" || loss "${2#$DIR/} differs from the uninterrupted run's ${1#$DIR/}"; }

compare_run() {   # reference run folder, interrupted run folder
  for f in labels-sf.txt labels-rc.txt model.ckpt centroids.h5; do
    if [ -f "$1/$f" ]; then same_file "$1/$f" "$2/$f"; fi
  done
  "$FUZZ" same-record "$1/record.json" "$2/record.json" >/dev/null || loss "${2#$DIR/}/record.json differs from the uninterrupted run's"
  [ ! -e "$2/checkpoint" ] || loss "${2#$DIR/}/checkpoint left behind after the run finished"
}

# --- jule data fetch -------------------------------------------------------------------------------------------
echo "fault: seed $SEED, $KILLS kills per command, in $DIR"
echo "data fetch USPS"
ref_fetch=$(timed "$JULE" data fetch USPS --cache "$DIR/reference/cache" "${COMMON[@]}") || exit 1
echo "  reference: $ref_fetch ms"
verify_fetch() { same_file "$DIR/reference/cache/USPS.h5" "$DIR/fetch/cache/USPS.h5"; }
reset_fetch() { rm -rf "$DIR/fetch/cache"; }
kill_cycles fetch "$ref_fetch" verify_fetch reset_fetch "$JULE" data fetch USPS --cache "$DIR/fetch/cache" "${COMMON[@]}"

# --- jule train --------------------------------------------------------------------------------------------------
TRAIN=(train USPS --classes 2 --epochs-per-period 1 --seed 1 "${COMMON[@]}")
echo "train USPS --classes 2 --epochs-per-period 1"
ref_train=$(timed "$JULE" "${TRAIN[@]}" --cache "$DIR/reference/cache" --out "$DIR/reference/train") || exit 1
echo "  reference: $ref_train ms"
mkdir -p "$DIR/train/cache" && cp "$DIR/reference/cache/USPS.h5" "$DIR/train/cache/"
verify_train() { compare_run "$DIR/reference/train" "$DIR/train/run"; }
reset_train() { rm -rf "$DIR/train/run"; }
kill_cycles train "$ref_train" verify_train reset_train "$JULE" "${TRAIN[@]}" --cache "$DIR/train/cache" --out "$DIR/train/run"

# --- jule sweep run ----------------------------------------------------------------------------------------------
echo "sweep run (USPS, 2 classes, seeds 1 and 2)"
cat > "$DIR/sweep.json" <<'EOF'
{"name": "fault", "datasets": ["USPS"], "seeds": [1, 2],
 "overrides": [{"classLimit": 2, "epochsPerPeriod": 1}]}
EOF
"$JULE" sweep plan "$DIR/sweep.json" --out "$DIR/reference/sweep" "${COMMON[@]}" >/dev/null || exit 1
"$JULE" sweep plan "$DIR/sweep.json" --out "$DIR/sweep/sweep" "${COMMON[@]}" >/dev/null || exit 1
mkdir -p "$DIR/sweep/cache" && cp "$DIR/reference/cache/USPS.h5" "$DIR/sweep/cache/"
SWEEP=(sweep run --workers 1 --threads 1 "${COMMON[@]}")
ref_sweep=$(timed "$JULE" "${SWEEP[@]}" --cache "$DIR/reference/cache" "$DIR/reference/sweep") || exit 1
echo "  reference: $ref_sweep ms"
verify_sweep() {
  for cell in "$DIR"/reference/sweep/cells/*/; do
    compare_run "${cell%/}" "$DIR/sweep/sweep/cells/$(basename "$cell")"
    [ ! -e "$DIR/sweep/sweep/cells/$(basename "$cell")/failed.txt" ] || loss "$(basename "$cell") left failed.txt"
  done
}
reset_sweep() { rm -rf "$DIR/sweep/sweep/cells"; }
kill_cycles sweep "$ref_sweep" verify_sweep reset_sweep "$JULE" "${SWEEP[@]}" --cache "$DIR/sweep/cache" "$DIR/sweep/sweep"

# --- jule check, interrupted -------------------------------------------------------------------------------------
# Not SIGKILL: SIGTERM, SIGINT and SIGHUP, which the command handles. Its re-run goes to a temporary folder that must
# be gone afterwards, whatever the moment, and the command must end by the signal. (A race here once left the folder
# in about one interruption in ten: the signal's thread ended the process while the run's thread was removing it.)
echo "check interrupted by SIGTERM, SIGINT and SIGHUP ($((KILLS * 3)) times)"
mkdir -p "$DIR/check-tmp"
CHECK=(env TMPDIR="$DIR/check-tmp" "$JULE" check "$DIR/reference/train" --cache "$DIR/reference/cache" "${COMMON[@]}")
ref_check=$(timed "${CHECK[@]}") || exit 1
echo "  reference: $ref_check ms"
signals=0
for sig in TERM INT HUP; do
  for _ in $(seq "$KILLS"); do
    delay=$(( RANDOM * ref_check / 32767 ))
    "${CHECK[@]}" >/dev/null 2>>"$DIR/stderr" &
    pid=$!
    sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
    if kill -"$sig" "$pid" 2>/dev/null; then
      { wait "$pid"; } 2>/dev/null; status=$?
      signals=$((signals + 1))
      [ "$status" -eq $((128 + $(kill -l "$sig"))) ] || [ "$status" -eq 0 ] \
        || loss "check ended with status $status after SIG$sig at ${delay} ms"
    else
      { wait "$pid"; } 2>/dev/null || loss "check failed: $(tail -1 "$DIR/stderr")"
    fi
    left=$(ls -A "$DIR/check-tmp")
    [ -z "$left" ] || { loss "SIG$sig at ${delay} ms left $left in TMPDIR"; rm -rf "${DIR:?}/check-tmp/"*; }
  done
done

# Signals to fetch and train within their first 0.4 s (the trap used to be installed after train took its lock, and
# no command removed the temporary file it was writing): no `.*.tmp` and no lock may be left.
for sig in TERM INT HUP; do
  for _ in $(seq "$KILLS"); do
    delay=$(printf '0.%03d' $(( RANDOM % 400 )))
    rm -rf "$DIR/sig-cache" "$DIR/sig-run"
    "$JULE" data fetch USPS --cache "$DIR/sig-cache" "${COMMON[@]}" >/dev/null 2>>"$DIR/stderr" &
    pid=$!; sleep "$delay"; kill -"$sig" "$pid" 2>/dev/null && signals=$((signals + 1)); { wait "$pid"; } 2>/dev/null
    "$JULE" "${TRAIN[@]}" --cache "$DIR/reference/cache" --out "$DIR/sig-run" >/dev/null 2>>"$DIR/stderr" &
    pid=$!; sleep "$delay"; kill -"$sig" "$pid" 2>/dev/null && signals=$((signals + 1)); { wait "$pid"; } 2>/dev/null
    left=$(find "$DIR/sig-cache" "$DIR/sig-run" \( -name '.*.tmp' -o -name lock \) -printf '%P ' 2>/dev/null)
    [ -z "$left" ] || loss "SIG$sig at ${delay} s to fetch/train left: $left"
  done
done
rm -rf "$DIR/sig-cache" "$DIR/sig-run"
echo "  $signals signals delivered"

# --- full disk ---------------------------------------------------------------------------------------------------
echo "full disk (tmpfs)"
full="$DIR/full"
mkdir -p "$full"
disk="skipped"
if mount -t tmpfs -o size=512k tmpfs "$full" 2>/dev/null; then
  disk="checked"
  # The cache on a disk too small for it (USPS.h5 is about 1.5 MB).
  if "$JULE" data fetch USPS --cache "$full" "${COMMON[@]}" >/dev/null 2>"$DIR/full-fetch.err"; then
    loss "fetch onto a full disk succeeded"
  else
    lines=$(wc -l < "$DIR/full-fetch.err")
    echo "  fetch on a full disk: $(head -1 "$DIR/full-fetch.err")"
    [ "$lines" -eq 1 ] || loss "full-disk fetch error is $lines lines"
    [ -z "$(ls -A "$full")" ] || loss "full-disk fetch left files: $(ls -A "$full" | tr '\n' ' ')"
  fi
  mount -o remount,size=64m "$full"
  "$JULE" data fetch USPS --cache "$full" "${COMMON[@]}" >/dev/null 2>>"$DIR/stderr" || loss "fetch after space came back failed"
  same_file "$DIR/reference/cache/USPS.h5" "$full/USPS.h5"
  rm -f "$full/USPS.h5"
  # A run directory that fills up while training (model and checkpoints are about 2.3 MB each).
  mount -o remount,size=3m "$full"
  if "$JULE" "${TRAIN[@]}" --cache "$DIR/reference/cache" --out "$full/run" >/dev/null 2>"$DIR/full-train.err"; then
    loss "train onto a full disk succeeded"
  else
    lines=$(wc -l < "$DIR/full-train.err")
    echo "  train on a full disk: $(head -1 "$DIR/full-train.err")"
    [ "$lines" -eq 1 ] || loss "full-disk train error is $lines lines"
  fi
  check_tree "$full"
  mount -o remount,size=64m "$full"
  "$JULE" "${TRAIN[@]}" --cache "$DIR/reference/cache" --out "$full/run" >/dev/null 2>>"$DIR/stderr" || loss "train after space came back failed: $(tail -1 "$DIR/stderr")"
  check_tree "$full"
  compare_run "$DIR/reference/train" "$full/run"
  umount "$full"
else
  echo "  skipped: cannot mount a tmpfs here (needs root and CAP_SYS_ADMIN)"
fi

echo "fault: $kills kills injected ($early runs finished before their kill), $cycles completed runs compared with the reference, $checked outputs checked, $leftovers temporary files seen after kills (removed by the next run: $cleaned completed runs left none), full disk $disk, $signals signals to check, $losses losses"
[ "$losses" -eq 0 ]
