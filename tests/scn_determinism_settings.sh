#!/bin/sh
# Determinism across settings that must not change a run: --threads (1, 2,
# 3: real-mode hashing in parallel), --log lecture (a console feed),
# --check-invariants (checks after every event), --plot (figures drawn
# afterwards) and --quiet. Every trace is byte-identical (summary.json but
# for its wall_s line).
. tests/lib.sh
run() { # NAME ARGS...: one run of a short real-mode quickstart into $tmp/NAME
	name=$1; shift
	"$POWSIM" run scenarios/quickstart.json --set stop.blocks=25 --out "$tmp/$name" "$@" \
		> /dev/null || { echo "FAIL: run $name ($*)"; exit 1; }
	grep -v '"wall_s"' "$tmp/$name/summary.json" > "$tmp/$name/summary.nowall"
}
run base --quiet
run t2 --quiet --threads 2
run t3 --quiet --threads 3
run log --log lecture
run inv --quiet --check-invariants
run plot --quiet --plot
fail=0
for name in t2 t3 log inv plot; do
	for f in blocks.csv reorgs.csv txs.csv timeline.csv events.csv phases.csv miners.csv \
		chain.json summary.nowall; do
		cmp -s "$tmp/base/$f" "$tmp/$name/$f" || { echo "FAIL: $f differs in run $name"; fail=1; }
	done
done
[ "$fail" -eq 0 ] && echo "determinism: identical traces across threads, log, invariants, plot"
exit "$fail"
