# propagation.gp: how fast blocks spread through the network.
#
# Three cumulative distributions over all mined blocks (blocks.csv, stale ones
# included): for each time x, the fraction of blocks that had reached 50 %
# (t50_s), 90 % (t90_s) and all (t100_s) of the nodes within x seconds of
# being mined. A curve that ends below 1 means some blocks never reached that
# share of the nodes (often stale blocks, or nodes cut off by a partition).
# The legend gives each median. The x axis turns logarithmic when the times
# span more than two decades.
#
# Usage: gnuplot -e "dir='out/six-node-lecture'" plots/propagation.gp
#   dir   the run directory holding the CSVs          (default: .)
#   out   output path without extension               (default: propagation)
#   name  the run's name for the title                (default: dir)
# Writes out.png (1200x700, pngcairo) and out.svg. Needs gnuplot >= 5.4.

if (!exists("dir")) dir = "."
if (!exists("out")) out = "propagation"
if (!exists("name")) name = dir
blocks = dir."/blocks.csv"

set datafile separator comma
set datafile columnheaders

stats blocks using 2 nooutput
n_blocks = exists("STATS_records") ? STATS_records : 0
# Per percentile: how many blocks got there, the median, and the range.
array reached[3]
array median[3]
xmin = 1e300; xmax = 0
do for [i = 1:3] {
	stats blocks using (column(10 + i)) nooutput
	reached[i] = exists("STATS_records") ? STATS_records : 0
	median[i] = reached[i] ? STATS_median : NaN
	if (reached[i]) {
		xmax = STATS_max > xmax ? STATS_max : xmax
		xmin = (STATS_min > 0 && STATS_min < xmin) ? STATS_min : xmin
	}
}
if (xmax <= 0) { xmax = 1.0 }  # a float: xmax / 10 below must not be 0
if (xmin > xmax) { xmin = xmax / 10 }
logx = (xmax / xmin > 100)
pct(i) = word("50 90 100", i)
key_title(i) = reached[i] ? \
	sprintf("%s %% of nodes: %d of %d blocks got there, median %.3g s", pct(i), reached[i], n_blocks, median[i]) : \
	sprintf("%s %% of nodes: no block got there", pct(i))

set title sprintf("Block propagation: %s (%d blocks)", name, n_blocks)
set xlabel logx ? "seconds after the block was mined (log scale)" : "seconds after the block was mined"
set ylabel "fraction of blocks"
if (logx) { set logscale x; set xrange [xmin / 1.5:xmax * 1.5]; set format x "%g" } \
else { set xrange [0:xmax * 1.05] }
set yrange [0:1.05]
set ytics 0.1
set grid lc rgb "#dddddd"
set key bottom right opaque box lc rgb "#bbbbbb"
if (n_blocks == 0) { set label 1 "no blocks in this run" at graph 0.5, 0.5 center font ",16" front }
if (n_blocks == 1) { set label 1 "a single block: each distribution is one point at fraction 1" at graph 0.5, 0.5 center font ",14" front }

array colour[3] = [0x2ca02c, 0x1f77b4, 0xd62728]
do for [fmt in "png svg"] {
	if (fmt eq "png") { set terminal pngcairo size 1200,700 font "sans,11" noenhanced } \
	else { set terminal svg size 1200,700 dynamic font "sans,11" background rgb "white" noenhanced }
	set output out.".".fmt
	# Each step adds 1/n_blocks; points mark the steps when there are few.
	# The 100 % curve is dashed and drawn last: with fewer than ten nodes 90 %
	# of the nodes means all of them, and the blue 90 % curve shows through.
	plot for [i = 1:2] blocks using (column(10 + i)):(1.0 / n_blocks) smooth cumulative \
		with steps lw 2 lc rgb colour[i] title key_title(i), \
	     blocks using 13:(1.0 / n_blocks) smooth cumulative \
		with steps lw 2 dt 2 lc rgb colour[3] title key_title(3), \
	     for [i = 1:3] blocks using (column(10 + i)):(1.0 / n_blocks) smooth cumulative \
		with points pt 7 ps (n_blocks <= 3 ? 1.5 : n_blocks <= 30 ? 0.8 : 0) lc rgb colour[i] notitle
	unset output
}
