# forks-compare.gp: forks of several runs on one figure.
#
# Left: cumulative stale blocks (blocks.csv, main_chain = 0) against block
# height, one line per run: the slope is the stale rate, so a parameter that
# causes more forks gives a steeper line. Right: the reorg depth distribution
# of each run (reorgs.csv), as the share of that run's reorgs per depth.
#
# Usage: gnuplot -e "n=2; dir1='out/a'; dir2='out/b'" plots/forks-compare.gp
#   n          number of runs
#   dirK       run directory K (1..n)
#   nameK      legend entry of run K                  (default: dirK)
#   out        output path without extension          (default: forks-compare)
# Writes out.png (1200x700, pngcairo) and out.svg. Needs gnuplot >= 5.4.

if (!exists("n")) { print "forks-compare.gp: set n and dir1..dirN"; exit status 1 }
if (!exists("out")) out = "forks-compare"
run_dir(k) = value(sprintf("dir%d", k))
run_name(k) = exists(sprintf("name%d", k)) ? value(sprintf("name%d", k)) : run_dir(k)

set datafile separator comma
set datafile columnheaders

array colour[8] = [0x1f77b4, 0xd62728, 0x2ca02c, 0x9467bd, 0xff7f0e, 0x8c564b, 0xe377c2, 0x17becf]
run_colour(k) = colour[(k - 1) % 8 + 1]

array n_blocks[n]
array n_stale[n]
array n_reorgs[n]
top = 1; ymax = 1; max_depth = 1; any_reorgs = 0
do for [k = 1:n] {
	stats run_dir(k)."/blocks.csv" using 2 nooutput
	n_blocks[k] = exists("STATS_records") ? STATS_records : 0
	top = n_blocks[k] && STATS_max > top ? STATS_max : top
	stats run_dir(k)."/blocks.csv" using ($10 == 0 ? 1 : NaN) nooutput
	n_stale[k] = exists("STATS_records") ? STATS_records : 0
	ymax = n_stale[k] > ymax ? n_stale[k] : ymax
	stats run_dir(k)."/reorgs.csv" using 5 nooutput
	n_reorgs[k] = exists("STATS_records") ? STATS_records : 0
	if (n_reorgs[k]) { any_reorgs = 1; max_depth = STATS_max > max_depth ? STATS_max : max_depth }
}
entry(k) = sprintf("%s: %d of %d blocks stale (%.1f %%), %d reorgs", run_name(k), \
	n_stale[k], n_blocks[k], n_blocks[k] ? 100.0 * n_stale[k] / n_blocks[k] : 0, n_reorgs[k])

do for [fmt in "png svg"] {
	if (fmt eq "png") { set terminal pngcairo size 1200,700 font "sans,11" noenhanced } \
	else { set terminal svg size 1200,700 dynamic font "sans,11" background rgb "white" noenhanced }
	set output out.".".fmt
	set multiplot title sprintf("Forks of %d runs", n)

	set origin 0, 0.14
	set size 0.62, 0.82
	set xlabel "block height"
	set ylabel "cumulative stale blocks"
	set xrange [0.5:top + 0.5]
	set yrange [0:ymax * 1.1]
	set grid lc rgb "#dddddd"
	set key at screen 0.5, 0.12 center top vertical maxrows 4 samplen 2
	plot for [k = 1:n] run_dir(k)."/blocks.csv" using 2:($10 == 0 ? 1 : 0) smooth cumulative \
		with steps lw 2 lc rgb run_colour(k) title entry(k)

	set origin 0.62, 0.14
	set size 0.38, 0.82
	set xlabel "reorg depth (blocks dropped)"
	set ylabel "share of the run's reorgs"
	set xrange [0.5:max_depth + 0.5]
	set xtics 1
	set yrange [0:1.05]
	unset key
	unset label
	if (!any_reorgs) { set label 1 "no reorgs in any run" at graph 0.5, 0.5 center font ",14" front }
	plot NaN notitle, \
	     for [k = 1:n] run_dir(k)."/reorgs.csv" using 5:(1.0 / n_reorgs[k]) smooth frequency \
		with linespoints pt 7 lw 2 lc rgb run_colour(k) notitle
	unset multiplot
	unset output
	set xtics autofreq
}
