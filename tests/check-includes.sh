#!/bin/sh
# Checks the one-way layering of modules: a module may include only modules
# of a strictly lower rank (see DESIGN notes in README, "Modules").
# Unknown modules are an error, so a new module must be ranked here.
rank() {
	case "$1" in
	simtime|version|stats|csv|check|mem) echo 0 ;; # csv: the CSV header rows; check: the assertion (headers only); mem: prefetch, huge pages
	rng|hash|units|sha256x|outdir) echo 1 ;; # outdir: output directories replaced as one unit
	evq|pow|wallet) echo 2 ;;
	tx|net) echo 3 ;;
	block|ledger) echo 4 ;;
	chain|mempool) echo 5 ;;
	consensus) echo 5.2 ;; # its settings name the fork rule (chain.h)
	strategy) echo 5.5 ;; # below node, which calls it
	strategy_*) echo 5.6 ;; # one file per strategy
	node) echo 6 ;;
	config) echo 6.5 ;; # composes the modules' settings into struct scenario
	budget) echo 6.6 ;; # estimates from the scenario alone
	world|world_*) echo 7 ;; # world_*: one concern of the world each (world_int.h)
	attack) echo 7.5 ;; # what strategies achieved, for the traces
	scenario|plot|report) echo 8 ;;
	scenario_*) echo 8 ;; # the reader's parts (scenario_json.h, scenario_int.h)
	invariants) echo 8.5 ;; # judges honest nodes as report does
	trace|expect) echo 9 ;; # read report's facts of a finished run
	api|record) echo 10 ;; # live mode's JSON: the node API, the recording
	sweep) echo 10 ;; # validates each run with scenario, reads summaries
	*) echo "" ;;
	esac
}
status=0
for f in src/*.c include/powsim/*.h; do
	[ -e "$f" ] || continue
	mod=$(basename "$f"); mod=${mod%.*}
	r=$(rank "$mod")
	if [ -z "$r" ]; then echo "check-includes: $f: module '$mod' has no rank in tests/check-includes.sh"; status=1; continue; fi
	for dep in $(sed -n 's/^#include "powsim\/\([a-z_0-9]*\)\.h".*/\1/p' "$f"); do
		[ "$dep" = "$mod" ] && continue
		case "$mod" in world_*) [ "$dep" = world ] && continue ;; esac
		case "$mod" in scenario_*) [ "$dep" = scenario ] && continue ;; esac
		d=$(rank "$dep")
		if [ -z "$d" ] || awk -v d="$d" -v r="$r" 'BEGIN { exit !(d >= r) }'; then
			echo "check-includes: $f (rank $r) includes powsim/$dep.h (rank ${d:-unknown})"
			status=1
		fi
	done
	if grep -q -E '#include <(openssl|cjson)/' "$f"; then
		case "$mod" in hash|pow|wallet|tx|scenario|scenario_*|trace|bench|api|record|sweep) ;; *)
			echo "check-includes: $f includes OpenSSL or cJSON; only hash, pow, wallet, tx, scenario, trace, bench, api, record, sweep may"; status=1 ;;
		esac
	fi
done
# Private headers in src/: world_int.h only for src/world*.c, scenario_json.h
# and scenario_int.h only for src/scenario*.c (and each other).
for f in $(grep -l '#include "world_int.h"' src/* include/powsim/* sim/* tests/*.c 2>/dev/null); do
	case "$f" in src/world.c|src/world_*.c) ;; *)
		echo "check-includes: $f includes world_int.h; only src/world*.c may"; status=1 ;;
	esac
done
for f in $(grep -l -E '#include "scenario_(json|int).h"' src/* include/powsim/* sim/* tests/*.c 2>/dev/null); do
	case "$f" in src/scenario.c|src/scenario_*.[ch]) ;; *)
		echo "check-includes: $f includes a private header of the scenario reader"; status=1 ;;
	esac
done
# One assertion (powsim/check.h's CHECK, on in every build) in src/ and
# sim/; the tests keep GLib's g_assert_* macros.
for f in $(grep -l -E '(^|[^_[:alnum:]])(g_)?assert(_[a-z_]+)? *\(' src/*.c src/*.h sim/*.c include/powsim/*.h 2>/dev/null); do
	echo "check-includes: $f uses assert or g_assert; use CHECK (powsim/check.h)"; status=1
done
[ $status -eq 0 ] && echo "check-includes: layering ok"
exit $status
