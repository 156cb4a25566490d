/* stats: the summary statistics of a sweep's replications.
 *
 * Mean, sample standard deviation and the Student's t confidence interval
 * of the mean, with the t quantiles computed from the t distribution's
 * CDF (the regularized incomplete beta function), so any number of
 * degrees of freedom works, not only those of a printed table. Pure
 * functions of their inputs: the same data give the same bits.
 */
#ifndef POWSIM_STATS_H
#define POWSIM_STATS_H

#include <stddef.h>

/* The summary of N values. With N = 0 every field but N is NaN; with
 * N = 1 the mean is the value and SD and the interval are NaN (one value
 * says nothing about spread). */
struct stats_summary {
	size_t n;
	double mean;
	double sd;               /* sample standard deviation (divisor N - 1) */
	double ci_lo, ci_hi;     /* mean -/+ t(1 - (1 - LEVEL)/2, N - 1) sd / sqrt(N) */
};

/* Summarize the N values X with a two-sided confidence interval of LEVEL
 * (0.95 for 95 %; 0 < LEVEL < 1) into *OUT. */
void stats_summarize(const double *x, size_t n, double level, struct stats_summary *out);

/* Student's t distribution with DF > 0 degrees of freedom (DF need not be
 * an integer): P(T <= T_VALUE). */
double stats_t_cdf(double t_value, double df);

/* The quantile: the t with P(T <= t) = P, for 0 < P < 1. Accurate to
 * about 1e-12 relative. NaN for P or DF out of range. */
double stats_t_quantile(double p, double df);

/* The regularized incomplete beta function I_X(A, B) for A, B > 0 and
 * 0 <= X <= 1 (NaN outside). */
double stats_beta_inc(double a, double b, double x);

#endif
