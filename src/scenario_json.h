/* scenario_json: the scenario reader's engine, independent of the format.
 *
 * JSON paths (struct jpath, chained on the C stack) and the messages that
 * name them ("FILE: PATH (from --set ...): expected ..., found ..."); the
 * key tables (struct field: a key, a handler, an offset) and
 * scn_parse_object(), which rejects unknown and duplicate keys; the scalar
 * handlers (integers, durations, rates, sizes, enums, names); and the
 * checks of the raw text and the messages for JSON that does not parse.
 * Private to src/scenario*.c (tests/check-includes.sh checks it).
 */
#ifndef POWSIM_SCENARIO_JSON_H
#define POWSIM_SCENARIO_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>
#include <glib.h>

#include "powsim/scenario.h"

#define NAME_MAX_LEN 32    /* node and group names */
#define FOUND_MAX_CHARS 40 /* of a string quoted in a message */

/* ------------------------------------------------------------------ */
/* Context, paths and messages                                          */

/* One step of a JSON path, chained to its parent on the C stack. */
struct jpath {
	const struct jpath *up;
	const char *key;   /* NULL: an array element */
	long index;
};

struct override {
	char *path;        /* normalised, as jpath renders it */
	char *created;     /* the outermost node it created, or NULL */
	char *text;        /* PATH=VALUE as given */
};

struct ctx {
	const char *file;
	GPtrArray *overrides; /* of struct override *, in order applied */
	struct scenario *s;
	GError **err;
	bool nul_marked;      /* some text had a \u0000 escape (see mark_nul) */
};

/* ------------------------------------------------------------------ */
/* Tables of keys                                                       */

struct field;

typedef bool (*field_fn)(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst,
                         const struct field *f);

struct field {
	const char *key;
	field_fn fn;              /* NULL: read elsewhere (checked there) */
	size_t off;               /* where fn stores, from the table's base */
	double lo, hi;            /* numeric range, in the field's unit */
	const char *const *names; /* enum spellings, NULL-terminated */
	/* scn_object's: the keys of the object, and the ones it must hold
	 * as pairs key, example value, NULL-terminated (or NULL) */
	const struct field *sub;
	size_t nsub;
	const char *const *need;
};

#define TABLE(t) t, G_N_ELEMENTS(t)

/* A field whose value is an object of the keys in table T, stored from
 * the same base; the other arguments are the pairs (key, example) it
 * must hold, then NULL. */
#define SUB_OBJECT(t, ...)                                                                         \
	.fn = scn_object, .sub = (t), .nsub = G_N_ELEMENTS(t),                                     \
	.need = (const char *const[]){ __VA_ARGS__ }

/* Append P as a message names it: nodes[2].trade["a b"]. */
void scn_path_render(GString *g, const struct jpath *p);

/* Set the error "FILE: PATH (from --set ...): MESSAGE"; returns false. */
bool G_GNUC_PRINTF(3, 4) scn_fail(struct ctx *c, const struct jpath *p, const char *fmt, ...);

/* A short description of a JSON value for "found ..." (g_free it). */
char *scn_found(const cJSON *v);

/* "expected WHAT, found <V>"; returns false. */
bool scn_fail_found(struct ctx *c, const struct jpath *p, const cJSON *v, const char *what);

/* Check that OBJ is an object whose keys are all in FIELDS, each once,
 * and run each key's handler on BASE. *SEEN gets bit i for fields[i]. */
bool scn_parse_object(struct ctx *c, const cJSON *obj, const struct jpath *p,
                      const struct field *fields, size_t n, void *base, uint32_t *seen);

/* Whether KEY (which must be in FIELDS) is among SEEN. */
bool scn_has_key(const struct field *fields, size_t n, uint32_t seen, const char *key);

/* KEY is among SEEN, or the error "missing KEY (e.g. KEY: EXAMPLE)". */
bool scn_require_key(struct ctx *c, const struct jpath *p, const struct field *fields, size_t n,
                     uint32_t seen, const char *key, const char *example);

/* Check that V is an array (WHAT shows one in the error) and run READ on
 * each element, at its path P[i]; stops at the first that fails. */
typedef bool (*scn_item_fn)(struct ctx *c, const cJSON *v, const struct jpath *p);
bool scn_read_array(struct ctx *c, const cJSON *v, const struct jpath *p, const char *what,
                    scn_item_fn read);

/* An integer in [LO, HI]: a JSON number, exact, or a string of digits. */
bool scn_read_uint(struct ctx *c, const cJSON *v, const struct jpath *p, uint64_t lo, uint64_t hi,
                   uint64_t *out);

/* true or false, into *OUT. */
bool scn_read_bool(struct ctx *c, const cJSON *v, const struct jpath *p, bool *out);

/* Key handlers (field_fn): check V, found at P, and store it at DST;
 * on error set c->err (naming P) and return false. F gives the range
 * (lo, hi) or the spellings (names) where the kind of value has them. */
bool scn_u64(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst,
             const struct field *f);

/* An object of F->sub's keys, holding F->need's (see SUB_OBJECT). */
bool scn_object(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst,
                const struct field *f);

bool scn_u32(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst,
             const struct field *f);

/* true or false, into a bool. */
bool scn_bool(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst,
              const struct field *f);

/* A finite number in [f->lo, f->hi]; f->hi == 0 means no upper bound. */
bool scn_double(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst,
                const struct field *f);

/* Pareto shape: the mean is finite only above 1. */
bool scn_pareto_shape(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst,
                      const struct field *f);

bool scn_duration(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst,
                  const struct field *f);

bool scn_hashrate(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst,
                  const struct field *f);

/* A probability: a number in [0, 1]. */
bool scn_fraction(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst,
                  const struct field *f);

bool scn_bandwidth(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst,
                   const struct field *f);

/* A size: an integer (bytes) or a string with a unit ("1KB"). */
bool scn_size(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst,
              const struct field *f);

bool scn_difficulty(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst,
                    const struct field *f);

/* Append NAMES as a message lists them: "a", "b", "c". */
void scn_append_names(GString *g, const char *const *names);

/* The index of V's string in NAMES, or -1 with the error set. */
int scn_read_enum(struct ctx *c, const cJSON *v, const struct jpath *p, const char *const *names);

bool scn_enum(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst,
              const struct field *f);

/* A string from F->names, kept as a string. */
bool scn_kind(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst,
              const struct field *f);

bool scn_string(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst,
                const struct field *f);

/* Checked and dropped: a free-text description for people. */
bool scn_comment(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst,
                 const struct field *f);

bool scn_name(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst,
              const struct field *f);

/* The error for TEXT that does not parse: FILE:LINE:COL and what is
 * near AT (cJSON's error position). Returns false. */
bool scn_fail_json(struct ctx *c, const char *text, size_t len, const char *at);

/* The first string (value or key) holding a marked NUL: an error naming
 * its path. */
bool scn_find_nul(struct ctx *c, const cJSON *v, const struct jpath *p);

/* Empty, NUL bytes, not UTF-8: each gets its own message. */
bool scn_check_text(struct ctx *c, const char *text, size_t len);

#endif
