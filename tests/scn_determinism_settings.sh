#!/bin/sh
# Determinism across settings that must not change a run: --threads (1, 2,
# 3: real-mode hashing in parallel), --log lecture (a console feed),
# --check-invariants (checks after every event), --plot (figures drawn
# afterwards) and --quiet. Every trace is byte-identical (summary.json but
# for its wall_s line). Two scenarios: a short real-mode quickstart, and
# the 2015 network (scenarios/validation/bitcoin-2015.json: pools on a
# backbone, relays drawing their bandwidth from the measured histograms,
# regions) cut to 400 relays, 50 connections a pool and 20 blocks, in
# real mode at difficulty 4 with the pools' hash rate scaled to keep
# 10-minute blocks; --check-invariants on it at 60 relays and 10 blocks
# (checking after every event costs about 80 s of CPU at 400 relays).
. tests/lib.sh
run() { # NAME ARGS...: one run of a short real-mode quickstart into $tmp/NAME
	name=$1; shift
	"$POWSIM" run scenarios/quickstart.json --set stop.blocks=25 --out "$tmp/$name" "$@" \
		> /dev/null || { echo "FAIL: run $name ($*)"; exit 1; }
	grep -v '"wall_s"' "$tmp/$name/summary.json" > "$tmp/$name/summary.nowall"
}
V15=scenarios/validation/bitcoin-2015.json
run15() { # NAME RELAYS BLOCKS CONNECTIONS ARGS...: the cut 2015 network into $tmp/NAME
	name=$1 relays=$2 blocks=$3 conns=$4; shift 4
	"$POWSIM" run "$V15" --out "$tmp/$name" --set consensus.mode=real --set consensus.difficulty=4 \
		--set 'nodes[0].hashrate=110H/s' --set "nodes[1].count=$relays" --set "stop.blocks=$blocks" \
		--set "network.backbone.connections=$conns" "$@" > /dev/null ||
		{ echo "FAIL: run $name ($*)"; exit 1; }
	grep -v '"wall_s"' "$tmp/$name/summary.json" > "$tmp/$name/summary.nowall"
}
run base --quiet
run t2 --quiet --threads 2
run t3 --quiet --threads 3
run log --log lecture
run inv --quiet --check-invariants
run plot --quiet --plot
run15 b15 400 20 50 --quiet
run15 b15t2 400 20 50 --quiet --threads 2
run15 b15t3 400 20 50 --quiet --threads 3
run15 b15log 400 20 50 --log lecture
run15 b15plot 400 20 50 --quiet --plot
run15 s15 60 10 20 --quiet
run15 s15inv 60 10 20 --quiet --check-invariants
fail=0
same() { # BASE NAME: every trace of run NAME is that of run BASE
	for f in blocks.csv reorgs.csv txs.csv timeline.csv events.csv phases.csv miners.csv \
		chain.json summary.nowall; do
		cmp -s "$tmp/$1/$f" "$tmp/$2/$f" || { echo "FAIL: $f differs in run $2"; fail=1; }
	done
}
for name in t2 t3 log inv plot; do same base "$name"; done
for name in b15t2 b15t3 b15log b15plot; do same b15 "$name"; done
same s15 s15inv
[ "$(($(wc -l < "$tmp/b15/blocks.csv") - 1))" -eq 20 ] || { echo "FAIL: the 2015 run did not mine 20 blocks"; fail=1; }
[ "$fail" -eq 0 ] &&
	echo "determinism: identical traces across threads, log, invariants, plot (quickstart, 2015 network with backbone and histograms)"
exit "$fail"
