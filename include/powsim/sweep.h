/* sweep: a parameter sweep's spec, its runs, and its tables.
 *
 * A sweep spec (JSON; reference: README.md, "Sweeps") names a scenario,
 * the settings to vary ("set": a grid, the cartesian product of its
 * lists; or "points": an explicit list of settings), the seeds, and the
 * metrics (paths into summary.json, in the --set path syntax: keys joined
 * by dots, [N] for an array element). sweep_load reads and validates it
 * like a scenario (errors name the spec file, the JSON path, what was
 * expected and what was found), expands points x seeds into runs in a
 * fixed order (point by point, seed by seed within a point), and
 * validates every run's overrides by loading the scenario with them
 * (scenario_load), so a bad value is reported before anything runs.
 *
 * Each run is an ordinary `powsim run SCENARIO --set ... --seed S --out
 * DIR/runs/NAME`. NAME is built from the point's values and the seed
 * ("block_size=1MB_relay=inv_seed=3"), so it stays the same when the
 * grid grows. Beside the run directory (never inside it) NAME.rc holds
 * the exit status of the run's last attempt and the digest of its
 * settings ("1 9f86d0..."): a status for other settings is ignored.
 *
 * A run is done when DIR/runs/NAME/summary.json is complete (not
 * interrupted) and was written by this powsim version for the same
 * settings: its "seed", "version" and "scenario_sha256" (the digest of
 * the scenario tree with the overrides applied, see config.h) match the
 * run's, and NAME.rc, if present for these settings, says 0.
 *
 * Tables (runs.csv, points.csv) and the manifest (sweep.json) are pure
 * functions of the spec and the run directories: rows come in run order,
 * never in completion order, so they are byte-identical however the runs
 * were executed.
 */
#ifndef POWSIM_SWEEP_H
#define POWSIM_SWEEP_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#define SWEEP_ERROR (sweep_error_quark())
GQuark sweep_error_quark(void);

enum sweep_error {
	SWEEP_ERROR_INPUT, /* the spec, or a run's settings, are bad */
	SWEEP_ERROR_RUN,   /* a run's outputs are missing or lack a metric */
	SWEEP_ERROR_IO,    /* a table could not be written */
};

/* Largest number of runs (points x seeds) a spec may ask for. */
#define SWEEP_MAX_RUNS 100000u

struct sweep_point {
	guint id;          /* 1, 2, ... in spec order */
	char **values;     /* one per parameter (sweep.params), the value
			    * as given to --set; NULL where an explicit point
			    * leaves the parameter at the scenario's value */
};

struct sweep_run {
	guint point;       /* index into sweep.points */
	uint64_t seed;
	char *name;        /* the directory name under runs/ */
	char **sets;       /* NULL-terminated "PATH=VALUE", the point's values */
	char *digest;      /* scenario_sha256 that a matching summary carries */
};

struct sweep {
	char *file;        /* the spec file, as given */
	char *name;        /* "name", default the spec's basename without .json */
	char *scenario;    /* absolute path of the scenario file */
	char *spec_sha256, *scenario_sha256; /* of the files' bytes */
	char *spec_text;   /* the spec as read */
	char *plot;        /* "plot": an extra figure script in plots/, or NULL */
	GPtrArray *params; /* char *: the swept paths, in spec order */
	GArray *points;    /* struct sweep_point */
	GArray *seeds;     /* uint64_t, in spec order */
	GPtrArray *metrics;/* char *: summary.json paths */
	GArray *runs;      /* struct sweep_run, point-major */
};

/* Read, validate and expand the spec file PATH. Returns NULL with ERR
 * (SWEEP_ERROR_INPUT) on the first problem found. The caller frees the
 * result with sweep_free. */
struct sweep *sweep_load(const char *path, GError **err);
void sweep_free(struct sweep *s);

/* The outcome of one run, as read from its directory. */
enum sweep_state {
	SWEEP_RUN_MISSING, /* no matching complete summary, no failure recorded */
	SWEEP_RUN_OK,      /* done; METRICS hold its values */
	SWEEP_RUN_FAILED,  /* ran and failed (EXIT), or lacks a metric (ERROR) */
};

struct sweep_result {
	enum sweep_state state;
	int exit;          /* the exit status recorded, -1 if none */
	char *error;       /* why not OK (owned), NULL if OK */
	double *metrics;   /* sweep.metrics->len values when OK (owned) */
};

/* Read run I's outcome from RUNS_DIR (DIR/runs) into *OUT (cleared
 * first; free with sweep_result_clear). */
void sweep_read_result(const struct sweep *s, guint i, const char *runs_dir, struct sweep_result *out);
void sweep_result_clear(struct sweep_result *r);

/* Whether run I needs running: not OK in RUNS_DIR. */
bool sweep_run_pending(const struct sweep *s, guint i, const char *runs_dir);

/* The value at PATH (metric syntax) in the JSON text JSON_TEXT, as a
 * number (booleans 0/1, strings holding a number read as one). Returns
 * false with *WHY (g_free) set if it is absent or not a number. */
bool sweep_json_number(const char *json_text, const char *path, double *out, char **why);

/* The argv of run I (NULL-terminated, g_strfreev): POWSIM run SCENARIO
 * --seed S --set ... --out RUNS_DIR/NAME --quiet. */
char **sweep_run_argv(const struct sweep *s, guint i, const char *powsim, const char *runs_dir);

/* Run I as one shell command line (no newline) that runs from any
 * directory: the argv above, shell-quoted, then records the exit status
 * in RUNS_DIR/NAME.rc and ends with it as its status (without exiting the
 * shell, so that many lines can run in one). Pass absolute paths. */
char *sweep_task_line(const struct sweep *s, guint i, const char *powsim, const char *runs_dir);

/* The text of RUNS_DIR/NAME.rc for run I having exited with STATUS. */
char *sweep_rc_text(const struct sweep *s, guint i, int status);

/* runs.csv: point, the parameters (one column each, named by path), seed,
 * exit, error, the metrics. RESULTS holds one per run. */
char *sweep_runs_csv(const struct sweep *s, const struct sweep_result *results);

/* points.csv: point, the parameters, n (runs OK), then per metric M:
 * M_mean, M_sd, M_ci95_lo, M_ci95_hi (Student's t, empty when undefined). */
char *sweep_points_csv(const struct sweep *s, const struct sweep_result *results);

struct stats_summary;
/* The statistics (stats.h, 95 % interval) of METRIC over the OK runs of
 * point POINT (an index into sweep.points): what points.csv prints. */
void sweep_point_stats(const struct sweep *s, const struct sweep_result *results, guint point, guint metric,
		       struct stats_summary *out);

/* sweep.json: the spec, its hash, the scenario's path and hash, the
 * version, and every run (name, point, seed, overrides, exit, error). */
char *sweep_manifest(const struct sweep *s, const struct sweep_result *results);

/* A number as written in the tables: the shortest of %.15g and %.17g
 * that reads back the same, "" for NaN. Into BUF of SIZE >= 32. */
void sweep_format_number(double v, char *buf, size_t size);

#endif
