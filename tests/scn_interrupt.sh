#!/bin/sh
# Ctrl-C: SIGINT stops a run early; it still exits 0 and writes consistent
# outputs for the time simulated, marked interrupted.
set -u
POWSIM=${POWSIM:-./powsim}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# A run far longer than the test: real mode, 10 hours simulated.
"$POWSIM" run scenarios/quickstart.json --set stop.blocks=null --set stop.time=10h \
	--out "$out" --quiet &
pid=$!
sleep 1
kill -INT "$pid"
wait "$pid"
rc=$?
[ "$rc" -eq 0 ] || { echo "FAIL: exit $rc after SIGINT, expected 0"; exit 1; }
grep -q '"interrupted":[[:space:]]*true' "$out/summary.json" ||
	{ echo "FAIL: summary.json does not say interrupted"; exit 1; }
sim=$(sed -n 's/.*"simulated_s":[[:space:]]*\([0-9.e+-]*\).*/\1/p' "$out/summary.json")
awk -v s="$sim" 'BEGIN { exit !(s > 0 && s < 36000) }' ||
	{ echo "FAIL: simulated_s $sim is not short of the 10 h asked"; exit 1; }
# blocks.csv: a header, then rows that all end before the interruption
rows=$(($(wc -l < "$out/blocks.csv") - 1))
awk -F, -v s="$sim" 'NR > 1 && $1 > s { bad = 1 } END { exit bad }' "$out/blocks.csv" ||
	{ echo "FAIL: blocks.csv has blocks after the interruption"; exit 1; }
ls "$out"/.*.tmp >/dev/null 2>&1 && { echo "FAIL: temporary files left"; exit 1; }
echo "interrupt: stopped at ${sim} s of 36000, ${rows} blocks, outputs consistent"
