#!/bin/bash
# What each reference mechanism does to the JULE-RC tiny-cluster collapse, on trained networks (no retraining).
# For each run directory: the final network's eval-mode embeddings (what RC clusters), clustered again with the
# run's profile's clustering settings (for a run without overrides: its recorded RC, bit for bit in portable mode)
# and with one switch changed at a time:
# double precision, Torch's isolated pre-merge (gate n > 20·n*), the pre-merge at every call, the Torch and Caffe
# merge scores, Torch's fast update, K_s 40, 60 and 100 (the top of Torch's documented range), the improvement
# rcOneWayMerge; then the whole Torch and Caffe clustering settings.
# Prints one TSV row per run and variant: NMI, ACC, smallest and largest final cluster.
# Usage: results/ablations/collapse.sh JULE_BINARY RUN_DIR... > results/ablations/collapse.tsv
# Needs the cached datasets (JULE_CACHE, or JULE_MIRROR to build them) and each run's model.ckpt (not committed).
set -euo pipefail
jule=$1; shift
source "$(dirname "$0")/recluster.sh"
printf 'run\tdataset\tprofile\tvariant\tnmi\tacc\tsmallest\tlargest\n'
for run in "$@"; do
    embed_run "$run"
    variant() {
        local name=$1; shift
        if ! "$jule" cluster "$dataset" --features embeddings --embeddings "$work/e.h5" --quiet --format json "${arithmetic[@]}" \
            --out "$work/labels.txt" "$@" > "$work/eval.json" 2> "$work/error.txt"; then
            printf '%s\t%s\t%s\t%s\tfailed: %s\n' "$(basename "$run")" "$dataset" "$profile" "$name" "$(head -c 120 "$work/error.txt")"
            return
        fi
        printf '%s\t%s\t%s\t%s\t%s\n' "$(basename "$run")" "$dataset" "$profile" "$name" "$(summarise "$work/eval.json" "$work/labels.txt")"
    }
    base=(--profile "$profile")
    [ "$profile" = first-sweep ] && base=(--profile first-sweep)
    variant own "${base[@]}"
    variant double "${base[@]}" --set clustering.precision=double
    variant single "${base[@]}" --set clustering.precision=single
    variant premerge-20n "${base[@]}" --set clustering.isolatedPremerge=true
    variant premerge-always "${base[@]}" --set clustering.isolatedPremerge=true --set clustering.isolatedPremergeFactor=0
    variant no-premerge "${base[@]}" --set clustering.isolatedPremerge=false
    variant score-torch "${base[@]}" --set clustering.mergeScore=torch
    variant score-caffe "${base[@]}" --set clustering.mergeScore=caffe
    variant fast-update "${base[@]}" --set clustering.affinityUpdate=fast
    variant ks40 "${base[@]}" --neighbours 40
    variant ks60 "${base[@]}" --neighbours 60
    variant ks100 "${base[@]}" --neighbours 100
    variant one-way "${base[@]}" --set clustering.rcOneWayMerge=true
    variant torch-clustering --profile torch
    variant caffe-clustering --profile caffe
done
