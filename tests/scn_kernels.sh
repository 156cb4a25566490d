#!/bin/sh
# no-sanitize
# The nonce-scan kernels change no result: forks.json (real mode, about
# 2e7 hashes) gives byte-identical outputs with every kernel this CPU runs
# (POWSIM_POW_KERNEL), one of them on two threads, and a kernel the CPU
# lacks is reported as skipped. A bad POWSIM_POW_KERNEL or bench --kernel
# is bad input: exit 2 and a message naming it. (About 5 s.)
# Env: POWSIM (the binary). Run from the repository root.
. tests/lib.sh
SCN=scenarios/forks.json

POWSIM_POW_KERNEL=openssl "$POWSIM" run "$SCN" --out "$tmp/ref" --quiet || bad "openssl run exited $?"
grep -v '"wall_s"' "$tmp/ref/summary.json" >"$tmp/ref.summary"
ran=0
for k in sha-ni sha-ni-2 sha-ni-4 avx512 sha-ni-4:2; do
	name=${k%:*}; threads=1
	[ "$name" != "$k" ] && threads=${k#*:}
	POWSIM_POW_KERNEL=$name "$POWSIM" run "$SCN" --out "$tmp/$name-$threads" --quiet \
		--threads "$threads" 2>"$tmp/err"
	rc=$?
	if [ $rc -eq 2 ] && grep -q "not supported here" "$tmp/err"; then
		echo "SKIP: kernel $name: this CPU lacks it"
		continue
	fi
	[ $rc -eq 0 ] || { bad "kernel $name exited $rc: $(cat "$tmp/err")"; continue; }
	ran=$((ran + 1))
	for f in "$tmp"/ref/*.csv "$tmp"/ref/chain.json; do
		cmp -s "$f" "$tmp/$name-$threads/$(basename "$f")" ||
			bad "kernel $name, $threads thread(s): $(basename "$f") differs from openssl's"
	done
	grep -v '"wall_s"' "$tmp/$name-$threads/summary.json" | cmp -s - "$tmp/ref.summary" ||
		bad "kernel $name, $threads thread(s): summary.json differs from openssl's"
done
echo "kernels compared with openssl: $ran runs"
# A CPU with SHA extensions runs at least the SHA-NI kernels: comparing
# none there would be a test that cannot fail.
if grep -q -w sha_ni /proc/cpuinfo 2>/dev/null && [ "$ran" -lt 4 ]; then
	bad "this CPU has sha_ni but only $ran kernel runs were compared"
fi
[ "$(wc -l <"$tmp/ref/blocks.csv")" -gt 10 ] || bad "blocks.csv has too few rows"

POWSIM_POW_KERNEL=sha-ni-8 "$POWSIM" run "$SCN" --out "$tmp/x" --quiet 2>"$tmp/err"
rc=$?
[ $rc -eq 2 ] || bad "POWSIM_POW_KERNEL=sha-ni-8: exit $rc, expected 2"
grep -q 'POWSIM_POW_KERNEL.*expected one of.*found "sha-ni-8"' "$tmp/err" ||
	bad "POWSIM_POW_KERNEL=sha-ni-8: message was: $(cat "$tmp/err")"
[ "$(wc -l <"$tmp/err")" -eq 1 ] || bad "POWSIM_POW_KERNEL=sha-ni-8: not a one-line message"
# Refused before the output directory is claimed: nothing left beside it.
[ -z "$(ls -A "$tmp" | grep -e staging -e '^x$' -e '^\.x\.')" ] ||
	bad "POWSIM_POW_KERNEL=sha-ni-8 left files: $(ls -A "$tmp" | grep -e staging -e x)"
"$POWSIM" bench --kernel sha-ni-8 --seconds 0.01 >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -eq 2 ] || bad "bench --kernel sha-ni-8: exit $rc, expected 2"
grep -q -- '--kernel: expected.*found "sha-ni-8"' "$tmp/err" ||
	bad "bench --kernel sha-ni-8: message was: $(cat "$tmp/err")"
[ $fails -eq 0 ]
