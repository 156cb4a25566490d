#!/bin/sh
# no-sanitize
# A sweep through Slurm: starts a one-node Slurm cluster on this machine
# (munged with a generated key, slurmctld and slurmd with a generated
# slurm.conf, no systemd; needs root, as on CI), submits a small sweep
# with the sbatch command that `powsim sweep --slurm` prints, waits for
# the job array and the collect job that depends on it, and compares
# points.csv and runs.csv with the same sweep run by --jobs. Every daemon
# it started is stopped on exit. A cluster that cannot start is a
# failure, with the daemons' logs printed; it never skips.
set -u
POWSIM=${POWSIM:-./powsim}
POWSIM=$(cd "$(dirname "$POWSIM")" && pwd)/$(basename "$POWSIM")
t=$(mktemp -d /tmp/powsim-slurm.XXXXXX)
chmod 755 "$t"
pids=""
cleanup() {
	if [ -n "${SLURM_CONF:-}" ] && [ -e "$SLURM_CONF" ]; then
		scancel --quiet --user=root 2>/dev/null
	fi
	for p in $pids; do kill "$p" 2>/dev/null; done
	for p in $pids; do
		i=0; while kill -0 "$p" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
		kill -9 "$p" 2>/dev/null
	done
	[ -f "$t/munged.pid" ] && kill "$(cat "$t/munged.pid")" 2>/dev/null
	rm -rf "$t"
}
trap cleanup EXIT
trap 'exit 1' HUP INT PIPE TERM
logs() {
	for f in munged.log slurmctld.log slurmd.log; do
		echo "---- $f"; tail -n 40 "$t/$f" 2>/dev/null
	done
}
fail() { echo "FAIL: $*"; logs; exit 1; }
[ "$(id -u)" -eq 0 ] || fail "the Slurm test starts slurmctld and slurmd as root; run it as root (CI does)"
for c in munged mungekey slurmctld slurmd sbatch sinfo squeue scontrol; do
	command -v "$c" >/dev/null || fail "$c not found (make test-deps installs slurm-wlm and munge)"
done

# --- munge: a generated key, its own socket, pid and log ---
mkdir -p "$t/munge"
chmod 700 "$t/munge"
mungekey --create --keyfile="$t/munge/munge.key" --force 2>"$t/munged.log" ||
	dd if=/dev/urandom of="$t/munge/munge.key" bs=1024 count=1 2>/dev/null
chmod 400 "$t/munge/munge.key"
munged --force --socket="$t/munge/munge.socket" --key-file="$t/munge/munge.key" \
	--pid-file="$t/munged.pid" --log-file="$t/munged.log" --seed-file="$t/munge/munge.seed" \
	>>"$t/munged.log" 2>&1 || fail "munged did not start"

# --- slurm.conf: one node, this host, ports of our own ---
host=$(hostname -s)
# Two ports free now (the kernel's choice), not a guess that another run
# on the machine may hold.
ports=$(python3 -c 'import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(("", 0))
print(*[x.getsockname()[1] for x in s])') || fail "no free ports"
port=${ports% *}; dport=${ports#* }
mkdir -p "$t/state" "$t/spool"
: > "$t/plugstack.conf"
cat > "$t/slurm.conf" <<CONF
ClusterName=powsimtest
SlurmctldHost=$host
SlurmctldPort=$port
SlurmdPort=$dport
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$t/munge/munge.socket
StateSaveLocation=$t/state
SlurmdSpoolDir=$t/spool
SlurmctldPidFile=$t/slurmctld.pid
SlurmdPidFile=$t/slurmd.pid
SlurmctldLogFile=$t/slurmctld.log
SlurmdLogFile=$t/slurmd.log
PlugStackConfig=$t/plugstack.conf
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
MailProg=/bin/true
ReturnToService=2
SchedulerType=sched/backfill
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SlurmdTimeout=30
InactiveLimit=0
MinJobAge=300
NodeName=$host NodeAddr=127.0.0.1 CPUs=2 State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
SLURM_CONF=$t/slurm.conf
export SLURM_CONF
slurmctld -D -i -f "$t/slurm.conf" >>"$t/slurmctld.log" 2>&1 &
pids="$pids $!"
slurmd -D -f "$t/slurm.conf" >>"$t/slurmd.log" 2>&1 &
pids="$pids $!"
i=0
until sinfo -h -o '%T' 2>/dev/null | grep -q '^idle'; do
	i=$((i + 1))
	[ $i -le 300 ] || fail "the node did not become idle in 30 s: $(sinfo 2>&1)"
	sleep 0.1
done

# --- the sweep ---
# tests/data/sweep-tiny.json: 4 equal miners, 200 blocks, model mode, 2 s links
cp tests/data/sweep-tiny.json "$t/tiny.json"
cat > "$t/spec.json" <<'JSON'
{ "name": "slurm-test", "scenario": "tiny.json",
  "set": { "consensus.difficulty": [5.5, 6], "network.relay": ["push", "inv"] },
  "seeds": 2, "metrics": ["stale_rate", "reorgs.deepest"] }
JSON
cmd=$("$POWSIM" sweep "$t/spec.json" --out "$t/sl" --slurm --jobs 2 --slurm-opt=--time=10) ||
	fail "--slurm exit $?"
grep -q '^#SBATCH --array=1-8%2$' "$t/sl/sweep.sbatch" || fail "sweep.sbatch: $(cat "$t/sl/sweep.sbatch")"
grep -q '^#SBATCH --time=10$' "$t/sl/collect.sbatch" || fail "collect.sbatch lacks --slurm-opt"
[ "$(wc -l < "$t/sl/tasks.txt")" -eq 8 ] || fail "tasks.txt has $(wc -l < "$t/sl/tasks.txt") lines"
echo "$cmd" | grep -q 'dependency=afterany' || fail "the printed command does not chain the collect job: $cmd"
(cd "$t" && eval "$cmd") > "$t/submit.out" 2>&1 || { cat "$t/submit.out"; fail "sbatch failed"; }
i=0
until [ -s "$t/sl/points.csv" ] && [ -z "$(squeue -h 2>/dev/null)" ]; do
	i=$((i + 1))
	[ $i -le 1200 ] || { squeue; cat "$t"/sl/slurm/* 2>/dev/null; fail "the jobs did not finish in 120 s"; }
	sleep 0.1
done
"$POWSIM" sweep "$t/spec.json" --out "$t/local" --jobs 2 --quiet --no-plot || fail "--jobs exit $?"
for f in points.csv runs.csv; do
	cmp -s "$t/sl/$f" "$t/local/$f" || { diff "$t/sl/$f" "$t/local/$f"; cat "$t"/sl/slurm/*; fail "$f: Slurm and --jobs differ"; }
done
[ "$(grep -c ',0,,' "$t/sl/runs.csv")" -eq 8 ] || fail "not every Slurm run succeeded: $(cat "$t/sl/runs.csv")"
echo "slurm: one-node cluster up, 8-run array and collect job done, tables equal to --jobs 2"
