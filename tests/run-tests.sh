#!/bin/sh
# Runs every unit test binary (GLib TAP output) and every scenario test
# script, and prints one closing line "N passed, M failed".
# Env: BUILD (build dir with tests/), POWSIM (binary), SAN=1 under sanitizers.
BUILD=${BUILD:-build}
POWSIM=${POWSIM:-./powsim}
export POWSIM
passed=0; failed=0; failures=""
log=$(mktemp)
for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] || continue
	case "$t" in *.d) continue ;; esac
	if "$t" >"$log" 2>&1; then
		n=$(grep -c '^ok ' "$log")
		passed=$((passed + n))
		echo "PASS $(basename "$t") ($n cases)"
	else
		n=$(grep -c '^ok ' "$log"); passed=$((passed + n))
		failed=$((failed + 1)); failures="$failures $(basename "$t")"
		echo "FAIL $(basename "$t")"; tail -n 30 "$log"
	fi
done
for s in tests/scn_*.sh; do
	[ -e "$s" ] || continue
	if [ -n "${SAN:-}" ] && grep -q '^# no-sanitize' "$s"; then continue; fi
	if sh "$s" >"$log" 2>&1; then
		passed=$((passed + 1)); echo "PASS $(basename "$s")"
	else
		failed=$((failed + 1)); failures="$failures $(basename "$s")"
		echo "FAIL $(basename "$s")"; tail -n 30 "$log"
	fi
done
rm -f "$log"
[ -n "$failures" ] && echo "failed:$failures"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
