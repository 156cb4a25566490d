#!/bin/sh
# Leak check: one full scenario run (and one regression scenario with its
# expectations and invariant checks) under valgrind; any leak or memory
# error fails. valgrind is installed by sim/setup-deps.sh (make deps); if
# it is missing this test fails rather than skip.
# The sanitizer pass skips this file (valgrind and ASan do not mix):
# no-sanitize
. tests/lib.sh
if ! command -v valgrind >/dev/null 2>&1; then
	echo "FAIL: valgrind is not installed (run make deps, which runs sim/setup-deps.sh)"
	exit 1
fi
status=0
vg() {
	G_SLICE=always-malloc G_DEBUG=gc-friendly valgrind -q --leak-check=full --show-leak-kinds=definite,indirect,possible \
		--errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99 "$@"
}
vg "$POWSIM" run --quiet --out "$tmp/q" scenarios/quickstart.json --set stop.blocks=10 || { echo "FAIL quickstart under valgrind (exit $?)"; status=1; }
vg "$POWSIM" run --quiet --check-invariants --out "$tmp/s" scenarios/tests/selfish-miner.json || { echo "FAIL selfish-miner under valgrind (exit $?)"; status=1; }
vg "$POWSIM" run --quiet --out "$tmp/b" scenarios/tests/stale-low-latency.json --set expect.height=1000 2>/dev/null
[ $? -eq 1 ] || { echo "FAIL a failing expectation under valgrind did not exit 1"; status=1; }
[ $status -eq 0 ] && echo "valgrind: no leaks, no errors"
exit $status
