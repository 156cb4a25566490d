# intervals-compare.gp: block intervals of several runs on one figure.
#
# For each run (one colour each): a faint point per main-chain block
# (blocks.csv: interval since parent against height, log scale), a solid
# segment per difficulty phase at the measured mean interval and a dashed one
# at the expected mean (phases.csv). Runs of a parameter sweep separate
# vertically when the parameter changes the block rate.
#
# Usage: gnuplot -e "n=2; dir1='out/a'; dir2='out/b'" plots/intervals-compare.gp
#   n          number of runs
#   dirK       run directory K (1..n)
#   nameK      legend entry of run K                  (default: dirK)
#   out        output path without extension          (default: intervals-compare)
# Writes out.png (1200x700, pngcairo) and out.svg. Needs gnuplot >= 5.4.

if (!exists("n")) { print "intervals-compare.gp: set n and dir1..dirN"; exit status 1 }
if (!exists("out")) out = "intervals-compare"
run_dir(k) = value(sprintf("dir%d", k))
run_name(k) = exists(sprintf("name%d", k)) ? value(sprintf("name%d", k)) : run_dir(k)

set datafile separator comma
set datafile columnheaders

array colour[8] = [0x1f77b4, 0xd62728, 0x2ca02c, 0x9467bd, 0xff7f0e, 0x8c564b, 0xe377c2, 0x17becf]
run_colour(k) = colour[(k - 1) % 8 + 1]

# Common ranges over every run (stats warns on empty data and leaves
# STATS_* undefined).
lo = 1e300; hi = 0; top = 1
array n_main[n]
do for [k = 1:n] {
	stats run_dir(k)."/blocks.csv" using ($10 == 1 && $9 > 0 ? $2 : NaN):9 nooutput
	n_main[k] = exists("STATS_records") ? STATS_records : 0
	if (n_main[k]) {
		lo = STATS_min_y < lo ? STATS_min_y : lo
		hi = STATS_max_y > hi ? STATS_max_y : hi
		top = STATS_max_x > top ? STATS_max_x : top
	}
}
if (hi <= 0) { lo = 1; hi = 10 }
ylo = 10**floor(log10(lo * 0.9))
yhi = 10**ceil(log10(hi * 1.1) + 0.3)

set title sprintf("Block intervals of %d runs (solid: measured mean per phase, dashed: expected)", n)
set xlabel "block height"
set ylabel "interval since parent block (s, log scale)"
set logscale y
set format y "%g"
set xrange [0.5:top + 0.5]
set yrange [ylo:yhi]
if (top < 10) { set xtics 1 }
set grid ytics mytics lc rgb "#dddddd"
set key outside right top vertical samplen 2

entry(k) = n_main[k] ? sprintf("%s (%d blocks)", run_name(k), n_main[k]) : sprintf("%s (no main-chain blocks)", run_name(k))

do for [fmt in "png svg"] {
	if (fmt eq "png") { set terminal pngcairo size 1200,700 font "sans,11" noenhanced } \
	else { set terminal svg size 1200,700 dynamic font "sans,11" background rgb "white" noenhanced }
	set output out.".".fmt
	plot for [k = 1:n] run_dir(k)."/blocks.csv" using ($10 == 1 ? $2 : NaN):($9 > 0 ? $9 : NaN) \
		with points pt 7 ps 0.6 lc rgb (run_colour(k) + 0x66000000) title entry(k), \
	     for [k = 1:n] run_dir(k)."/phases.csv" using ($3 - 0.5):8:($4 - $3 + 1):(0) \
		with vectors nohead lw 3 lc rgb run_colour(k) notitle, \
	     for [k = 1:n] run_dir(k)."/phases.csv" using ($3 - 0.5):9:($4 - $3 + 1):(0) \
		with vectors nohead lw 1.5 dt 2 lc rgb run_colour(k) notitle
	unset output
}
