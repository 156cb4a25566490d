# Fork share against mean block interval: a parameter sweep's summary.
# Reads the CSV that scenarios/sweeps/fork-rate.sh writes
# (difficulty,interval_s,heights,forked_heights,fork_share,predicted) and
# draws the measured share, with binomial 2-sigma bars, over the closed-form
# prediction 1 - exp(-(N-1) d / (N T)).
#   gnuplot -e "csv='out/sweep-fork-rate/sweep.csv'; out='fork-rate'" plots/sweep-fork-rate.gp
if (!exists("csv")) csv = "sweep.csv"
if (!exists("out")) out = "fork-rate"
set datafile separator ","
set key top right box opaque
set logscale x
set xlabel "mean block interval T (s, log scale)"
set ylabel "share of heights with more than one block"
set grid
set title "Forks against block interval (N = 10 miners, delay d = 2 s)"
err(p, n) = 2 * sqrt(p * (1 - p) / n)
do for [fmt in "png svg"] {
	if (fmt eq "png") { set terminal pngcairo size 1200,700 font ",11" } else { set terminal svg size 1200,700 }
	set output out . "." . fmt
	plot csv using 2:6 every ::1 with lines lw 2 dt 2 lc rgb "black" title "predicted 1 - exp(-(N-1)d/(NT))", \
	     csv using 2:5:(err($5, $3)) every ::1 with yerrorbars pt 7 ps 1.2 lc rgb "#d62728" title "measured (2-sigma bars)"
	unset output
}
