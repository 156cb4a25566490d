#!/bin/sh
# The six-node lecture (real mode, pull-chain relay, the whole timeline)
# run twice with the same seed gives byte-identical outputs: every CSV and
# chain.json, and summary.json but for its "wall_s" line; another seed
# gives another run. (About 3 x 4 s of wall time.)
# Env: POWSIM (the binary). Run from the repository root.
# no-sanitize
. tests/lib.sh
SCN=scenarios/six-node-lecture.json

for d in a b; do
	"$POWSIM" run "$SCN" --seed 5 --out "$tmp/$d" --quiet || bad "run $d exited $?"
done
"$POWSIM" run "$SCN" --seed 6 --out "$tmp/c" --quiet || bad "run c exited $?"
n=0
for f in "$tmp"/a/*.csv "$tmp"/a/chain.json; do
	name=$(basename "$f"); n=$((n + 1))
	cmp -s "$f" "$tmp/b/$name" || bad "$name differs between two runs of seed 5"
done
[ "$n" -eq 8 ] || bad "expected 7 CSVs and chain.json, found $n files"
grep -v '"wall_s"' "$tmp/a/summary.json" >"$tmp/sa"
grep -v '"wall_s"' "$tmp/b/summary.json" >"$tmp/sb"
[ "$(($(wc -l <"$tmp/a/summary.json") - $(wc -l <"$tmp/sa")))" -eq 1 ] || bad "summary.json: not exactly one wall_s line"
cmp -s "$tmp/sa" "$tmp/sb" || bad "summary.json differs beyond wall_s between two runs of seed 5"
[ "$(wc -l <"$tmp/a/blocks.csv")" -gt 100 ] || bad "blocks.csv has too few rows for a lecture run"
cmp -s "$tmp/a/blocks.csv" "$tmp/c/blocks.csv" && bad "seeds 5 and 6 gave the same blocks.csv"
cmp -s "$tmp/a/chain.json" "$tmp/c/chain.json" && bad "seeds 5 and 6 gave the same chain.json"

finish "lecture determinism: ok"
