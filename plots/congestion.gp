# Stale blocks per main-chain block against block size at 1-minute
# intervals, with Poisson 2-sigma bars, beside the straight line through
# the 100 KB point (what a delay proportional to size would give). Reads
# the CSV plots/congestion.sh writes
# (size_kb,blocks,stale,main,stale_per_main,tau_s).
#   gnuplot -e "csv='out/congestion/congestion.csv'; out='congestion'" plots/congestion.gp
if (!exists("csv")) csv = "congestion.csv"
if (!exists("out")) out = "congestion"
set datafile separator ","
set key top left box opaque
set xlabel "block size (KB)"
set ylabel "stale blocks per main-chain block"
set y2label "tau, hash-rate-weighted arrival delay (s)"
set y2tics
set ytics nomirror
set grid
set title "Congestion at 1-minute blocks (1000 nodes, measured 2015 bandwidths)"
stats csv using 1:5 every ::1::1 nooutput
first = STATS_max_y
err(s, m) = 2 * sqrt(s) / m
do for [fmt in "png svg"] {
	if (fmt eq "png") { set terminal pngcairo size 1200,700 font ",11" } else { set terminal svg size 1200,700 }
	set output out . "." . fmt
	plot csv using 1:(first * $1 / 100) every ::1 with lines lw 2 dt 2 lc rgb "black" title "linear in size (through 100 KB)", \
	     csv using 1:5:(err($3, $4)) every ::1 with yerrorbars pt 7 ps 1.2 lc rgb "#d62728" title "stale per main-chain block (2-sigma bars)", \
	     csv using 1:6 every ::1 axes x1y2 with linespoints pt 6 lc rgb "#1f77b4" title "tau (right axis)"
	unset output
}
