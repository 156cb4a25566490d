#!/bin/sh
# no-sanitize
# powsim on SimBlock's own workloads (scenarios/bench/simblock-2019-6000.json
# and simblock-2015-6000.json, 6000 nodes, 100 blocks each, 4-7 s of
# CPU) against SimBlock's output on the same workloads (README,
# Benchmarks: SimBlock built from its public source, 6000 nodes, 100
# blocks): the medians over blocks of the time to 50 % and 90 % of nodes
# lie within 15 % of SimBlock's (the band issue 13 sets):
#   2019: t50 1.030 s, t90 2.099 s      2015: t50 8.414 s, t90 12.268 s
. tests/lib.sh
out=$tmp
bad=0
for w in "2019 1.030 2.099" "2015 8.414 12.268"; do
	set -- $w
	"$POWSIM" run "scenarios/bench/simblock-$1-6000.json" --out "$out/$1" --quiet || exit 1
	echo "$1 $(median "$out/$1" 11) $(median "$out/$1" 12) $2 $3"
done | awk '
	{
		for (k = 0; k < 2; k++) {
			got = $(2 + k); want = $(4 + k)
			printf "%s t%d: powsim %.3f s, SimBlock %.3f s (%+.1f %%)\n", $1, k ? 90 : 50, got, want, 100 * (got / want - 1)
			if (got < 0.85 * want || got > 1.15 * want) { print "FAIL: not within 15 % of SimBlock"; bad = 1 }
		}
		runs++
	}
	END { if (runs != 2) { print "FAIL: a run is missing"; exit 1 } exit bad }' || bad=1
exit $bad
