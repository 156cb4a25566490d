#!/bin/sh
# The stored reference trace: tests/data/reference/scenario.json's outputs
# must be byte for byte those kept in tests/data/reference/out (the
# "wall_s" and "version" lines of summary.json aside). A change that alters
# the model on purpose regenerates them, and says so in its commit:
#   ./powsim run tests/data/reference/scenario.json --out tests/data/reference/out -q
#   sed -i '/"wall_s"\|"version"/d' tests/data/reference/out/summary.json
. tests/lib.sh
ref=tests/data/reference
"$POWSIM" run "$ref/scenario.json" --out "$tmp/out" -q || { echo "FAIL: the reference scenario did not run"; exit 1; }
sed -i '/"wall_s"\|"version"/d' "$tmp/out/summary.json"
if ! diff -r "$ref/out" "$tmp/out" >"$tmp/diff"; then
	head -20 "$tmp/diff"
	echo "FAIL: the outputs differ from the stored reference trace (see the header of $0 to regenerate it on purpose)"
	exit 1
fi
echo "ok: the reference trace is unchanged"
