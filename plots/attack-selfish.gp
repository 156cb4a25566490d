# Selfish mining: the attacker's revenue share against its hash share,
# measured at two networks, over Eyal and Sirer's closed form
#   R(a, g) = [a (1-a)^2 (4a + g (1-2a)) - a^3] / [1 - a (1 + (2-a) a)]
# at the gamma measured in each network. Reads the CSV that
# scenarios/attacks/sweep.sh writes (net,strategy,alpha,share,se,gamma,...).
#   gnuplot -e "csv='out/attacks/mining.csv'; out='attack-selfish'" plots/attack-selfish.gp
if (!exists("csv")) csv = "mining.csv"
if (!exists("out")) out = "attack-selfish"
set datafile separator ","
R(a, g) = (a * (1 - a)**2 * (4 * a + g * (1 - 2 * a)) - a**3) / (1 - a * (1 + (2 - a) * a))
thr(g) = (1 - g) / (3 - 2 * g)
sel(net) = (strcol(1) eq net && strcol(2) eq "selfish")
stats csv using (sel("gamma1") ? $6 : NaN) nooutput name "G1"
stats csv using (sel("gamma0") ? $6 : NaN) nooutput name "G0"
g0 = G0_mean; g1 = G1_mean
set key bottom right box opaque
set xlabel "attacker's share of the hash rate (alpha)"
set ylabel "attacker's share of the main chain's revenue"
set xrange [0.05:0.5]
set yrange [0:0.8]
set grid
set title "Selfish mining (Eyal and Sirer 2014): measured against R(alpha, gamma)"
set arrow 1 from thr(g0), graph 0 to thr(g0), graph 1 nohead dt 3 lc rgb "#1f77b4"
set label 1 sprintf("profitable above %.3f (gamma %.2f)", thr(g0), g0) at thr(g0) + 0.005, 0.08 tc rgb "#1f77b4"
set arrow 2 from thr(g1), graph 0 to thr(g1), graph 1 nohead dt 3 lc rgb "#d62728"
set label 2 sprintf("profitable above %.3f (gamma %.2f)", thr(g1), g1) at thr(g1) + 0.005, 0.6 tc rgb "#d62728"
set samples 200
do for [fmt in "png svg"] {
	if (fmt eq "png") { set terminal pngcairo size 1200,700 font ",11" } else { set terminal svg size 1200,700 }
	set output out . "." . fmt
	plot x with lines lw 1.5 dt 3 lc rgb "black" title "honest mining (share = alpha)", \
	     R(x, g0) with lines lw 2 dt 2 lc rgb "#1f77b4" title sprintf("R(alpha, %.3f)", g0), \
	     R(x, g1) with lines lw 2 dt 2 lc rgb "#d62728" title sprintf("R(alpha, %.3f)", g1), \
	     csv using 3:(sel("gamma0") ? $4 : NaN):(2 * $5) every ::1 with yerrorbars pt 7 ps 1.2 lc rgb "#1f77b4" \
	         title "measured, attacker's links slow (2-SE bars)", \
	     csv using 3:(sel("gamma1") ? $4 : NaN):(2 * $5) every ::1 with yerrorbars pt 5 ps 1.2 lc rgb "#d62728" \
	         title "measured, attacker best connected (2-SE bars)"
	unset output
}
