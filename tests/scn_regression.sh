#!/bin/sh
# The consensus regression suite: runs every scenarios/tests/*.json with
# its expectations and the invariant checks after every event; fails if
# any run exits non-zero (1: an expectation failed, 2: bad file, 134: an
# invariant aborted).
set -u
POWSIM=${POWSIM:-./powsim}
status=0; n=0
for f in scenarios/tests/*.json; do
	out=$(mktemp -d)
	n=$((n + 1))
	if "$POWSIM" run --quiet --check-invariants --out "$out" "$f"; then
		echo "ok   $f"
	else
		echo "FAIL $f (exit $?)"
		status=1
	fi
	rm -rf "$out"
done
[ "$n" -ge 20 ] || { echo "only $n regression scenarios, expected at least 20"; status=1; }
exit $status
