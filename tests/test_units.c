/* Tests for units: every parser with good and bad inputs, the
 * formatters, and parse(format(t)) round trips. */
#include <string.h>

#include <glib.h>

#include "powsim/units.h"

static void test_duration_good(void)
{
	static const struct { const char *s; simtime_t ns; } cases[] = {
		{ "250ms", 250 * SIMTIME_MS },
		{ "4.5s", 4500 * SIMTIME_MS },
		{ "2m13s", 133 * SIMTIME_S },
		{ "1h", SIMTIME_HOUR },
		{ "1h30m", 90 * SIMTIME_MIN },
		{ "1h 30m", 90 * SIMTIME_MIN },
		{ "10min", 10 * SIMTIME_MIN },
		{ "90us", 90 * SIMTIME_US },
		{ "5\xc2\xb5s", 5 * SIMTIME_US },
		{ "10ns", 10 },
		{ "0s", 0 },
		{ "0.1s", 100 * SIMTIME_MS },
		{ ".5s", 500 * SIMTIME_MS },
		{ "1.5 s", 1500 * SIMTIME_MS },
		{ "2ms", 2 * SIMTIME_MS },
		{ "1.0000000004s", SIMTIME_S },
		{ "1m0.5s", 60500 * SIMTIME_MS },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		simtime_t t = -1;
		const char *why = NULL;
		g_test_message("duration %s", cases[i].s);
		g_assert_true(units_parse_duration(cases[i].s, &t, &why));
		g_assert_cmpint(t, ==, cases[i].ns);
	}
}

static void test_duration_bad(void)
{
	static const char *const cases[] = {
		"", "5", "4.5 parsecs", "-1s", "+1s", "1e3s", "infs", "nan", "inf", "5sec", "5s ", " 5s",
		"1.2.3s", "s", "5 ", "0x10s", "99999999999h", "5S", "5ms5", "1,5s", "5 m s", ".s", "1h30",
		"5mss", "1d",
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		simtime_t t = 77;
		const char *why = NULL;
		g_test_message("duration %s", cases[i]);
		g_assert_false(units_parse_duration(cases[i], &t, &why));
		g_assert_nonnull(why);
		g_assert_nonnull(strstr(why, "duration"));
		g_assert_cmpint(t, ==, 77);
	}
	{
		simtime_t t;
		const char *why = NULL;
		g_assert_false(units_parse_duration(NULL, &t, &why));
	}
}

/* A parser of a rate (hash rate, bandwidth) into a double. */
typedef bool (*rate_parser)(const char *s, double *out, const char **why);
struct rate_case {
	const char *s;
	double v;
};

/* PARSE reads every GOOD case to its value, and refuses every BAD one
 * with a reason naming WHAT, leaving its output alone. */
static void check_rates(const char *what, rate_parser parse, const struct rate_case *good,
			size_t n_good, const char *const *bad, size_t n_bad)
{
	for (size_t i = 0; i < n_good; i++) {
		double v = 0;
		const char *why = NULL;
		g_test_message("%s %s", what, good[i].s);
		g_assert_true(parse(good[i].s, &v, &why));
		g_assert_cmpfloat_with_epsilon(v, good[i].v, good[i].v * 1e-12);
	}
	for (size_t i = 0; i < n_bad; i++) {
		double v = -1;
		const char *why = NULL;
		g_test_message("%s %s", what, bad[i]);
		g_assert_false(parse(bad[i], &v, &why));
		g_assert_nonnull(strstr(why, what));
		g_assert_cmpfloat(v, ==, -1);
	}
}

static void test_hashrate(void)
{
	static const struct rate_case good[] = {
		{ "500H/s", 500 }, { "45kH/s", 45e3 }, { "1.2MH/s", 1.2e6 }, { "3GH/s", 3e9 },
		{ "2TH/s", 2e12 }, { "60 kH/s", 60e3 }, { "1KH/s", 1e3 }, { "0.5H/s", 0.5 },
	};
	static const char *const bad[] = {
		"0H/s", "5", "5kh/s", "5 kH", "-5kH/s", "5XH/s", "", "5kH/s/s", "kH/s", "5 H/s ", "1e3H/s",
		"0kH/s", "infH/s",
	};
	check_rates("hash rate", units_parse_hashrate, good, G_N_ELEMENTS(good), bad, G_N_ELEMENTS(bad));
}

static void test_bandwidth(void)
{
	static const struct rate_case good[] = {
		{ "10Mbit/s", 1e7 }, { "1.5Gbit/s", 1.5e9 }, { "800kbit/s", 8e5 }, { "2MB/s", 16e6 },
		{ "100bit/s", 100 }, { "1B/s", 8 },
	};
	static const char *const bad[] = { "10Mbps", "10M", "0bit/s", "10 Mbit", "", "Mbit/s", "10Mbit/s!" };
	check_rates("bandwidth", units_parse_bandwidth, good, G_N_ELEMENTS(good), bad, G_N_ELEMENTS(bad));
}

static void test_size(void)
{
	static const struct { const char *s; uint64_t b; } good[] = {
		{ "535KB", 535000 }, { "1MB", 1000000 }, { "250B", 250 }, { "1.5kB", 1500 }, { "0B", 0 },
		{ "2GB", 2000000000 },
	};
	static const char *const bad[] = { "250", "1MiB", "B", "-1B", "1.5.5B", "", "1 MB B", "99999999TB" };

	for (size_t i = 0; i < G_N_ELEMENTS(good); i++) {
		uint64_t v = 7;
		const char *why = NULL;
		g_test_message("size %s", good[i].s);
		g_assert_true(units_parse_size(good[i].s, &v, &why));
		g_assert_cmpuint(v, ==, good[i].b);
	}
	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		uint64_t v = 7;
		const char *why = NULL;
		g_test_message("size %s", bad[i]);
		g_assert_false(units_parse_size(bad[i], &v, &why));
		g_assert_nonnull(strstr(why, "size"));
		g_assert_cmpuint(v, ==, 7);
	}
}

static void test_format_duration(void)
{
	static const struct { simtime_t t; const char *s; } cases[] = {
		{ 0, "0s" }, { 999, "999ns" }, { 1500, "1.5us" }, { 250 * SIMTIME_MS, "250ms" },
		{ 4700 * SIMTIME_MS, "4.7s" }, { 133 * SIMTIME_S, "2m13s" }, { SIMTIME_HOUR, "1h" },
		{ 90 * SIMTIME_MIN, "1h30m" }, { 3661500 * SIMTIME_MS, "1h1m1.5s" }, { 10 * SIMTIME_MIN, "10m" },
		{ SIMTIME_NEVER, "never" }, { -2 * SIMTIME_S, "-2s" }, { SIMTIME_HOUR + SIMTIME_S, "1h1s" },
	};
	char buf[64];

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		units_format_duration(cases[i].t, buf, sizeof buf);
		g_assert_cmpstr(buf, ==, cases[i].s);
	}
	/* A short buffer truncates, never overflows. */
	units_format_duration(133 * SIMTIME_S, buf, 3);
	g_assert_cmpstr(buf, ==, "2m");
}

static void test_duration_roundtrip(void)
{
	static const simtime_t cases[] = {
		1, 999, 1000, 123456, 250 * SIMTIME_MS, 4700 * SIMTIME_MS, 59 * SIMTIME_S, 133 * SIMTIME_S,
		90 * SIMTIME_MIN, 3661500 * SIMTIME_MS, 25 * SIMTIME_HOUR,
	};
	char buf[64];

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		simtime_t back = -1;
		const char *why;
		units_format_duration(cases[i], buf, sizeof buf);
		g_test_message("%s", buf);
		g_assert_true(units_parse_duration(buf, &back, &why));
		g_assert_cmpint(back, ==, cases[i]);
	}
}

static void test_format_hashrate(void)
{
	static const struct { double hps; const char *s; } cases[] = {
		{ 223100, "223.1kH/s" }, { 60000, "60kH/s" }, { 500, "500H/s" }, { 1.2e6, "1.2MH/s" },
		{ 999950, "1MH/s" }, { 3e9, "3GH/s" }, { 0, "0H/s" },
	};
	char buf[32];

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		units_format_hashrate(cases[i].hps, buf, sizeof buf);
		g_assert_cmpstr(buf, ==, cases[i].s);
	}
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/units/duration/good", test_duration_good);
	g_test_add_func("/units/duration/bad", test_duration_bad);
	g_test_add_func("/units/duration/format", test_format_duration);
	g_test_add_func("/units/duration/roundtrip", test_duration_roundtrip);
	g_test_add_func("/units/hashrate", test_hashrate);
	g_test_add_func("/units/hashrate/format", test_format_hashrate);
	g_test_add_func("/units/bandwidth", test_bandwidth);
	g_test_add_func("/units/size", test_size);
	return g_test_run();
}
