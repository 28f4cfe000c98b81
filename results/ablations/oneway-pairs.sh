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
source "$(dirname "$0")/recluster.sh"
printf 'run\tdataset\tdefault_nmi\tdefault_acc\tdefault_smallest\tdefault_largest\toneway_nmi\toneway_acc\toneway_smallest\toneway_largest\toneway_merges\n'
for run in "$@"; do
    embed_run "$run"
    row=("$(basename "$run")" "$dataset")
    for rule in false true; do
        "$jule" cluster "$dataset" --features embeddings --embeddings "$work/e.h5" --format json "${arithmetic[@]}" \
            --profile "$profile" --set clustering.rcOneWayMerge=$rule --out "$work/labels.txt" > "$work/eval.json" 2> "$work/periods.txt"
        row+=("$(summarise "$work/eval.json" "$work/labels.txt")")
    done
    row+=("$(grep -o '[0-9]* one-way merges' "$work/periods.txt" | cut -d' ' -f1 | paste -sd, -)")
    (IFS=$'\t'; echo "${row[*]}")
done
