#!/bin/sh
# no-sanitize
# The same sweep four ways: its --tasks lines through GNU parallel (then
# --collect), through a plain sh one after the other, with --jobs 1 and
# with --jobs 2. runs.csv and points.csv must be byte-identical: rows come
# in run order, never in completion order.
. tests/lib.sh
t=$tmp
command -v parallel >/dev/null || fail "GNU parallel is not installed (make test-deps installs it)"
parallel --version 2>/dev/null | grep -q 'GNU parallel' || fail "parallel is not GNU parallel"

# tests/data/sweep-tiny.json: 4 equal miners, 200 blocks, model mode, 2 s links
cp tests/data/sweep-tiny.json "$t/tiny.json"
cat > "$t/spec.json" <<'JSON'
{ "name": "par", "scenario": "tiny.json",
  "set": { "consensus.difficulty": [5.5, 6, 6.5], "network.latency.value": ["1s", "3s"] },
  "seeds": 3, "metrics": ["stale_rate", "fork_share", "phases[0].mean_interval_s"] }
JSON
# parallel runs the lines from another directory: the paths are absolute
mkdir "$t/elsewhere"
"$POWSIM" sweep "$t/spec.json" --out "$t/p" --tasks > "$t/tasks.txt" || fail "--tasks exit $?"
[ "$(wc -l < "$t/tasks.txt")" -eq 18 ] || fail "--tasks printed $(wc -l < "$t/tasks.txt") lines, expected 18"
[ ! -e "$t/p/runs.csv" ] || fail "--tasks ran or aggregated something"
(cd "$t/elsewhere" && HOME="$t" parallel --will-cite --jobs 2 < "$t/tasks.txt") || fail "parallel exit $?"
"$POWSIM" sweep "$t/spec.json" --out "$t/p" --collect --quiet --no-plot || fail "--collect exit $?"
# nothing left to do after parallel
[ -z "$("$POWSIM" sweep "$t/spec.json" --out "$t/p" --tasks)" ] || fail "--tasks after parallel still lists runs"

"$POWSIM" sweep "$t/spec.json" --out "$t/s" --tasks | (cd "$t/elsewhere" && sh) || fail "tasks through sh: exit $?"
"$POWSIM" sweep "$t/spec.json" --out "$t/s" --collect --quiet --no-plot || fail "--collect (sh) exit $?"
"$POWSIM" sweep "$t/spec.json" --out "$t/j1" --jobs 1 --quiet --no-plot || fail "--jobs 1 exit $?"
"$POWSIM" sweep "$t/spec.json" --out "$t/j2" --jobs 2 --quiet --no-plot || fail "--jobs 2 exit $?"
for d in s j1 j2; do
	for f in runs.csv points.csv; do
		cmp -s "$t/p/$f" "$t/$d/$f" || { diff "$t/p/$f" "$t/$d/$f" | head; fail "$f: parallel and $d differ"; }
	done
done
grep -q ',0,,' "$t/p/runs.csv" || fail "runs.csv records no successful run"
echo "parallel: 18 runs, runs.csv and points.csv identical through parallel, sh, --jobs 1 and --jobs 2"
