#!/bin/sh
# Sweeps of the attack strategies, measured against their closed forms.
#   sh scenarios/attacks/sweep.sh [OUTDIR]           every sweep and figure
#   sh scenarios/attacks/sweep.sh mining CSV NET STRATEGY BLOCKS ALPHA...
#   sh scenarios/attacks/sweep.sh doublespend CSV BLOCKS Q:Z...
# "mining" runs scenarios/attacks/selfish-NET.json (NET: gamma0 or
# gamma1) once per attacker hash share ALPHA with STRATEGY ("honest",
# "selfish", or a stubborn variant such as "lead", "equal-fork",
# "trail", "lead+equal-fork") for BLOCKS mined blocks, and appends to CSV
#   net,strategy,alpha,share,se,gamma,races,main_blocks,theory
# share = the attacker's revenue share over the main chain; se its
# standard error by batch means (20 equal batches of main-chain heights,
# each far longer than an attack episode); gamma the measured gamma
# (summary.json attack.gamma.mean; 0 if no race); theory Eyal and
# Sirer's R(alpha, gamma) at the measured alpha and gamma.
# "doublespend" runs scenarios/attacks/double-spend.json with attacker
# share Q and Z confirmations (premine 1, give up Z + 8 behind) and
# appends
#   q,z,attempts,successes,rate,se,rosenfeld,barrier
# se = sqrt(r (1 - r) / attempts) at r = rosenfeld; barrier the exact
# probability with the give-up rule (gambler's ruin absorbed at the
# deficit), which differs from Rosenfeld's by less than 1e-3 here.
# Runs are independent per point; POWSIM names the binary.
set -eu
POWSIM=${POWSIM:-./powsim}
dir=$(dirname "$0")
TOTAL=1100000000   # H/s of the whole network: ~4.4 h blocks at 11 zeros

# R(alpha, gamma) of Eyal and Sirer (2014).
es_awk='function R(a, g) { return (a * (1 - a)^2 * (4 * a + g * (1 - 2 * a)) - a^3) / (1 - a * (1 + (2 - a) * a)) }'

mining_point() { # CSV NET STRATEGY BLOCKS ALPHA
	csv=$1 net=$2 strat=$3 blocks=$4 alpha=$5
	scn="$dir/selfish-$net.json"
	count=$(jq '.nodes[0].count' "$scn")
	h=$(awk -v a="$alpha" -v t=$TOTAL -v n="$count" 'BEGIN { printf "%.0f", (1 - a) * t / n }')
	x=$(awk -v a="$alpha" -v t=$TOTAL 'BEGIN { printf "%.0f", a * t }')
	o=$(mktemp -d)
	case $strat in
	honest) set -- --set 'nodes[1].strategy=honest' ;;
	selfish) set -- ;;
	*) set -- --set 'nodes[1].strategy=stubborn' --set "nodes[1].stubborn.variant=$strat" ;;
	esac
	"$POWSIM" run "$scn" --quiet --out "$o" --set "stop.blocks=$blocks" \
		--set "nodes[0].hashrate=${h}H/s" --set "nodes[1].hashrate=${x}H/s" "$@"
	a=$(awk -F, '$1 == "attacker" { print $2 }' "$o/miners.csv")
	g=$(jq '.attack.gamma.mean // 0' "$o/summary.json")
	races=$(jq '.attack.gamma.races' "$o/summary.json")
	awk -F, -v net="$net" -v s="$strat" -v a="$a" -v g="$g" -v races="$races" "$es_awk"'
		NR > 1 && $10 == 1 && $2 > 0 { n++; h[n] = $2; own[$2] = ($5 == "attacker") }
		END {
			k = 20; size = int(n / k); tot = 0
			for (i = 1; i <= n; i++) tot += own[h[i]]
			# heights of the main chain are 1..n, one block each
			for (b = 0; b < k; b++) { c = 0
				for (i = b * size + 1; i <= (b + 1) * size; i++) c += own[i]
				m[b] = c / size; mean += m[b] / k }
			for (b = 0; b < k; b++) v += (m[b] - mean)^2 / (k - 1)
			printf "%s,%s,%.6f,%.6f,%.6f,%.6f,%d,%d,%.6f\n", net, s, a, tot / n, sqrt(v / k), g, races, n,
				s == "honest" ? a : R(a, g)
		}' "$o/blocks.csv" >> "$csv"
	rm -rf "$o"
}

ds_point() { # CSV BLOCKS Q Z
	csv=$1 blocks=$2 q=$3 z=$4
	scn="$dir/double-spend.json"
	h=$(awk -v q="$q" -v t=$TOTAL 'BEGIN { printf "%.0f", (1 - q) * t / 2 }')
	x=$(awk -v q="$q" -v t=$TOTAL 'BEGIN { printf "%.0f", q * t }')
	o=$(mktemp -d)
	"$POWSIM" run "$scn" --quiet --out "$o" --set "stop.blocks=$blocks" \
		--set "nodes[0].hashrate=${h}H/s" --set "nodes[1].hashrate=${x}H/s" \
		--set "nodes[1].double_spend.confirmations=$z" \
		--set "nodes[1].double_spend.give_up=$((z + 8))" --set "nodes[1].double_spend.premine=1"
	n=$(jq '.attack.miners[0].attempts' "$o/summary.json")
	k=$(jq '.attack.miners[0].successes' "$o/summary.json")
	awk -v q="$q" -v z="$z" -v n="$n" -v k="$k" -v D=$((z + 8)) '
		function C(n, k,  r, i) { r = 1; for (i = 1; i <= k; i++) r = r * (n - k + i) / i; return r }
		BEGIN {
			p = 1 - q; s = q / p; L = D + 1
			# Rosenfeld: 1 - sum_{m=0}^{z} C(m+z-1, m) (p^z q^m - q^z p^m)
			r = 1
			for (m = 0; m <= z; m++) r -= C(m + z - 1, m) * (p^z * q^m - q^z * p^m)
			# With the give-up barrier: after z honest blocks the attacker has
			# m + 1 (premine); from deficit d = z - m - 1 it must reach -1
			# before D: (s^x - s^L) / (1 - s^L), x = d + 1.
			b = 0
			for (m = 0; m < z; m++) { x = z - m
				b += C(m + z - 1, m) * p^z * q^m * (s^x - s^L) / (1 - s^L) }
			for (m = 0; m < z; m++) tail += C(m + z - 1, m) * p^z * q^m
			b += 1 - tail
			printf "%s,%d,%d,%d,%.6f,%.6f,%.6f,%.6f\n", q, z, n, k, k / n, sqrt(r * (1 - r) / n), r, b
		}' >> "$csv"
	rm -rf "$o"
}

case ${1:-all} in
mining)
	csv=$2 net=$3 strat=$4 blocks=$5; shift 5
	for a in "$@"; do mining_point "$csv" "$net" "$strat" "$blocks" "$a"; done ;;
doublespend)
	csv=$2 blocks=$3; shift 3
	for qz in "$@"; do ds_point "$csv" "$blocks" "${qz%%:*}" "${qz##*:}"; done ;;
*)
	out=${1:-out/attacks}
	mkdir -p "$out"
	alphas="0.1 0.15 0.2 0.25 0.3 0.35 0.4 0.45"
	echo "net,strategy,alpha,share,se,gamma,races,main_blocks,theory" > "$out/mining.csv"
	for net in gamma0 gamma1; do
		for s in selfish lead equal-fork trail; do
			# shellcheck disable=SC2086
			sh "$0" mining "$out/mining.csv" "$net" "$s" 30000 $alphas
		done
	done
	echo "q,z,attempts,successes,rate,se,rosenfeld,barrier" > "$out/doublespend.csv"
	for q in 0.1 0.2 0.3; do
		blocks=$(awk -v q="$q" 'BEGIN { printf "%d", 25000 / (1 - 2 * q) }')
		sh "$0" doublespend "$out/doublespend.csv" "$blocks" "$q:1" "$q:2" "$q:3" "$q:4" "$q:5" "$q:6"
	done
	gnuplot -e "csv='$out/mining.csv'; out='$out/attack-selfish'" plots/attack-selfish.gp
	gnuplot -e "csv='$out/mining.csv'; out='$out/attack-stubborn'" plots/attack-stubborn.gp
	gnuplot -e "csv='$out/doublespend.csv'; out='$out/attack-doublespend'" plots/attack-doublespend.gp
	echo "attacks: $out/mining.csv, $out/doublespend.csv, $out/attack-*.png" ;;
esac
