# backlog.gp: transactions waiting, and how long they waited.
#
# Phases too short to hold their label are left unlabelled (colour only).
# Top: the mempool over simulated time (timeline.csv): the largest mempool of
# any node (max_mempool) and the mean over nodes (mean_mempool).
# Bottom: one point per confirmed transaction (txs.csv): its confirmation
# latency (included_s - created_s, log scale) against the time it was created.
# Transactions still pending or rejected at the end are marked with red
# crosses along the top of the bottom panel. In both panels the background is
# shaded per difficulty phase (phases.csv, from each phase's start to the
# next one's) and vertical dashed lines mark the
# transaction bursts of the scenario timeline (events.csv, action "burst").
#
# Usage: gnuplot -e "dir='out/six-node-lecture'" plots/backlog.gp
#   dir   the run directory holding the CSVs          (default: .)
#   out   output path without extension               (default: backlog)
#   name  the run's name for the title                (default: dir)
# Writes out.png (1200x700, pngcairo) and out.svg. Needs gnuplot >= 5.4.

if (!exists("dir")) dir = "."
if (!exists("out")) out = "backlog"
if (!exists("name")) name = dir
timeline = dir."/timeline.csv"
txs = dir."/txs.csv"
events = dir."/events.csv"
phases = dir."/phases.csv"

set datafile separator comma
set datafile columnheaders

array shade[4] = [0xdeebf7, 0xfee6ce, 0xe5f5e0, 0xefedf5]
phase_colour(z) = shade[int(floor(z)) % 4 + 1]
is_burst(c) = strcol(c) eq "burst"

# Counts and ranges (stats only warns on empty data, leaving STATS_* undefined).
stats timeline using 1:5 nooutput
n_samples = exists("STATS_records") ? STATS_records : 0
t_end = n_samples ? STATS_max_x : 1
mempool_max = n_samples ? STATS_max_y : 0
stats txs using 2 nooutput
n_txs = exists("STATS_records") ? STATS_records : 0
t_end = n_txs && STATS_max > t_end ? STATS_max : t_end
stats txs using 2:10 nooutput
n_confirmed = exists("STATS_records") ? STATS_records : 0
lat_lo = n_confirmed ? STATS_min_y : 0.1
lat_hi = n_confirmed ? STATS_max_y : 10
lat_lo = lat_lo > 0 ? lat_lo : 1e-3
lat_ylo = 10**floor(log10(lat_lo))
lat_yhi = 10**ceil(log10(lat_hi * 1.1) + 0.5)   # room for the pending marks
stats events using (is_burst(2) ? $1 : NaN) nooutput
n_bursts = exists("STATS_records") ? STATS_records : 0
if (t_end <= 0) { t_end = 1 }
# A phase's band runs from its start_s to the next phase's start_s (the last
# to the end of the run): end_s is its last block, and the network kept
# mining at that difficulty, finding nothing, until the next change.
stats phases using 6 nooutput
n_phases = exists("STATS_records") ? STATS_records : 0
array phase_from[n_phases + 1]
if (n_phases) { stats phases using (phase_from[int($0) + 1] = $6) nooutput }
phase_to(row) = int(row) + 1 < n_phases ? phase_from[int(row) + 2] : t_end * 1.02

# Phase bands and burst lines, drawn under the data in both panels.
# Bursts use the y2 axis, fixed to [0:1], so a line spans the panel.
backdrop = "phases using (($6 + phase_to($0)) / 2):(0.5):6:(phase_to($0)):(0):(1):(phase_colour($2)) axes x1y2 with boxxyerror lc rgb variable notitle, " . \
	"events using (is_burst(2) ? $1 : NaN):(0):(0):(1) axes x1y2 with vectors nohead dt 2 lw 1.5 lc rgb '#9467bd' title '" . (n_bursts ? "transaction burst" : "") . "'"

do for [fmt in "png svg"] {
	if (fmt eq "png") { set terminal pngcairo size 1200,700 font "sans,11" noenhanced } \
	else { set terminal svg size 1200,700 dynamic font "sans,11" background rgb "white" noenhanced }
	set output out.".".fmt
	set multiplot layout 2,1 title sprintf("Backlog: %s (%d transactions, %d confirmed; bursts: %d)", \
		name, n_txs, n_confirmed, n_bursts)
	set xrange [0:t_end * 1.02]
	set y2range [0:1]
	unset y2tics
	set grid lc rgb "#dddddd"
	set border back
	set style fill solid 1.0 noborder
	# Fixed margins keep the two panels aligned; the keys sit to the right.
	set lmargin at screen 0.07
	set rmargin at screen 0.78
	set key at screen 0.99, graph 1 right top vertical samplen 2
	set ytics nomirror
	unset my2tics

	# Top: mempool size.
	unset logscale y
	set ylabel "transactions in mempool"
	unset xlabel
	set yrange [0:(mempool_max > 0 ? mempool_max * 1.15 : 1)]
	unset label
	if (n_samples == 0) { set label 1 "no timeline samples in this run" at graph 0.5, 0.5 center font ",14" front }
	if (n_samples > 0 && mempool_max == 0) { set label 1 "the mempool stayed empty" at graph 0.5, 0.5 center font ",14" front }
	plot @backdrop, \
	     phases using (($6 + phase_to($0)) / 2):(0.93):(phase_to($0) - $6 < t_end / 25 ? "" : sprintf("%g zeros", $2)) axes x1y2 with labels notitle, \
	     timeline using 1:5 with steps lw 2 lc rgb "#1f77b4" title "largest mempool", \
	     timeline using 1:6 with lines lw 1 lc rgb "#ff7f0e" title "mean mempool"

	# Bottom: confirmation latency of each transaction.
	set logscale y
	set format y "%g"
	set ylabel "confirmation latency (s, log scale)"
	set xlabel "simulated time (s): when the transaction was created"
	set yrange [lat_ylo:lat_yhi]
	unset label
	if (n_txs == 0) { set label 1 "no transactions in this run" at graph 0.5, 0.5 center font ",14" front }
	if (n_txs > 0 && n_confirmed == 0) { set label 1 "no transaction was confirmed" at graph 0.5, 0.5 center font ",14" front }
	plot @backdrop, \
	     txs using 2:10 with points pt 7 ps 0.6 lc rgb "#1f77b4" title "confirmed transaction", \
	     txs using 2:(strcol(7) eq "confirmed" ? NaN : lat_yhi / 10**0.25) with points pt 2 ps 1 lc rgb "#d62728" \
		title "pending or rejected at the end"
	unset multiplot
	unset output
}
