/* units: parsing and formatting of human quantities (see units.h).
 *
 * Grammar shared by every parser: a number is DIGITS [ "." DIGITS ] or
 * "." DIGITS (no sign, no exponent, no "inf"/"nan"), then optional spaces,
 * then a unit. Numbers are converted with g_ascii_strtod, so the locale
 * never changes a result.
 */
#include "powsim/units.h"

#include <math.h>
#include <string.h>

#include <glib.h>

#define NUM_MAX_CHARS 63

/* Scan a number at *P. Returns false if there is none (or it is absurdly
 * long); on success stores it in *V and advances *P past it. */
static bool scan_number(const char **p, double *v)
{
	const char *s = *p, *q = s;
	char buf[NUM_MAX_CHARS + 1];
	size_t n, int_digits = 0, frac_digits = 0;
	char *end;

	while (g_ascii_isdigit(*q)) {
		q++;
		int_digits++;
	}
	if (*q == '.') {
		q++;
		while (g_ascii_isdigit(*q)) {
			q++;
			frac_digits++;
		}
	}
	if (int_digits + frac_digits == 0)
		return false;
	n = (size_t)(q - s);
	if (n > NUM_MAX_CHARS)
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	*v = g_ascii_strtod(buf, &end);
	if (end != buf + n || !isfinite(*v))
		return false;
	*p = q;
	return true;
}

static void skip_spaces(const char **p)
{
	while (**p == ' ')
		(*p)++;
}

/* A unit: its spelling and its value in the parser's base unit. */
struct unit {
	const char *name;
	double scale;
};

/* The unit spelled exactly by the next characters at *P, longest first
 * (the table is ordered so that "ms" is tried before "m"). */
static const struct unit *match_unit(const char **p, const struct unit *tab, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(tab[i].name);
		if (strncmp(*p, tab[i].name, len) == 0) {
			*p += len;
			return &tab[i];
		}
	}
	return NULL;
}

static const struct unit duration_units[] = {
	{ "min", 60e9 }, { "ms", 1e6 }, { "us", 1e3 }, { "\xc2\xb5s", 1e3 },
	{ "ns", 1 }, { "h", 3600e9 }, { "m", 60e9 }, { "s", 1e9 },
};

bool units_parse_duration(const char *s, simtime_t *out, const char **why)
{
	static const char msg[] = "a duration like \"250ms\", \"4.5s\" or \"2m13s\" (units ns, us, ms, s, m or min, h)";
	const char *p = s;
	double total = 0;

	if (s == NULL || *s == '\0')
		goto bad;
	while (*p) {
		double v;
		const struct unit *u;

		if (!scan_number(&p, &v))
			goto bad;
		skip_spaces(&p);
		u = match_unit(&p, duration_units, G_N_ELEMENTS(duration_units));
		if (u == NULL)
			goto bad;
		/* A letter glued to the unit ("5sec") is not a unit we know. */
		if (g_ascii_isalpha(*p))
			goto bad;
		total += v * u->scale;
		/* Spaces may separate terms ("1h 30m"), not trail. */
		if (*p == ' ') {
			const char *q = p;
			skip_spaces(&q);
			if (*q != '\0')
				p = q;
			else
				goto bad;
		}
	}
	if (!(total < 9.2e18)) {
		*why = "a duration shorter than 290 years";
		return false;
	}
	*out = (simtime_t)llround(total);
	return true;
bad:
	*why = msg;
	return false;
}

/* Parse NUMBER [spaces] [PREFIX] SUFFIX where PREFIX is k K M G T and
 * SUFFIX is one of SUFFIXES (each with its own factor). */
static bool parse_prefixed(const char *s, const struct unit *suffixes, size_t n, double *out)
{
	static const struct unit prefixes[] = {
		{ "k", 1e3 }, { "K", 1e3 }, { "M", 1e6 }, { "G", 1e9 }, { "T", 1e12 },
	};
	const char *p = s;
	const struct unit *pre, *suf;
	double v;

	if (s == NULL || !scan_number(&p, &v))
		return false;
	skip_spaces(&p);
	/* Try the bare suffix first so that "B/s" is not read as prefix "B". */
	suf = match_unit(&p, suffixes, n);
	if (suf == NULL) {
		pre = match_unit(&p, prefixes, G_N_ELEMENTS(prefixes));
		if (pre == NULL)
			return false;
		suf = match_unit(&p, suffixes, n);
		if (suf == NULL)
			return false;
		v *= pre->scale;
	}
	if (*p != '\0')
		return false;
	v *= suf->scale;
	if (!isfinite(v))
		return false;
	*out = v;
	return true;
}

bool units_parse_hashrate(const char *s, double *hps, const char **why)
{
	static const struct unit suf[] = { { "H/s", 1 } };
	double v;

	if (!parse_prefixed(s, suf, G_N_ELEMENTS(suf), &v) || !(v > 0)) {
		*why = "a hash rate above zero like \"500H/s\", \"60kH/s\" or \"1.2MH/s\"";
		return false;
	}
	*hps = v;
	return true;
}

bool units_parse_bandwidth(const char *s, double *bps, const char **why)
{
	static const struct unit suf[] = { { "bit/s", 1 }, { "B/s", 8 } };
	double v;

	if (!parse_prefixed(s, suf, G_N_ELEMENTS(suf), &v) || !(v > 0)) {
		*why = "a bandwidth above zero like \"100Mbit/s\", \"800kbit/s\" or \"2MB/s\"";
		return false;
	}
	*bps = v;
	return true;
}

bool units_parse_size(const char *s, uint64_t *bytes, const char **why)
{
	static const struct unit suf[] = { { "B", 1 } };
	double v;

	if (!parse_prefixed(s, suf, G_N_ELEMENTS(suf), &v) || !(v < 1.8e19)) {
		*why = "a size like \"250B\", \"535KB\" or \"1MB\"";
		return false;
	}
	*bytes = v < 9.2e18 ? (uint64_t)llround(v) : (uint64_t)v;
	return true;
}

/* Print V with up to 3 decimals, trailing zeros dropped, then SUFFIX. */
static void format_trimmed(char *buf, unsigned len, double v, const char *suffix)
{
	char num[G_ASCII_DTOSTR_BUF_SIZE];
	size_t n;

	g_ascii_formatd(num, sizeof num, "%.3f", v);
	n = strlen(num);
	while (n > 0 && num[n - 1] == '0')
		num[--n] = '\0';
	if (n > 0 && num[n - 1] == '.')
		num[--n] = '\0';
	g_snprintf(buf, len, "%s%s", num, suffix);
}

void units_format_duration(simtime_t t, char *buf, unsigned len)
{
	char rest[48];
	uint64_t u, h, m;

	if (len == 0)
		return;
	if (t == SIMTIME_NEVER) {
		g_strlcpy(buf, "never", len);
		return;
	}
	if (t < 0) {
		units_format_duration(t == INT64_MIN ? INT64_MAX : -t, rest, sizeof rest);
		g_snprintf(buf, len, "-%s", rest);
		return;
	}
	if (t == 0)
		g_strlcpy(buf, "0s", len);
	else if (t < SIMTIME_US)
		g_snprintf(buf, len, "%" G_GINT64_FORMAT "ns", t);
	else if (t < SIMTIME_MS)
		format_trimmed(buf, len, (double)t / 1e3, "us");
	else if (t < SIMTIME_S)
		format_trimmed(buf, len, (double)t / 1e6, "ms");
	else if (t < SIMTIME_MIN)
		format_trimmed(buf, len, (double)t / 1e9, "s");
	else {
		u = (uint64_t)t;
		h = u / (uint64_t)SIMTIME_HOUR;
		u -= h * (uint64_t)SIMTIME_HOUR;
		m = u / (uint64_t)SIMTIME_MIN;
		u -= m * (uint64_t)SIMTIME_MIN;
		rest[0] = '\0';
		if (u > 0)
			format_trimmed(rest, sizeof rest, (double)u / 1e9, "s");
		if (h > 0 && m > 0)
			g_snprintf(buf, len, "%" G_GUINT64_FORMAT "h%" G_GUINT64_FORMAT "m%s", h, m, rest);
		else if (h > 0)
			g_snprintf(buf, len, "%" G_GUINT64_FORMAT "h%s", h, rest);
		else
			g_snprintf(buf, len, "%" G_GUINT64_FORMAT "m%s", m, rest);
	}
}

void units_format_hashrate(double hps, char *buf, unsigned len)
{
	static const char *const prefix[] = { "", "k", "M", "G", "T", "P", "E" };
	char num[G_ASCII_DTOSTR_BUF_SIZE];
	unsigned i = 0;

	if (len == 0)
		return;
	if (!isfinite(hps) || hps < 0) {
		g_strlcpy(buf, "?H/s", len);
		return;
	}
	/* 999.95 would print as "1000" with 4 digits: move up a prefix. */
	while (hps >= 999.95 && i + 1 < G_N_ELEMENTS(prefix)) {
		hps /= 1000;
		i++;
	}
	g_ascii_formatd(num, sizeof num, "%.4g", hps);
	g_snprintf(buf, len, "%s%sH/s", num, prefix[i]);
}
