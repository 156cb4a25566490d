#!/bin/sh
# Congestion at 1-minute blocks: runs scenarios/validation/congestion-1min.json
# at block sizes of 100 KB to 1 MB (SEEDS seeds each, default 2), writes
# DIR/congestion.csv (size_kb,blocks,stale,main,stale_per_main,tau_s) and
# draws DIR/congestion.png with plots/congestion.gp.
#   sh plots/congestion.sh [DIR]      (default out/congestion; about 20 s)
set -eu
POWSIM=${POWSIM:-./powsim}
dir=${1:-out/congestion}
seeds=${SEEDS:-2}
mkdir -p "$dir"
csv=$dir/congestion.csv
echo "size_kb,blocks,stale,main,stale_per_main,tau_s" > "$csv.tmp"
get() { sed -n "s/^[[:space:]]*\"$2\":[[:space:]]*\([-0-9.e+]*\).*/\1/p" "$1/summary.json"; }
for kb in 100 200 300 400 500 600 700 800 900 1000; do
	blocks=0; stale=0; main=0; tau=0; s=1
	while [ "$s" -le "$seeds" ]; do
		"$POWSIM" run scenarios/validation/congestion-1min.json --quiet --seed "$s" \
			--set network.block_size=${kb}KB --out "$dir/run"
		blocks=$((blocks + $(get "$dir/run" blocks_mined)))
		stale=$((stale + $(get "$dir/run" stale_blocks)))
		main=$((main + $(get "$dir/run" main_chain_length)))
		tau=$(echo "$tau $(get "$dir/run" tau_s)" | awk '{ print $1 + $2 }')
		s=$((s + 1))
	done
	echo "$kb $blocks $stale $main $tau $seeds" |
		awk '{ printf "%d,%d,%d,%d,%.5f,%.3f\n", $1, $2, $3, $4, $3 / $4, $5 / $6 }' >> "$csv.tmp"
done
mv "$csv.tmp" "$csv"
rm -rf "$dir/run"
gnuplot -e "csv='$csv'; out='$dir/congestion'" plots/congestion.gp
echo "$csv"
