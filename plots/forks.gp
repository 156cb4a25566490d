# forks.gp: how often the network forked, and how deep the forks went.
#
# Left: cumulative counts against chain height, i.e. time measured in blocks,
# so the slope is forks per block whatever the difficulty. "stale blocks"
# counts the blocks mined off the final main chain (blocks.csv, main_chain = 0,
# at their height); "reorgs" counts tip switches at single nodes that dropped
# blocks (reorgs.csv, at new_height: one fork that fooled three nodes gives
# three reorgs). The background is shaded per difficulty phase (phases.csv).
# Right: how many reorgs dropped 1, 2, 3... blocks (reorgs.csv depth).
#
# Usage: gnuplot -e "dir='out/six-node-lecture'" plots/forks.gp
#   dir   the run directory holding the CSVs          (default: .)
#   out   output path without extension               (default: forks)
#   name  the run's name for the title                (default: dir)
# Writes out.png (1200x700, pngcairo) and out.svg. Needs gnuplot >= 5.4.

if (!exists("dir")) dir = "."
if (!exists("out")) out = "forks"
if (!exists("name")) name = dir
blocks = dir."/blocks.csv"
reorgs = dir."/reorgs.csv"
phases = dir."/phases.csv"

set datafile separator comma
set datafile columnheaders

array shade[4] = [0xdeebf7, 0xfee6ce, 0xe5f5e0, 0xefedf5]
phase_colour(z) = shade[int(floor(z)) % 4 + 1]

# Counts (stats only warns on empty data and leaves STATS_* undefined).
stats blocks using 2 nooutput
n_blocks = exists("STATS_records") ? STATS_records : 0
top = n_blocks ? STATS_max : 1
stats blocks using ($10 == 0 ? 1 : NaN) nooutput
n_stale = exists("STATS_records") ? STATS_records : 0
stats reorgs using 5 nooutput
n_reorgs = exists("STATS_records") ? STATS_records : 0
max_depth = n_reorgs ? STATS_max : 1
stats reorgs using 7 nooutput
top = n_reorgs && STATS_max > top ? STATS_max : top
# Reorg depth histogram, as a table (depth, count) for boxes and labels.
if (n_reorgs) {
	set table $depth
	plot reorgs using 5:(1) smooth frequency
	unset table
	set datafile nocolumnheaders separator whitespace
	stats $depth using 2 nooutput
	depth_ymax = STATS_max * 1.12
	set datafile columnheaders separator comma
}
# With few blocks, points mark each block (steps through one point draw nothing).
dot_size = n_blocks <= 30 ? 0.8 : 0
ymax = (n_stale > n_reorgs ? n_stale : n_reorgs)
ymax = ymax < 4 ? 5 : ymax * 1.25    # headroom for the phase labels

do for [fmt in "png svg"] {
	if (fmt eq "png") { set terminal pngcairo size 1200,700 font "sans,11" noenhanced } \
	else { set terminal svg size 1200,700 dynamic font "sans,11" background rgb "white" noenhanced }
	set output out.".".fmt
	set datafile columnheaders separator comma
	set multiplot title sprintf("Forks: %s (%d blocks mined, %d stale = %.1f %%, %d reorgs)", \
		name, n_blocks, n_stale, n_blocks ? 100.0 * n_stale / n_blocks : 0, n_reorgs)

	# Left panel: cumulative counts over time.
	set origin 0, 0
	set size 0.64, 0.96
	set xlabel "block height"
	set ylabel "cumulative count"
	set xrange [0.5:top + 0.5]
	if (top < 10) { set xtics 1 } else { set xtics autofreq }
	set yrange [0:ymax]
	set grid lc rgb "#dddddd"
	set border back
	set key outside bottom center horizontal maxrows 1
	set style fill solid 1.0 noborder
	unset label
	if (n_stale == 0) { set label 1 "no stale blocks in this run" at graph 0.5, 0.55 center font ",14" front }
	if (n_reorgs == 0) { set label 2 "no reorgs in this run" at graph 0.5, 0.45 center font ",14" front }
	if (n_blocks == 0) { set label 3 "no blocks in this run" at graph 0.5, 0.65 center font ",14" front }
	plot phases using (($3 + $4) / 2):(ymax / 2):($3 - 0.5):($4 + 0.5):(0):(ymax):(phase_colour($2)) \
		with boxxyerror lc rgb variable notitle, \
	     phases using (($3 + $4) / 2):(ymax):(sprintf("%g zeros", $2)) \
		with labels offset 0,-1 font ",12" notitle, \
	     blocks using 2:($10 == 0 ? 1 : 0) smooth cumulative with steps lw 2 lc rgb "#1f77b4" \
		title "stale blocks (off the main chain)", \
	     reorgs using 7:(1) smooth cumulative with steps lw 2 lc rgb "#d62728" \
		title "reorgs (tip switches at a node)", \
	     blocks using 2:($10 == 0 ? 1 : 0) smooth cumulative with points pt 7 ps dot_size lc rgb "#1f77b4" notitle

	# Right panel: reorg depth distribution.
	set origin 0.64, 0
	set size 0.36, 0.96
	set xlabel "reorg depth (blocks dropped)"
	set ylabel "number of reorgs"
	set xrange [0.4:max_depth + 0.6]
	set xtics 1
	set grid noxtics ytics
	set style fill solid 0.8 border lc rgb "#7f1d1d"
	set boxwidth 0.7
	unset key
	unset label
	if (n_reorgs == 0) {
		set yrange [0:1]
		set label 1 "no reorgs in this run" at graph 0.5, 0.5 center font ",14"
		plot NaN notitle
	} else {
		set yrange [0:depth_ymax]
		set datafile nocolumnheaders separator whitespace   # the table is plain columns
		plot $depth using 1:2 with boxes lc rgb "#d62728", \
		     $depth using 1:2:(sprintf("%d", $2)) with labels offset 0,0.7
	}
	unset multiplot
	unset output
	unset xtics; set xtics; unset origin; set size 1,1
}
