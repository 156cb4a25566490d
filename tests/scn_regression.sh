#!/bin/sh
# The consensus regression suite: runs every scenarios/tests/*.json with
# its expectations and the invariant checks after every event; fails if
# any run exits non-zero (1: an expectation failed, 2: bad file, 134: an
# invariant aborted, 124: it ran over two minutes).
. tests/lib.sh
status=0; n=0
for f in scenarios/tests/*.json; do
	out=$(mktemp -d)
	n=$((n + 1))
	# A bounded run: a regression to a run that never ends must fail,
	# not hold CI (124 is timeout's exit).
	if timeout 120 "$POWSIM" run --quiet --check-invariants --out "$out" "$f"; then
		echo "ok   $f"
	else
		echo "FAIL $f (exit $?)"
		status=1
	fi
	rm -rf "$out"
done
[ "$n" -ge 20 ] || { echo "only $n regression scenarios, expected at least 20"; status=1; }
exit $status
