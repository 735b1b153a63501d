#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# sweep-slurm.sh - a sweep run as a Slurm job array on a one-node cluster
# started here: as root on Debian, installs slurm-wlm and munge if they
# are missing, starts munged, slurmctld and slurmd on localhost from a
# minimal slurm.conf in a private directory (its own munge socket and
# ports, nothing of the system's configuration touched), submits the
# script `kmemsim sweep --slurm` wrote with `sbatch --wait`, and checks
# that the merged table is byte-identical to the same jobs run one after
# the other.  Everything it started is stopped by pid at the end.
#
# SKIPs (77) where it cannot run: not root, no apt-get, the packages
# cannot be installed (no network to the Debian mirrors), or the daemons
# do not come up in this environment (their logs are shown).
set -u
km=${KMEMSIM:?}
if [ "$(id -u)" != 0 ]; then
	echo "SKIP: not root (a Slurm cluster needs root to start)"
	exit 77
fi
need() {
	for c in munged slurmctld slurmd sbatch sinfo scancel; do
		command -v "$c" >/dev/null 2>&1 || return 1
	done
}
if ! need; then
	if ! command -v apt-get >/dev/null 2>&1; then
		echo "SKIP: Slurm is not installed and there is no apt-get"
		exit 77
	fi
	echo "installing slurm-wlm and munge"
	inst() {
		DEBIAN_FRONTEND=noninteractive timeout 150 apt-get install -y -qq \
			--no-install-recommends -o DPkg::Lock::Timeout=60 slurm-wlm munge \
			>/dev/null 2>&1
	}
	if ! inst; then
		timeout 60 apt-get update -qq >/dev/null 2>&1
		if ! inst || ! need; then
			echo "SKIP: cannot install slurm-wlm and munge (no network to the Debian mirrors?)"
			exit 77
		fi
	fi
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/kmemsim-slurm.XXXXXX") || exit 99
chmod 755 "$tmp"
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
pass() { echo "ok: $*"; }
stop() {
	SLURM_CONF=$tmp/slurm.conf scancel --quiet --user=root >/dev/null 2>&1
	for p in slurmd slurmctld munged; do
		[ -s "$tmp/$p.pid" ] && kill "$(cat "$tmp/$p.pid")" 2>/dev/null
	done
	sleep 1
	for p in slurmd slurmctld munged; do
		[ -s "$tmp/$p.pid" ] && kill -9 "$(cat "$tmp/$p.pid")" 2>/dev/null
	done
	rm -rf "$tmp"
}
trap stop EXIT
skip_daemons() {
	echo "SKIP: $1 in this environment"
	for f in munged.log slurmctld.log slurmd.log; do
		[ -f "$tmp/$f" ] && { echo "== $f"; tail -n 15 "$tmp/$f"; }
	done
	exit 77
}
cd "$tmp" || exit 99
t0=$(date +%s)

# munge, on a socket of its own
dd if=/dev/urandom of=munge.key bs=1024 count=1 2>/dev/null
chmod 400 munge.key
munged --force --socket="$tmp/munge.sock" --key-file="$tmp/munge.key" \
	--pid-file="$tmp/munged.pid" --log-file="$tmp/munged.log" \
	--seed-file="$tmp/munged.seed" || skip_daemons "munged does not start"

# two free TCP ports
port=$((20000 + $$ % 20000))
while command -v ss >/dev/null 2>&1 &&
      ss -ltnH 2>/dev/null | grep -q ":$port \|:$((port + 1)) "; do
	port=$((port + 2))
done
host=$(hostname -s)
mkdir -p state spool
cat >slurm.conf <<EOF
# a one-node cluster for tests/sweep-slurm.sh
ClusterName=kmemsimtest
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
SlurmctldPort=$port
SlurmdPort=$((port + 1))
AuthType=auth/munge
AuthInfo=socket=$tmp/munge.sock
CredType=cred/munge
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/slurmctld.log
SlurmdLogFile=$tmp/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
# the node says it has 4 CPUs whatever this machine has (config_overrides
# keeps slurmd from draining it for that): 4 tasks run at once, as
# --slurm-max 4 allows, and the 12 tasks take 3 rounds, not 6 -- with
# sbatch --wait polling ever more slowly, about 11 s instead of 43 s here
SlurmdParameters=config_overrides
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
NodeName=kmemsim1 NodeHostname=$host NodeAddr=127.0.0.1 CPUs=4 RealMemory=1000 State=UNKNOWN
PartitionName=kmemsim Nodes=kmemsim1 Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF="$tmp/slurm.conf"
slurmctld -f "$tmp/slurm.conf" || skip_daemons "slurmctld does not start"
slurmd -f "$tmp/slurm.conf" -N kmemsim1 || skip_daemons "slurmd does not start"
i=0
until sinfo -h -o %T 2>/dev/null | grep -q idle; do
	i=$((i + 1))
	[ $i -gt 60 ] && skip_daemons "the node is not idle after 30 s"
	sleep 0.5
done
pass "one-node cluster up ($(( $(date +%s) - t0 )) s since the start)"

sweep() {	# sweep DIR MODE...
	d=$1; shift
	"$km" sweep default --out "$tmp/$d" --policies slab,slub --seeds 1-3 \
		--set ops=200 --opt slub_min_objects=4,16 "$@"
}
sweep seq --jobs 2>/dev/null | sh || fail "the jobs one after the other"
"$km" merge seq --format csv >seq.csv 2>/dev/null || fail "merge of the sequential run"

sweep out --slurm job.sh --slurm-max 4 --slurm-opts "--time=10 --mem=200M" 2>slurm.err ||
	fail "sweep --slurm: $(cat slurm.err)"
grep -q "^#SBATCH --array=0-11%4$" job.sh && grep -q "^#SBATCH --time=10$" job.sh &&
	pass "an sbatch script of a 12-task array, --slurm-opts passed" ||
	{ fail "the script"; head -12 job.sh; }
t1=$(date +%s)
timeout 150 sbatch --wait job.sh >sbatch.out 2>&1
rc=$?
[ $rc = 0 ] && pass "sbatch --wait: 12 array tasks done (exit 0, $(( $(date +%s) - t1 )) s)" ||
	{ fail "sbatch --wait: exit $rc"; cat sbatch.out; tail -n 20 slurmctld.log; }
"$km" merge out --format csv >slurm.csv 2>merge.err
rc=$?
[ $rc = 0 ] && pass "merge of the Slurm run (exit 0)" || { fail "merge: exit $rc"; cat merge.err; }
cmp -s seq.csv slurm.csv && pass "Slurm: the sequential run's merged table, byte for byte" ||
	{ fail "Slurm's merge differs"; diff seq.csv slurm.csv | head; }
"$km" merge out >slurm.txt 2>/dev/null
"$km" merge seq >seq.txt 2>/dev/null
cmp -s seq.txt slurm.txt && pass "and the text tables too" || fail "text merge differs"
# resumed: nothing left to submit
sweep out --slurm again.sh 2>/dev/null
grep -q "nothing to run" again.sh && ! grep -q "^#SBATCH --array" again.sh &&
	pass "a finished sweep's script runs nothing" || fail "resume script: $(cat again.sh)"
echo "total $(( $(date +%s) - t0 )) s"

[ $fails = 0 ] || { echo "$fails failure(s)"; exit 1; }
exit 0
