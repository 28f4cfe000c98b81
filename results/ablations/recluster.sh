# Shared by collapse.sh and oneway-pairs.sh (sourced, not run): re-clustering a finished run's trained network.
# Expects $jule (the binary); sets $cache (the dataset cache) and $work (a scratch directory, removed on exit).
cache=${JULE_CACHE:-$HOME/.cache/jule}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# embed_run RUN: sets dataset, profile and arithmetic (--portable for a portable run, whose RC used the package's own
# GEMM and exp, so its re-clustering does too) from RUN/record.json, and writes RUN's eval-mode embeddings (what
# JULE-RC clusters) to $work/e.h5.
embed_run() {
    local portable
    read -r dataset profile portable < <(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); c=r["configuration"]; print(r["dataset"], c.get("profile") or "first-sweep", (c.get("compute") or {}).get("portable", False))' "$1/record.json")
    arithmetic=(); [ "$portable" = True ] && arithmetic=(--portable)
    "$jule" data fetch "$dataset" --quiet > /dev/null
    "$jule" embed --run "$1" --images "$cache/$dataset.h5" --out "$work/e.h5" > /dev/null
}

# summarise EVAL.json LABELS.txt: "NMI<TAB>ACC<TAB>smallest<TAB>largest final cluster".
summarise() {
    python3 - "$1" "$2" <<'PY'
import collections, json, sys
e = json.load(open(sys.argv[1])); sizes = collections.Counter(open(sys.argv[2]).read().split()).values()
print("%.4f\t%.4f\t%d\t%d" % (e["nmi"], e["accuracy"], min(sizes), max(sizes)))
PY
}
