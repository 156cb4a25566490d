#!/bin/sh
# Determinism across --threads: real-mode hashing on 1, 2 and 3 threads
# gives byte-identical outputs (summary.json but for its wall_s line).
set -u
POWSIM=${POWSIM:-./powsim}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
for t in 1 2 3; do
	"$POWSIM" run scenarios/quickstart.json --threads $t --set stop.blocks=25 \
		--out "$tmp/t$t" --quiet || { echo "FAIL: run with --threads $t"; exit 1; }
	grep -v '"wall_s"' "$tmp/t$t/summary.json" > "$tmp/t$t/summary.nowall"
done
for t in 2 3; do
	for f in blocks.csv reorgs.csv txs.csv timeline.csv events.csv phases.csv miners.csv \
		chain.json summary.nowall; do
		cmp -s "$tmp/t1/$f" "$tmp/t$t/$f" || { echo "FAIL: $f differs with --threads $t"; fail=1; }
	done
done
[ "$fail" -eq 0 ] && echo "threads: identical outputs for 1, 2, 3 threads"
exit "$fail"
