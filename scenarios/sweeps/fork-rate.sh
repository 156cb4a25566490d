#!/bin/sh
# Sweep: fork share against mean block interval, measured and predicted.
#   sh scenarios/sweeps/fork-rate.sh [OUTDIR] [DIFFICULTY...]
# Runs scenarios/sweeps/fork-rate.json once per difficulty (each a mean
# interval T = 16^z / total hash rate), writes OUTDIR/sweep.csv
# (difficulty, interval_s, heights, forked_heights, fork_share, predicted),
# draws OUTDIR/fork-rate.png with plots/sweep-fork-rate.gp, and overlays
# the runs' interval and fork figures with powsim plot.
set -eu
POWSIM=${POWSIM:-./powsim}
out=${1:-out/sweep-fork-rate}
shift 2>/dev/null || true
zs=${*:-"5.25 5.5 5.75 6 6.25 6.5"}
base=scenarios/sweeps/fork-rate.json
mkdir -p "$out"
echo "difficulty,interval_s,heights,forked_heights,fork_share,predicted" > "$out/sweep.csv"
dirs=""
for z in $zs; do
	d="$out/z$z"
	"$POWSIM" run "$base" --set consensus.difficulty="$z" --out "$d" --quiet
	# N = 10 miners, d = 2 s; T from the phase's expected interval.
	T=$(sed -n 's/.*"expected_interval_s":[[:space:]]*\([0-9.e+-]*\).*/\1/p' "$d/summary.json" | head -n 1)
	awk -F, -v z="$z" -v T="$T" 'NR > 1 { n[$2]++ }
		END { for (h in n) { heights++; if (n[h] > 1) forked++ }
		      printf "%s,%.6f,%d,%d,%.6f,%.6f\n", z, T, heights, forked, forked / heights,
			     1 - exp(-9 * 2 / (10 * T)) }' "$d/blocks.csv" >> "$out/sweep.csv"
	dirs="$dirs $d"
done
gnuplot -e "csv='$out/sweep.csv'; out='$out/fork-rate'" plots/sweep-fork-rate.gp
# shellcheck disable=SC2086
"$POWSIM" plot $dirs --out "$out/compare" >/dev/null
echo "sweep: $out/sweep.csv, $out/fork-rate.png, $out/compare/"
