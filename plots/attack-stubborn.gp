# Stubborn mining (Nayak, Kumar, Miller and Shi 2016) against selfish and
# honest mining: the attacker's revenue share against its hash share, one
# panel per network. Reads scenarios/attacks/sweep.sh's CSV.
#   gnuplot -e "csv='out/attacks/mining.csv'; out='attack-stubborn'" plots/attack-stubborn.gp
if (!exists("csv")) csv = "mining.csv"
if (!exists("out")) out = "attack-stubborn"
set datafile separator ","
R(a, g) = (a * (1 - a)**2 * (4 * a + g * (1 - 2 * a)) - a**3) / (1 - a * (1 + (2 - a) * a))
pick(net, s) = (strcol(1) eq net && strcol(2) eq s)
stats csv using (pick("gamma1", "selfish") ? $6 : NaN) nooutput name "G1"
stats csv using (pick("gamma0", "selfish") ? $6 : NaN) nooutput name "G0"
set key top left box opaque
set xlabel "attacker's share of the hash rate (alpha)"
set ylabel "attacker's revenue share"
set xrange [0.05:0.5]
set yrange [0:0.8]
set grid
set samples 200
do for [fmt in "png svg"] {
	if (fmt eq "png") { set terminal pngcairo size 1200,700 font ",11" } else { set terminal svg size 1200,700 }
	set output out . "." . fmt
	set multiplot layout 1,2 title "Stubborn mining against selfish and honest mining (measured; 2-SE bars)"
	do for [p = 0:1] {
		net = p == 0 ? "gamma0" : "gamma1"
		g = p == 0 ? G0_mean : G1_mean
		set title sprintf("%s (measured gamma %.3f)", p == 0 ? "attacker's links slow" : "attacker best connected", g)
		plot x with lines lw 1.5 dt 3 lc rgb "black" title "honest", \
		     R(x, g) with lines lw 1.5 dt 2 lc rgb "#7f7f7f" title "selfish, R(alpha, gamma)", \
		     csv using 3:(pick(net, "selfish") ? $4 : NaN):(2 * $5) every ::1 with yerrorlines pt 7 lc rgb "#1f77b4" title "selfish", \
		     csv using 3:(pick(net, "lead") ? $4 : NaN):(2 * $5) every ::1 with yerrorlines pt 5 lc rgb "#d62728" title "lead-stubborn", \
		     csv using 3:(pick(net, "equal-fork") ? $4 : NaN):(2 * $5) every ::1 with yerrorlines pt 9 lc rgb "#2ca02c" title "equal-fork-stubborn", \
		     csv using 3:(pick(net, "trail") ? $4 : NaN):(2 * $5) every ::1 with yerrorlines pt 11 lc rgb "#9467bd" title "trail-stubborn (1)"
	}
	unset multiplot
	unset output
}
