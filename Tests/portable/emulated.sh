#!/usr/bin/env bash
# make test-emulated: the portable-mode tests (golden digests, GEMM kernels, PortableMath, portable Winograd) run
# again under QEMU's user-mode emulator posing as other processors: an Intel Haswell and an AMD Zen 1 EPYC (both AVX2
# and FMA, no AVX-512). The emulator reports their CPUID, so the kernels choose their instruction set as on those
# machines, and it computes every floating-point instruction (FMA included) with its own software IEEE arithmetic,
# not the host's units: a second implementation of the same arithmetic, where the digests must come out unchanged.
# This is evidence beside the real thing (a run on real Intel and AMD hardware, issue 22), not a substitute for it.
# Needs the test binary of `make test` (`swift build --build-tests`); installs qemu-user as root when missing and
# skips with a message when it cannot.
set -euo pipefail
cd "$(dirname "$0")/../.."
say() { echo "test-emulated: $*"; }

if ! command -v qemu-x86_64 >/dev/null; then
  if [ "$(id -u)" = 0 ] && { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq qemu-user; } \
       >/tmp/jule-qemu-apt.log 2>&1; then :
  else say "SKIPPED: qemu-user is not installed and could not be (see /tmp/jule-qemu-apt.log)"; exit 0; fi
fi
bundle=$(ls -d .build/release/*PackageTests.xctest 2>/dev/null | head -1 || true)
[ -n "$bundle" ] || { say "no test binary: run make test (or swift build -c release --build-tests) first"; exit 1; }

work=$(mktemp -d /tmp/jule-emulated.XXXXXX)
trap 'rm -rf "$work"' EXIT
cc -O1 -o "$work/cpuid" Tests/portable/cpuid.c
suites=(JuleComputeTests.PortableGemmTests JuleDataTests.PortableMathTests JuleComputeTests.WinogradTests
        JuleHarnessTests.PortableRunGoldenTests)
passed=0 failed=0
for cpu in Haswell EPYC; do
  say "$cpu: $(qemu-x86_64 -cpu "$cpu" "$work/cpuid" 2>/dev/null)"
  for suite in "${suites[@]}"; do
    # The emulator warns about every CPUID feature it does not model (TSX, x2APIC, ...): noise here.
    if qemu-x86_64 -cpu "$cpu" "$bundle" "$suite" > "$work/out" 2>&1; then status=0; else status=$?; fi
    grep -v "TCG doesn't support requested feature" "$work/out" | grep -E "^Test Case .*(passed|failed)|error:" \
      | sed "s/^/test-emulated: $cpu: /" || true
    if [ "$status" = 0 ] && grep -qE "Executed [1-9][0-9]* tests?, with 0 failures" "$work/out"; then
      passed=$((passed + 1))
    else
      failed=$((failed + 1)); say "$cpu: $suite FAILED (exit $status)"
      grep -v "TCG doesn't support" "$work/out" | tail -20 | sed "s/^/test-emulated: $cpu: /"
    fi
  done
done
say "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
