#!/bin/sh
# Signals: SIGINT and SIGTERM stop a run within a second, also in the
# middle of a long real-mode hash slice and of a fast-mode nonce search;
# the outputs for the time simulated are written, marked interrupted, no
# expectation is judged, and the exit code is 130 (SIGINT) or 143
# (SIGTERM). A second signal ends the run at once and replaces nothing:
# the earlier run's directory stays as it was, with nothing left beside it.
. tests/lib.sh
set -f # the --set paths below hold brackets
now() { date +%s.%N; }
# Seconds from $1 to $2.
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
# stopped_by PID LIMIT: wait up to LIMIT s for PID, then kill -9 it.
# Sets rc (the exit code, or "hung") and took (seconds since the call).
stopped_by() {
	t0=$(now)
	i=0
	while kill -0 "$1" 2>/dev/null && [ $i -lt $(($2 * 50)) ]; do sleep 0.02; i=$((i + 1)); done
	if kill -0 "$1" 2>/dev/null; then
		kill -9 "$1"; wait "$1" 2>/dev/null; rc=hung
	else
		wait "$1"; rc=$?
	fi
	took=$(elapsed "$t0" "$(now)")
}
within() { awk -v t="$1" -v l="$2" 'BEGIN { exit !(t < l) }'; }
Q=scenarios/quickstart.json
# A real-mode slice is 1/32 of the expected interval, cut at the next
# event: at 8 zeros and 3 MH/s in all, with samples every 10 min and no
# trader, 45 s simulated, over 10^8 hashes (seconds of CPU) each.
REAL="--set consensus.difficulty=8 --set nodes[0].hashrate=1MH/s --set stop.blocks=null --set stop.time=1h --set output.sample=10min"
# A fast-mode block at 7 zeros needs about 2.7 * 10^8 hashes for its nonce.
FAST="--set consensus.mode=fast --set consensus.difficulty=7"

# consistent DIR SIM_MAX: summary.json says interrupted; nothing after it.
consistent() {
	grep -q '"interrupted":[[:space:]]*true' "$1/summary.json" 2>/dev/null ||
		{ bad "$1/summary.json does not say interrupted"; return; }
	sim=$(sed -n 's/.*"simulated_s":[[:space:]]*\([0-9.e+-]*\).*/\1/p' "$1/summary.json")
	awk -v s="$sim" -v m="$2" 'BEGIN { exit !(s >= 0 && s < m) }' ||
		bad "$1: simulated_s $sim is not short of the $2 s asked"
	awk -F, -v s="$sim" 'NR > 1 && $1 > s { bad = 1 } END { exit bad }' "$1/blocks.csv" ||
		bad "$1/blocks.csv has blocks after the interruption"
}

# signal_run NAME SIGNAL WANT ARGS...: start a run, send SIGNAL after 1 s,
# expect exit WANT within a second and consistent interrupted outputs.
signal_run() {
	name=$1 sig=$2 want=$3; shift 3
	# shellcheck disable=SC2086
	"$POWSIM" run "$Q" "$@" --out "$tmp/$name" --quiet 2>"$tmp/$name.err" &
	pid=$!
	sleep 1
	kill -"$sig" "$pid"
	stopped_by "$pid" 10
	[ "$rc" = "$want" ] || bad "$name: exit $rc after SIG$sig, expected $want"
	within "$took" 1 || bad "$name: took $took s to stop after SIG$sig, expected under 1 s"
	grep -q 'expectations not checked' "$tmp/$name.err" || bad "$name: no word that expectations were not judged"
	echo "$name: SIG$sig, exit $rc after $took s"
}

# shellcheck disable=SC2086
signal_run real-slice INT 130 $REAL
consistent "$tmp/real-slice" 3600
# shellcheck disable=SC2086
signal_run fast-nonce INT 130 $FAST
consistent "$tmp/fast-nonce" 1000000000
# shellcheck disable=SC2086
signal_run real-term TERM 143 $REAL
consistent "$tmp/real-term" 3600
# An expectation that would fail is not judged: exit 130, not 1.
# shellcheck disable=SC2086
signal_run expect INT 130 $REAL --set 'expect={"height":{"min":1000}}'

# A second SIGINT while the first one's outputs are being written (a model
# run of tens of thousands of blocks writes for about a second) stops at
# once: the earlier run stays whole, no staging directory is left.
"$POWSIM" run "$Q" --set stop.blocks=4 --out "$tmp/twice" --quiet || bad "the first run into twice/ failed"
cp -r "$tmp/twice" "$tmp/twice.before"
"$POWSIM" run "$Q" --set consensus.mode=model --set stop.blocks=500000 --out "$tmp/twice" --quiet \
	2>"$tmp/twice.err" &
pid=$!
sleep 0.8
kill -INT "$pid"
sleep 0.3
kill -INT "$pid"
stopped_by "$pid" 10
[ "$rc" = 130 ] || bad "twice: exit $rc after a second SIGINT, expected 130"
within "$took" 0.5 || bad "twice: took $took s to stop after the second SIGINT"
grep -q 'stopped at once' "$tmp/twice.err" || bad "twice: the second signal is not reported: $(cat "$tmp/twice.err")"
diff -r "$tmp/twice.before" "$tmp/twice" >"$tmp/diff" 2>&1 ||
	{ bad "twice: the earlier outputs were changed:"; head -5 "$tmp/diff"; }
echo "twice: second SIGINT, exit $rc after $took s"

# What the second signal left beside the directory goes with the next run.
"$POWSIM" run "$Q" --set stop.blocks=4 --out "$tmp/twice" --quiet || bad "a run after the second signal failed"
left=$(ls -a "$tmp" | grep -e '\.staging-' -e '\.old-')
[ -z "$left" ] || bad "left beside the outputs after the second signal: $left"

# A first SIGINT after the simulation ended, while the outputs are being
# written (seen in the staging directory): the outputs would be dropped,
# so it stops at once too: within a second, nothing replaced, exit 130.
cp -r "$tmp/twice" "$tmp/late.before"
"$POWSIM" run "$Q" --set consensus.mode=model --set stop.blocks=20000 --out "$tmp/twice" --quiet \
	2>"$tmp/late.err" &
pid=$!
i=0
set +f
while [ $i -lt 1000 ] && ! ls "$tmp"/.twice.staging-*/blocks.csv >/dev/null 2>&1; do
	sleep 0.005; i=$((i + 1))
done
set -f
kill -INT "$pid"
stopped_by "$pid" 10
[ "$rc" = 130 ] || bad "late: exit $rc after SIGINT while writing, expected 130"
within "$took" 1 || bad "late: took $took s to stop after SIGINT while writing"
grep -q 'was not replaced' "$tmp/late.err" || bad "late: no word that nothing was replaced: $(cat "$tmp/late.err")"
diff -r "$tmp/late.before" "$tmp/twice" >/dev/null 2>&1 || bad "late: a run interrupted while writing replaced the earlier outputs"
echo "late: SIGINT while writing, exit $rc after $took s, nothing replaced"
# What the stopped runs left beside the directory goes with the next run.
"$POWSIM" run "$Q" --set stop.blocks=4 --out "$tmp/twice" --quiet || bad "a run after the signals failed"
left=$(ls -a "$tmp" | grep -e '\.staging-' -e '\.old-')
[ -z "$left" ] || bad "left beside the outputs: $left"

finish "interrupt: all signals handled"
