#!/bin/sh
# scenarios/partition.json: east (3 miners) and west (2, a quarter of the
# hash rate) split at 60 s and heal at 120 s. From the CSVs:
#  - both sides mined while split (blocks by east and by west in [60, 120));
#  - after the heal every node holds the same most-work tip
#    (summary.json all_nodes_same_tip, no reorg at east after the heal);
#  - each west node reorganised once at the heal (within 5 s), and its depth is the
#    length of its abandoned branch, walked in blocks.csv from the old tip
#    down to the main chain: west's blocks, all mined after the split; and
#    every west block mined while split lies on such a branch.
# Env: POWSIM (the binary). Run from the repository root.
. tests/lib.sh
OUT="$tmp/out"
"$POWSIM" run scenarios/partition.json --out "$OUT" --quiet || bad "run exited $?"
B="$OUT/blocks.csv"; R="$OUT/reorgs.csv"

east=$(awk -F, 'NR>1 && $1>=60 && $1<120 && $5 ~ /^east/' "$B" | wc -l)
west=$(awk -F, 'NR>1 && $1>=60 && $1<120 && $5 ~ /^west/' "$B" | wc -l)
echo "mined while split: east $east, west $west"
[ "$east" -ge 2 ] || bad "east mined $east blocks while split"
[ "$west" -ge 2 ] || bad "west mined $west blocks while split"
grep -q '"all_nodes_same_tip":[[:space:]]*true' "$OUT/summary.json" || bad "the nodes do not end on one tip"
# (the heal's reconvergence: within 5 s of 120 s; later ordinary forks
# between equals are not the partition's)
awk -F, 'NR>1 && $1>=120 && $1<125 && $2 ~ /^east/' "$R" | grep -q . && bad "east reorganised at the heal"

# For each west reorg after the heal: walk the old tip's branch.
awk -F, '
NR == FNR { if (FNR > 1) { par[$3] = $4; miner[$3] = $5; t[$3] = $1; main[$3] = $10
		if ($5 ~ /^west/ && $1 >= 60 && $1 < 120 && $10 == 0) spl[$3] = 1 }
	    next }
FNR > 1 && $1 >= 120 && $1 < 125 && $2 ~ /^west/ {
	n++; d = 0; h = $3
	while (h in main && main[h] == 0) {
		if (miner[h] !~ /^west/ || t[h] < 60) { print "BAD " $2 ": block " h " by " miner[h] " at " t[h] " on its branch"; }
		covered[h] = 1; d++; h = par[h]
	}
	if (!(h in main)) print "BAD " $2 ": branch does not reach the main chain"
	printf "%s at %s: depth %s, branch %d\n", $2, $1, $5, d
	if (d != $5) print "BAD " $2 ": depth " $5 " but its branch has " d " blocks"
}
END {
	if (n != 2) print "BAD " n " west reorgs after the heal, expected 2"
	for (h in spl) if (!(h in covered)) print "BAD west block " h " mined while split is on no reorged branch"
}' "$B" "$R" >"$tmp/check"
cat "$tmp/check"
if grep -q '^BAD' "$tmp/check"; then bad "reorg depths do not match west's blocks"; fi

finish "partition: ok"
