# Fork share against mean block interval, measured by a sweep and
# predicted by the closed form 1 - exp(-(N-1) d / (N T)): N miners of
# equal hash rate, every block reaching every miner after d, mean
# interval T. Drawn by powsim sweep for specs with "plot": "sweep-fork-rate"
# (scenarios/sweeps/fork-rate.sweep.json); it reads the sweep's
# points.csv (columns fork_share_* and phases[0].expected_interval_s_mean)
# and takes N (miners) and d (delay_s) from the sweep's scenario.
#   gnuplot -e "points='out/fork-rate/points.csv'; out='out/fork-rate/plots/'; miners=10; delay_s=2" \
#     plots/sweep-fork-rate.gp
if (!exists("points")) points = "points.csv"
if (!exists("out")) out = ""
if (!exists("miners")) miners = 10
if (!exists("delay_s")) delay_s = 2
N = miners + 0.0
d = delay_s + 0.0
set datafile separator ","
set datafile columnheaders
set key top right box opaque
set logscale x
set xlabel "mean block interval T (s, log scale)"
set ylabel "share of heights with more than one block"
set grid
set title sprintf("Forks against block interval (N = %g miners, delay d = %g s; mean of seeds, 95 %% interval)", N, d)
predicted(T) = 1 - exp(-(N - 1) * d / (N * T))
do for [fmt in "png svg"] {
	if (fmt eq "png") { set terminal pngcairo size 1200,700 font ",11" } else { set terminal svg size 1200,700 }
	set output out . "fork-rate." . fmt
	plot points using (column("phases[0].expected_interval_s_mean")):(predicted(column("phases[0].expected_interval_s_mean"))) \
	       smooth unique with lines lw 2 dt 2 lc rgb "black" title "predicted 1 - exp(-(N-1)d/(NT))", \
	     points using (column("phases[0].expected_interval_s_mean")):(column("fork_share_mean")):(column("fork_share_ci95_lo")):(column("fork_share_ci95_hi")) \
	       with yerrorbars pt 7 ps 1.2 lc rgb "#d62728" title "measured fork share"
	unset output
}
