#!/bin/bash
# JULE-RC with and without the labelled improvement clustering.rcOneWayMerge on the same trained network: for each
# run directory, the final network's eval-mode embeddings clustered with the run's profile (the default's RC) and
# with the rule on (for a run made with the rule: its recorded RC). Portable runs are re-clustered with --portable, so
# both columns are bit for bit what a full run computes. No training.
# Prints one TSV row per run: default NMI, ACC, smallest, largest; the same with the rule; one-way merges per RC period.
# Usage: results/ablations/oneway-pairs.sh JULE_BINARY RUN_DIR... > results/ablations/oneway-pairs.tsv
# Needs the cached datasets (JULE_CACHE, or JULE_MIRROR to build them) and each run's model.ckpt (not committed).
set -euo pipefail
jule=$1; shift
cache=${JULE_CACHE:-$HOME/.cache/jule}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf 'run\tdataset\tdefault_nmi\tdefault_acc\tdefault_smallest\tdefault_largest\toneway_nmi\toneway_acc\toneway_smallest\toneway_largest\toneway_merges\n'
for run in "$@"; do
    read -r dataset profile portable < <(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); c=r["configuration"]; print(r["dataset"], c.get("profile") or "first-sweep", (c.get("compute") or {}).get("portable", False))' "$run/record.json")
    arithmetic=(); [ "$portable" = True ] && arithmetic=(--portable)
    "$jule" data fetch "$dataset" --quiet > /dev/null
    "$jule" embed --run "$run" --images "$cache/$dataset.h5" --out "$work/e.h5" > /dev/null
    row=("$(basename "$run")" "$dataset")
    for rule in false true; do
        "$jule" cluster "$dataset" --features embeddings --embeddings "$work/e.h5" --format json "${arithmetic[@]}" \
            --profile "$profile" --set clustering.rcOneWayMerge=$rule --out "$work/labels.txt" > "$work/eval.json" 2> "$work/periods.txt"
        row+=("$(python3 - "$work/eval.json" "$work/labels.txt" <<'PY'
import collections, json, sys
e = json.load(open(sys.argv[1])); sizes = collections.Counter(open(sys.argv[2]).read().split()).values()
print("%.4f\t%.4f\t%d\t%d" % (e["nmi"], e["accuracy"], min(sizes), max(sizes)))
PY
)")
    done
    row+=("$(grep -o '[0-9]* one-way merges' "$work/periods.txt" | cut -d' ' -f1 | paste -sd, -)")
    (IFS=$'\t'; echo "${row[*]}")
done
