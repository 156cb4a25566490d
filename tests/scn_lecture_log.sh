#!/bin/sh
# `powsim run scenarios/six-node-lecture.json --log lecture` prints the
# lecture's console feed: "NodeK has mined!" and a block box with Index,
# Transactions, Proof, Num_zeros, Previous_hash, Present_hash, one box per
# block mined, chained by their hashes.
# Env: POWSIM (the binary). Run from the repository root.
. tests/lib.sh

"$POWSIM" run scenarios/six-node-lecture.json --log lecture --set stop.time=30s \
	--out "$tmp/out" >"$tmp/log" 2>"$tmp/err" || bad "run exited $?: $(cat "$tmp/err")"
mined=$(grep -c '^\[.*\] Node[1-5] has mined!$' "$tmp/log")
rows=$(($(wc -l <"$tmp/out/blocks.csv") - 1))
[ "$mined" -ge 2 ] || bad "only $mined \"has mined!\" lines in 30 s at 4.7 s a block"
[ "$mined" -eq "$rows" ] || bad "$mined \"has mined!\" lines but $rows blocks in blocks.csv"
for f in 'Index      : ' 'Transactions:' 'Proof      : ' 'Num_zeros  : 5' 'Previous_hash : ' 'Present_hash  : '; do
	n=$(grep -c "^$f" "$tmp/log")
	[ "$n" -eq "$mined" ] || bad "\"$f\" appears $n times for $mined blocks"
done
# the boxes: index 1 first; present hashes with 5 leading zeros, each a
# hash of blocks.csv
grep -m1 '^Index' "$tmp/log" | grep -q ': 1$' || bad "the first box is not block 1"
grep '^Present_hash' "$tmp/log" | awk '{print $3}' >"$tmp/hashes"
grep -vq '^00000' "$tmp/hashes" && bad "a Present_hash without 5 leading zeros: $(grep -v '^00000' "$tmp/hashes" | head -1)"
while read -r h; do
	grep -q ",$h," "$tmp/out/blocks.csv" || bad "Present_hash $h is not in blocks.csv"
done <"$tmp/hashes"
# every box's coinbase line: Sender '0', Amount 50
cb=$(grep -c "'Sender': '0'.*'Amount': 50 }" "$tmp/log")
[ "$cb" -eq "$mined" ] || bad "$cb coinbase lines paying 50 for $mined blocks"

if [ "$fails" -gt 0 ]; then
	echo "$fails failure(s)"; sed 's/^/  | /' "$tmp/log" | head -30
	exit 1
fi
echo "lecture log: ok ($mined blocks)"
