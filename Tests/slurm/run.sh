#!/usr/bin/env bash
# make test-slurm: runs a three-cell sweep through a real single-node Slurm (slurmctld + slurmd + munge on
# this machine, MaxArraySize=2, so two array jobs) using the scripts `jule sweep slurm` writes, then checks
# that every record, the logs and the report job's output exist and that --pending-only has nothing left. Needs root (to install and start the daemons); skips with a visible message otherwise.
set -euo pipefail
cd "$(dirname "$0")/../.."
say() { echo "test-slurm: $*"; }

if [ "$(id -u)" != 0 ]; then say "SKIPPED: needs root to install and start Slurm"; exit 0; fi
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v munged >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  if ! { apt-get update -qq && apt-get install -y -qq slurmctld slurmd slurm-client munge; } >/tmp/jule-slurm-apt.log 2>&1; then
    say "SKIPPED: could not install slurmctld/slurmd/munge (see /tmp/jule-slurm-apt.log)"; exit 0
  fi
fi

work=$(mktemp -d /tmp/jule-slurm.XXXXXX)
host=$(hostname -s)
cpus=$(nproc)
mem=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 512 ))
mkdir -p "$work"/{state,spool,log} /etc/slurm /run/munge /var/log/munge /var/lib/munge /etc/munge
chown munge:munge /run/munge /var/log/munge /var/lib/munge /etc/munge 2>/dev/null || true
[ -s /etc/munge/munge.key ] || { dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key 2>/dev/null; chown munge:munge /etc/munge/munge.key; chmod 400 /etc/munge/munge.key; }
cat > /etc/slurm/slurm.conf <<CONF
ClusterName=jule-test
SlurmctldHost=$host
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
ReturnToService=2
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldLogFile=$work/log/slurmctld.log
SlurmdLogFile=$work/log/slurmd.log
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmUser=root
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
NodeName=$host CPUs=$cpus RealMemory=$mem State=UNKNOWN
MaxArraySize=2
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
cleanup() {
  scancel --user=root >/dev/null 2>&1 || true
  [ -f "$work/slurmd.pid" ] && kill "$(cat "$work/slurmd.pid")" 2>/dev/null || true
  [ -f "$work/slurmctld.pid" ] && kill "$(cat "$work/slurmctld.pid")" 2>/dev/null || true
  pkill -x munged 2>/dev/null || true
}
trap cleanup EXIT
# Daemons left by an earlier run of this script would hold the ports: stop them first.
pkill -x slurmd 2>/dev/null || true; pkill -x slurmctld 2>/dev/null || true; pkill -x munged 2>/dev/null || true
sleep 1
runuser -u munge -- munged --force || munged --force
slurmctld
slurmd
for _ in $(seq 30); do sinfo -h -o %T 2>/dev/null | grep -Eq 'idle|mixed' && break; sleep 1; done
sinfo -h -o %T | grep -Eq 'idle|mixed' || { say "FAILED: the Slurm node did not come up"; cat "$work"/log/*.log; exit 1; }

make build >/dev/null
jule=$PWD/.build/release/jule
cache=$work/cache
sweep="$work/my sweep"  # a space: the scripts must quote it (no shell reads #SBATCH lines)
cat > "$work/sweep.json" <<JSON
{ "name": "slurm-test", "datasets": ["COIL-20"], "seeds": [1, 2, 3],
  "overrides": [{ "classLimit": 2, "epochsPerPeriod": 1 }] }
JSON
"$jule" sweep plan "$work/sweep.json" --out "$sweep" --cache "$cache"
"$jule" sweep slurm "$sweep" --cache "$cache" --cpus-per-task 1 --memory 2G --time 00:30:00 --max-array-size 2 --results "$work/results"
bash -n "$sweep/slurm/sweep.sbatch" && bash -n "$sweep/slurm/report.sbatch" && bash -n "$sweep/slurm/submit.sh"
bash "$sweep/slurm/submit.sh"
for _ in $(seq 600); do [ -z "$(squeue -h -u root)" ] && break; sleep 2; done
"$jule" sweep status "$sweep"
ls "$sweep"/cells/*/record.json >/dev/null && [ "$(ls "$sweep"/cells/*/record.json | wc -l)" = 3 ] \
  || { say "FAILED: expected 3 records"; cat "$sweep"/slurm/*.out 2>/dev/null; exit 1; }
[ -f "$work/results/summary.csv" ] || { say "FAILED: the report job (afterok) did not write summary.csv"; cat "$sweep"/slurm/*.out; exit 1; }
# MaxArraySize=2: cell 2 ran as task 0 of the second array job, logged as cell-JOB_2+0.out; the report job after both.
ls "$sweep"/slurm/cell-*_2+0.out "$sweep"/slurm/report-*.out >/dev/null || { say "FAILED: log names"; ls "$sweep"/slurm; exit 1; }
"$jule" sweep slurm "$sweep" --cache "$cache" --pending-only | grep -q "nothing to submit" || { say "FAILED: --pending-only resubmits done cells"; exit 1; }
say "3 passed, 0 failed"
