#!/bin/sh
# Compact relay: with 200 KB blocks over 1 Mbit/s uplinks a full block
# takes 1.6 s a hop; sent compact (header, 8-byte short ids, and in full
# only the transfers the peer lacks) it takes about 0.05 s. So blocks must
# reach every node several times faster, on the same seed and network.
. tests/lib.sh
cat > "$tmp/relay.json" <<'JSON'
{ "name": "compact", "seed": 4, "stop": { "blocks": 40 },
  "consensus": { "mode": "model", "difficulty": 5 },
  "network": { "topology": "random", "degree": 3, "latency": "20ms", "relay": "push",
               "bandwidth": "1Mbit/s", "block_size": "200KB", "header_bytes": 80 },
  "nodes": [ { "name": "m", "count": 4, "hashrate": "6kH/s" },
             { "name": "r", "count": 20, "role": "relay" },
             { "name": "t", "role": "trader", "balance": 1000000,
               "trade": { "interval": "500ms" } } ] }
JSON
mean_t100() { awk -F, 'NR > 1 && $13 != "" { s += $13; n++ } END { if (n) printf "%.4f", s / n; else print "none" }' "$1/blocks.csv"; }
for c in false true; do
	"$POWSIM" run "$tmp/relay.json" --set network.compact=$c --out "$tmp/$c" --quiet ||
		{ echo "FAIL: run with compact=$c"; exit 1; }
done
plain=$(mean_t100 "$tmp/false"); compact=$(mean_t100 "$tmp/true")
echo "mean time for a block to reach every node: plain $plain s, compact $compact s"
awk -v p="$plain" -v c="$compact" 'BEGIN { exit !(p != "none" && c != "none" && c < p / 4) }' ||
	{ echo "FAIL: compact relay is not at least 4 times faster"; exit 1; }
