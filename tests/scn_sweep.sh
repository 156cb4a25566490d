#!/bin/sh
# powsim sweep, end to end on a small model-mode scenario:
#  - every runs.csv metric equals the summary.json of a plain powsim run
#    with the same --set and --seed (whose fork_share is recomputed from
#    its blocks.csv);
#  - points.csv means, sds and t intervals recomputed here with awk;
#  - a rerun runs nothing and leaves the tables byte-identical;
#  - a sweep stopped by SIGINT half-way exits 130 and the next invocation
#    completes it to the tables of an uninterrupted sweep;
#  - a failing run is recorded with its exit status, left out of the
#    aggregates, and the sweep exits 1 after finishing the others;
#  - spec errors exit 2 naming the field.
. tests/lib.sh
t=$tmp

cat > "$t/tiny.json" <<'JSON'
{ "name": "tiny", "seed": 1, "stop": { "blocks": 150 },
  "consensus": { "mode": "model", "difficulty": 6 },
  "network": { "topology": "full", "latency": { "law": "constant", "value": "2s" } },
  "nodes": [ { "name": "m", "count": 4, "role": "miner", "hashrate": "100kH/s" } ],
  "expect": { "height": { "min": 1 } } }
JSON
cat > "$t/spec.json" <<'JSON'
{ "name": "tiny-sweep", "scenario": "tiny.json",
  "set": { "consensus.difficulty": [5.5, 6], "network.relay": ["push", "inv"] },
  "seeds": 3,
  "metrics": ["stale_rate", "fork_share", "reorgs.deepest", "phases[0].mean_interval_s"] }
JSON

# --- one sweep, and each run against a plain run ---
"$POWSIM" sweep "$t/spec.json" --out "$t/a" --jobs 2 --quiet --no-plot || fail "sweep exit $?"
[ "$(wc -l < "$t/a/runs.csv")" -eq 13 ] || fail "runs.csv has $(wc -l < "$t/a/runs.csv") lines, expected 13"
[ "$(wc -l < "$t/a/points.csv")" -eq 5 ] || fail "points.csv has $(wc -l < "$t/a/points.csv") lines, expected 5"
for row in 2 9; do
	line=$(sed -n "${row}p" "$t/a/runs.csv")
	z=$(echo "$line" | cut -d, -f2); relay=$(echo "$line" | cut -d, -f3); seed=$(echo "$line" | cut -d, -f4)
	"$POWSIM" run "$t/tiny.json" --set consensus.difficulty="$z" --set network.relay="$relay" \
		--seed "$seed" --out "$t/plain" --quiet || fail "plain run exit $?"
	want=$(jq -r '[.stale_rate, .fork_share, .reorgs.deepest, .phases[0].mean_interval_s] | map(tostring) | join(",")' \
		"$t/plain/summary.json")
	got=$(echo "$line" | cut -d, -f8-)
	# the same doubles (jq prints the shortest digits, the tables up to 17)
	awk -v a="$got" -v b="$want" 'BEGIN { n = split(a, x, ","); split(b, y, ",")
		for (i = 1; i <= n; i++) if (x[i] + 0 != y[i] + 0) exit 1; exit n != 4 }' ||
		fail "runs.csv row $row: metrics $got, the plain run gives $want"
	# fork_share recomputed from blocks.csv: heights up to the main chain's
	# length with more than one block, over that length
	len=$(jq -r .main_chain_length "$t/plain/summary.json")
	share=$(jq -r .fork_share "$t/plain/summary.json")
	awk -F, -v len="$len" -v share="$share" 'NR > 1 && $2 <= len { n[$2]++ }
		END { for (h in n) f += n[h] > 1; d = f / len - share; exit !(d < 1e-12 && d > -1e-12) }' \
		"$t/plain/blocks.csv" || fail "fork_share $share disagrees with blocks.csv"
	rm -rf "$t/plain"
done

# --- points.csv recomputed: mean, sd, mean -/+ t(0.975, 2) sd / sqrt(3);
# with 2 degrees of freedom t = (2p - 1) / sqrt(2p(1 - p)) exactly ---
awk -F, 'FNR == 1 { next }
	FILENAME ~ /runs/ { for (m = 0; m < 4; m++) { v = $(8 + m); s[$1, m] += v; ss[$1, m] += v * v; x[$1, m, ++n[$1, m]] = v } next }
	{ for (m = 0; m < 4; m++) {
		k = n[$1, m]; mean = s[$1, m] / k; d2 = 0
		for (i = 1; i <= k; i++) d2 += (x[$1, m, i] - mean) ^ 2
		sd = sqrt(d2 / (k - 1)); p = 0.975; tq = (2 * p - 1) / sqrt(2 * p * (1 - p))
		got_mean = $(5 + 4 * m); got_sd = $(6 + 4 * m); lo = $(7 + 4 * m); hi = $(8 + 4 * m)
		if ($4 != 3) { print "point " $1 ": n " $4 ", expected 3"; bad = 1 }
		if (abs(got_mean - mean) > 1e-12 * (1 + abs(mean)) || abs(got_sd - sd) > 1e-9 * (1 + sd) ||
		    abs(lo - (mean - tq * sd / sqrt(3))) > 1e-9 * (1 + abs(mean)) ||
		    abs(hi - (mean + tq * sd / sqrt(3))) > 1e-9 * (1 + abs(mean))) {
			print "point " $1 " metric " m ": " got_mean " " got_sd " " lo " " hi " against " mean " " sd; bad = 1 }
	} }
	function abs(v) { return v < 0 ? -v : v }
	END { exit bad }' "$t/a/runs.csv" "$t/a/points.csv" || fail "points.csv disagrees with the statistics recomputed"

# --- a rerun does nothing and changes nothing ---
cp "$t/a/runs.csv" "$t/a/points.csv" "$t/a/sweep.json" "$t"/
before=$(ls -l --time-style=+%s.%N "$t/a/runs/"*/summary.json | md5sum)
out=$("$POWSIM" sweep "$t/spec.json" --out "$t/a" --jobs 2 --no-plot) || fail "rerun exit $?"
echo "$out" | grep -q '12 runs, 0 to do' || fail "rerun said: $out"
after=$(ls -l --time-style=+%s.%N "$t/a/runs/"*/summary.json | md5sum)
[ "$before" = "$after" ] || fail "the rerun rewrote a run"
for f in runs.csv points.csv sweep.json; do cmp -s "$t/$f" "$t/a/$f" || fail "rerun changed $f"; done

# --- stopped half-way, then resumed: the same tables ---
cat > "$t/slow.json" <<'JSON'
{ "name": "slow", "scenario": "tiny.json", "set": { "stop.blocks": [1500, 1501, 1502, 1503, 1504, 1505] },
  "seeds": 2, "metrics": ["stale_rate", "main_chain_length"] }
JSON
"$POWSIM" sweep "$t/slow.json" --out "$t/whole" --jobs 2 --quiet --no-plot || fail "uninterrupted sweep exit $?"
"$POWSIM" sweep "$t/slow.json" --out "$t/cut" --jobs 1 --quiet --no-plot &
pid=$!
i=0
while [ "$(ls "$t/cut/runs/" 2>/dev/null | grep -c '\.rc$')" -lt 2 ] && [ $i -lt 300 ]; do sleep 0.05; i=$((i + 1)); done
kill -INT "$pid"
wait "$pid"; rc=$?
[ "$rc" -eq 130 ] || fail "SIGINT: exit $rc, expected 130"
done_n=$(ls "$t/cut/runs/" | grep -c '\.rc$')
[ "$done_n" -lt 12 ] || fail "the sweep finished before SIGINT reached it; no resume tested"
grep -q ',0,,' "$t/cut/runs.csv" || fail "no finished run kept after SIGINT"
out=$("$POWSIM" sweep "$t/slow.json" --out "$t/cut" --jobs 2 --no-plot) || fail "resume exit $?"
echo "$out" | grep -q "12 runs, $((12 - done_n)) to do" || fail "resume after $done_n runs said: $out"
for f in runs.csv points.csv; do cmp -s "$t/whole/$f" "$t/cut/$f" || fail "resumed $f differs from the uninterrupted one"; done

# --- a failing run: recorded, excluded, exit 1 after the others ---
cat > "$t/failing.json" <<'JSON'
{ "name": "failing", "scenario": "tiny.json", "set": { "expect.height.min": [1, 100000] },
  "seeds": [1, 2], "metrics": ["stale_rate"] }
JSON
"$POWSIM" sweep "$t/failing.json" --out "$t/f" --jobs 2 --quiet --no-plot 2> "$t/f.err"; rc=$?
[ "$rc" -eq 1 ] || fail "a failed run: sweep exit $rc, expected 1"
grep -q 'run min=100000_seed=1 failed (exit 1)' "$t/f.err" || fail "no failure message: $(cat "$t/f.err")"
[ "$(grep -c ',1,exit 1,$' "$t/f/runs.csv")" -eq 2 ] || fail "runs.csv does not record both failures: $(cat "$t/f/runs.csv")"
[ "$(grep -c ',0,,0' "$t/f/runs.csv")" -eq 2 ] || fail "the good runs are missing from runs.csv"
sed -n 3p "$t/f/points.csv" | grep -q '^2,100000,0,,,,$' || fail "failed runs were aggregated: $(sed -n 3p "$t/f/points.csv")"
"$POWSIM" sweep "$t/failing.json" --out "$t/f" --collect --quiet --no-plot; rc=$?
[ "$rc" -eq 1 ] || fail "--collect with failed runs: exit $rc, expected 1"

# --- a metric the summary lacks is an error for that run, named ---
sed 's/"stale_rate"]/"stale_rate", "phases[3].blocks"]/' "$t/failing.json" > "$t/nometric.json"
"$POWSIM" sweep "$t/nometric.json" --out "$t/f" --collect --quiet --no-plot; rc=$?
[ "$rc" -eq 1 ] || fail "a missing metric: exit $rc, expected 1"
grep -q 'metric phases\[3\].blocks: no phases\[3\] in it' "$t/f/runs.csv" || fail "missing metric not named in runs.csv"

# --- spec errors: exit 2, the field named ---
echo '{ "scenario": "tiny.json", "seeds": 3, "metrics": ["stale_rate"], "set": { "network.relay": "inv" } }' > "$t/bad.json"
"$POWSIM" sweep "$t/bad.json" --out "$t/bad" 2> "$t/bad.err"; rc=$?
[ "$rc" -eq 2 ] || fail "bad spec: exit $rc, expected 2"
grep -q "bad.json: set\[\"network.relay\"\]: expected a non-empty list of values, found \"inv\"" "$t/bad.err" ||
	fail "bad spec message: $(cat "$t/bad.err")"
[ ! -e "$t/bad" ] || fail "a bad spec created its output directory"
echo "sweep: runs match plain runs, points recomputed, rerun idle, resume after $done_n of 12, failures recorded"
