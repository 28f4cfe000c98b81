#!/bin/bash
# RC clustering settings on the paper sweep's trained networks, without retraining (a labelled ablation).
# For every finished default cell: recompute the final network's eval-mode embeddings of all images (what JULE-RC
# clusters), check that agglomerative clustering with the run's own K_s 20 gives back the recorded RC NMI, then
# cluster the same embeddings with K_s 50 and with k-means (seed 1).
# Usage: results/ablations/rc-neighbours.sh [JULE_BINARY [CELL_GLOB]] > results/ablations/rc-neighbours.tsv
#   (CELL_GLOB, e.g. 'MNIST-full-*', limits it to some cells; the default is every cell)
# Needs the cached datasets (JULE_CACHE, or JULE_MIRROR to build them) and the cells' model.ckpt (not committed).
set -euo pipefail
jule=${1:-.build/release/jule}
pattern=${2:-*}
cache=${JULE_CACHE:-$HOME/.cache/jule}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
nmi() { "$jule" cluster "$1" --features embeddings --embeddings "$work/e.h5" --quiet --format json "${@:2}" |
        python3 -c 'import json,sys; e=json.load(sys.stdin); print("%.4f\t%.4f\t%d" % (e["nmi"], e["accuracy"], e["predictedClusters"]))'; }
printf 'cell\tdataset\trecorded_rc_nmi\tks20_nmi\tks20_acc\tks20_k\tks50_nmi\tks50_acc\tks50_k\tkmeans_nmi\tkmeans_acc\tkmeans_k\n'
for cell in results/sweeps/paper/cells/$pattern/; do
    [ -f "$cell/record.json" ] && [ -f "$cell/model.ckpt" ] || continue
    dataset=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["dataset"])' "$cell/record.json")
    recorded=$(python3 -c 'import json,sys; print("%.4f" % json.load(open(sys.argv[1]))["rc"]["nmi"])' "$cell/record.json")
    "$jule" data fetch "$dataset" --quiet > /dev/null
    "$jule" embed --run "$cell" --images "$cache/$dataset.h5" --out "$work/e.h5" > /dev/null
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$(basename "$cell")" "$dataset" "$recorded" \
        "$(nmi "$dataset")" "$(nmi "$dataset" --neighbours 50)" "$(nmi "$dataset" --method kmeans --seed 1)"
done
