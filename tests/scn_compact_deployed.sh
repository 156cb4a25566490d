#!/bin/sh
# Compact relay as deployed, on one network and seed (inv relay, 20 ms
# links, 200 KB blocks over 1 Mbit/s, 24 nodes, 40 blocks):
# - compact_share 0 is plain relay, byte for byte;
# - a rebuild that always fails costs a getblocktxn/blocktxn round trip
#   and the missing bulk at every hop, so blocks reach every node later
#   than with rebuilds that never fail, and no sooner than plain relay;
# - a failure probability of 0.27 lies between the two;
# - with compact_missing 0.05 a failed rebuild fetches 10 000 bytes
#   instead of the rest of the block (193 608): still a round trip per
#   hop, but at 1 Mbit/s at least 1.469 s less per hop, and at least one
#   hop, so every block reaches every node 1.469 s sooner at least;
# - BIP 152 high-bandwidth mode (3 peers pushed to unsolicited) saves the
#   inv/getdata round trip of low-bandwidth mode: blocks arrive sooner.
. tests/lib.sh
cat > "$tmp/relay.json" <<'JSON'
{ "name": "compact-deployed", "seed": 4, "stop": { "blocks": 40 },
  "consensus": { "mode": "model", "difficulty": 5 },
  "network": { "topology": "random", "degree": 3, "latency": "20ms", "relay": "inv",
               "bandwidth": "1Mbit/s", "block_size": "200KB", "header_bytes": 80,
               "compact": true },
  "nodes": [ { "name": "m", "count": 4, "hashrate": "6kH/s" },
             { "name": "r", "count": 20, "role": "relay" } ] }
JSON
mean_t100() { awk -F, 'NR > 1 && $13 != "" { s += $13; n++ } END { if (n) printf "%.4f", s / n; else print "none" }' "$1/blocks.csv"; }
run() { name=$1; shift
	"$POWSIM" run "$tmp/relay.json" --out "$tmp/$name" --quiet "$@" || { echo "FAIL: run $name"; exit 1; }
}
run plain --set network.compact=false
run share0 --set network.compact_share=0
run ok
run fail --set network.compact_fail=1
run some --set network.compact_fail=0.27
run missing --set network.compact_fail=1 --set network.compact_missing=0.05
run hb --set network.compact_hb=3
cmp -s "$tmp/plain/blocks.csv" "$tmp/share0/blocks.csv" ||
	{ echo "FAIL: compact_share 0 is not plain relay"; exit 1; }
p=$(mean_t100 "$tmp/plain"); o=$(mean_t100 "$tmp/ok"); f=$(mean_t100 "$tmp/fail")
s=$(mean_t100 "$tmp/some"); h=$(mean_t100 "$tmp/hb"); m=$(mean_t100 "$tmp/missing")
echo "mean time to every node: plain $p s, compact $o s, always failing $f s, failing 27 % $s s, high-bandwidth $h s, always failing fetching 5 % $m s"
awk -v p="$p" -v o="$o" -v f="$f" -v s="$s" -v h="$h" -v m="$m" 'BEGIN {
	bad = 0
	if (p == "none" || o == "none" || f == "none" || s == "none" || h == "none" || m == "none") { print "FAIL: no block reached every node"; exit 1 }
	# one round trip (2 x 20 ms) per hop at least, and at least one hop
	if (f < o + 0.04) { print "FAIL: failed rebuilds cost no round trip"; bad = 1 }
	if (f < p) { print "FAIL: failed rebuilds beat plain relay"; bad = 1 }
	if (!(s > o && s < f)) { print "FAIL: 27 % failures not between none and all"; bad = 1 }
	if (h > o - 0.04) { print "FAIL: high-bandwidth mode saves no round trip"; bad = 1 }
	if (m < o + 0.04) { print "FAIL: a failed rebuild fetching 5 % costs no round trip"; bad = 1 }
	if (m > f - 1.469) { print "FAIL: compact_missing 0.05 does not shorten the blocktxn"; bad = 1 }
	exit bad }'
