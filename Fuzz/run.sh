#!/usr/bin/env bash
# make fuzz: builds the libFuzzer binary, writes the seed corpora, runs every fuzz target for FUZZ_SECONDS and prints,
# per target, executions, coverage, corpus size and crashes. Appends one line per target run to
# $FUZZ_DIR/history.tsv (Fuzz/history.sh sums it). Exit status 1 when any target crashed.
#
#   FUZZ_SECONDS=180    seconds per target            FUZZ_TARGETS="idx mat"   a subset (default: all)
#   FUZZ_DIR=.cache/fuzz corpora, crashes, history     FUZZ_NICE=10             niceness of the fuzzers
#   FUZZ_SKIP_BUILD=1   use the binaries already built (the campaign script builds once)
#   FUZZ_FORK=1         libFuzzer's fork mode: keep going after a crash (each one still saved and counted)
#
# A crash whose stack first leaves the sanitizer runtime and libc inside libhdf5 is a fault of Debian's libhdf5 1.10.8
# (Fuzz/third-party/README.md), not of ours: it is moved to artifacts/<target>/third-party/, counted in the `lib`
# column and does not fail the run. The targets that hand fuzzed bytes to libhdf5 always run in fork mode, so that
# such a fault does not end their run after a few executions; a crash of theirs that does not come back when its
# input is replayed alone (libhdf5 corrupting the heap unseen before it) is kept in artifacts/<target>/unreproduced/,
# listed with its report line and counted in the summary, and does not fail the run either.
#
# Crashes land in $FUZZ_DIR/artifacts/<target>/ (crash-*, oom-*, timeout-*, leak-*). Reproduce one with
#   .build/release/jule-fuzz replay <target> <file>            (ordinary build: the Swift trap and its message)
#   $FUZZ_DIR/bin/fuzz-<target> <file>                          (libFuzzer + AddressSanitizer build)
# and, once fixed, commit it to Fuzz/regressions/<target>/ so that `make test` replays it.
set -euo pipefail
cd "$(dirname "$0")/.."
SWIFT=${SWIFT:-swift}
SECONDS_PER_TARGET=${FUZZ_SECONDS:-180}
DIR=${FUZZ_DIR:-.cache/fuzz}
NICENESS=${FUZZ_NICE:-10}
mkdir -p "$DIR"/{bin,seeds,corpus,artifacts,logs}

if [ -z "${FUZZ_SKIP_BUILD:-}" ]; then
  # The replay tool (ordinary release build, the Makefile's flags) writes the seeds and dictionaries.
  nice -n 10 $SWIFT build -c release -Xswiftc -enable-testing --product jule-fuzz
  # The libFuzzer binary: every Swift module instrumented (coverage + AddressSanitizer), in its own build folder.
  nice -n 10 $SWIFT build -c release --product jule-fuzz --scratch-path .build-fuzz \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -DJULE_LIBFUZZER
fi
# Copies, so that a rebuild while the fuzzers run does not swap binaries under them.
cp .build/release/jule-fuzz "$DIR/bin/.tool" && mv -f "$DIR/bin/.tool" "$DIR/bin/jule-fuzz-tool"
cp .build-fuzz/release/jule-fuzz "$DIR/bin/.fuzzer" && mv -f "$DIR/bin/.fuzzer" "$DIR/bin/jule-fuzz"
TOOL="$DIR/bin/jule-fuzz-tool"
"$TOOL" seeds "$DIR/seeds" >/dev/null
targets=${FUZZ_TARGETS:-$("$TOOL" list | awk '{print $1}')}

# Swift's own crash backtracer would race AddressSanitizer's report; libFuzzer handles the signals.
export SWIFT_BACKTRACE=enable=no
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:allocator_may_return_null=1:handle_abort=1:handle_sigill=1}
history="$DIR/history.tsv"
[ -f "$history" ] || printf 'date\ttarget\tseconds\texecutions\tcoverage\tfeatures\tcorpus_files\tcorpus_bytes\tcrashes\tartifacts\n' > "$history"

# Targets whose inputs reach libhdf5, and the test for a fault inside it: the first stack frame of the replayed
# report that is not the sanitizer, libFuzzer or libc is in libhdf5.
HDF5_TARGETS="jule-h5 cache-h5"
faults_in_library() {
  local frame
  frame=$(JULE_FUZZ_TARGET="$1" timeout 300 "$DIR/bin/jule-fuzz" -malloc_limit_mb=1024 -rss_limit_mb=3072 -timeout=30 "$2" 2>&1 \
    | grep -E '^ *#[0-9]+ 0x' | grep -vE 'compiler-rt|llvm-project|libc\.so|/string/|sysdeps|__interceptor|__asan|__sanitizer|fuzzer::' \
    | head -1) || true
  [[ "$frame" == *libhdf5* ]]
}
# Whether replaying an input alone faults at all. In the HDF5 targets, uninstrumented libhdf5 may read or write out of
# bounds without a report, and ASan sees it only when the stray address lands in a redzone, which depends on the
# heap's history in the fork-mode child: such a crash may not come back alone (seen once in CI: a heap-buffer-overflow
# report after three H5HG_read faults in the same target, silent on replay, alone or after the whole corpus).
reproduces() {
  JULE_FUZZ_TARGET="$1" timeout 300 "$DIR/bin/jule-fuzz" -malloc_limit_mb=1024 -rss_limit_mb=3072 -timeout=30 "$2" \
    > /dev/null 2>&1 && return 1
  return 0
}

printf '%-11s %8s %12s %9s %9s %8s %10s %8s %4s\n' target seconds executions exec/s coverage features corpus crashes lib
total_executions=0; total_crashes=0; total_library=0
for t in $targets; do
  ln -sf jule-fuzz "$DIR/bin/fuzz-$t"
  mkdir -p "$DIR/corpus/$t" "$DIR/artifacts/$t"
  log="$DIR/logs/$t.log"
  # Crashes are crash-*, oom-*, timeout-* and leak-* artifacts; slow-unit-* (over 10 s under ASan) are not.
  count_artifacts() { ls "$DIR/artifacts/$t" | grep -cE '^(crash|oom|timeout|leak)-' || true; }
  mkdir -p "$DIR/artifacts/$t/third-party"
  before=$(count_artifacts)
  maxlen=$("$TOOL" max-length "$t")
  dict=()
  [ -s "$DIR/seeds/$t.dict" ] && [ "$(wc -c < "$DIR/seeds/$t.dict")" -gt 1 ] && dict=(-dict="$DIR/seeds/$t.dict")
  start=$(date +%s)
  fork=()
  if [ -n "${FUZZ_FORK:-}" ] || [[ " $HDF5_TARGETS " == *" $t "* ]]; then
    fork=(-fork=1 -ignore_crashes=1 -ignore_ooms=1 -ignore_timeouts=1)
  fi
  set +e
  nice -n "$NICENESS" "$DIR/bin/fuzz-$t" "$DIR/corpus/$t" "$DIR/seeds/$t" "${fork[@]}" \
    -max_total_time="$SECONDS_PER_TARGET" -max_len="$maxlen" "${dict[@]}" -use_value_profile=1 \
    -malloc_limit_mb=1024 -rss_limit_mb=3072 -timeout=30 -print_final_stats=1 \
    -artifact_prefix="$DIR/artifacts/$t/" > "$log" 2>&1
  status=$?
  set -e
  elapsed=$(( $(date +%s) - start ))
  executions=$(grep -E '^stat::number_of_executed_units:' "$log" | tail -1 | awk '{print $2}' || true)
  if [ -z "$executions" ]; then   # a crash ends the run before the final stats: the last status line counts
    executions=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#' || true)
  fi
  executions=${executions:-0}
  last=$(grep -E ' cov: [0-9]+' "$log" | tail -1 || true)
  coverage=$(sed -nE 's/.* cov: ([0-9]+).*/\1/p' <<< "$last")
  features=$(sed -nE 's/.* ft: ([0-9]+).*/\1/p' <<< "$last")
  corpus_files=$(ls "$DIR/corpus/$t" | wc -l)
  corpus_bytes=$(du -sb "$DIR/corpus/$t" | awk '{print $1}')
  after=$(count_artifacts)
  crashes=$(( after - before ))
  # Replays each new input once and moves the ones that fault inside libhdf5 aside; in the HDF5 targets, also the
  # ones that do not fault again on their own (kept in unreproduced/, counted and listed, not failing the run).
  library=0; unreproduced=0
  for a in $(ls -t "$DIR/artifacts/$t" | grep -E '^(crash|oom|timeout|leak)-' | head -n "$crashes" || true); do
    if faults_in_library "$t" "$DIR/artifacts/$t/$a"; then
      mv -f "$DIR/artifacts/$t/$a" "$DIR/artifacts/$t/third-party/$a"; library=$(( library + 1 ))
    elif [[ " $HDF5_TARGETS " == *" $t "* ]] && ! reproduces "$t" "$DIR/artifacts/$t/$a"; then
      mkdir -p "$DIR/artifacts/$t/unreproduced"
      mv -f "$DIR/artifacts/$t/$a" "$DIR/artifacts/$t/unreproduced/$a"; unreproduced=$(( unreproduced + 1 ))
      echo "    $t: $a faulted in the fork-mode run but not on replay (artifacts/$t/unreproduced/):"
      grep -E 'ERROR: AddressSanitizer|out-of-memory|deadly signal|ERROR: libFuzzer' "$log" | tail -1 | sed 's/^/      (last report of the run) /' || true
    fi
  done
  crashes=$(( crashes - library - unreproduced ))
  total_unreproduced=$(( ${total_unreproduced:-0} + unreproduced ))
  # Died without leaving an input (fork mode's exit status reports the faults it ignored: those are counted above).
  if [ "$status" -ne 0 ] && [ "$crashes" -eq 0 ] && [ "${#fork[@]}" -eq 0 ] && [ "$library" -eq 0 ]; then crashes=1; fi
  new=$(ls -t "$DIR/artifacts/$t" | grep -E '^(crash|oom|timeout|leak)-' | head -n "$crashes" | tr '\n' ' ' || true)
  rate=$(( elapsed > 0 ? executions / elapsed : executions ))
  printf '%-11s %8d %12d %9d %9s %8s %10s %8d %4d %s\n' "$t" "$elapsed" "$executions" "$rate" "${coverage:--}" \
    "${features:--}" "$corpus_files" "$crashes" "$library" "${new:+($new)}"
  printf '%s\t%s\t%d\t%d\t%s\t%s\t%d\t%d\t%d\t%s\n' "$(date -u +%FT%TZ)" "$t" "$elapsed" "$executions" "${coverage:-0}" \
    "${features:-0}" "$corpus_files" "$corpus_bytes" "$crashes" "${new:-}" >> "$history"
  if [ "$crashes" -gt 0 ]; then
    grep -m3 -E 'ERROR: AddressSanitizer|Fatal error|deadly signal|out-of-memory|ERROR: libFuzzer' "$log" | sed 's/^/    /' || true
  fi
  total_executions=$(( total_executions + executions )); total_crashes=$(( total_crashes + crashes ))
  total_library=$(( total_library + library ))
done
echo "fuzz: $(wc -w <<< "$targets") targets, $total_executions executions, $total_crashes crashes, $total_library libhdf5 faults, ${total_unreproduced:-0} unreproduced HDF5-target faults (logs: $DIR/logs, history: $history)"
[ "$total_crashes" -eq 0 ]
