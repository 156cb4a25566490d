/* scenario_int: the parts of the scenario reader that the format's
 * files share (scenario.c, scenario_sections.c, scenario_expect.c,
 * scenario_set.c, scenario_preset.c). Private to src/scenario*.c.
 */
#ifndef POWSIM_SCENARIO_INT_H
#define POWSIM_SCENARIO_INT_H

#include "scenario_json.h"

#define TRADE(k, h, m, ...) { .key = k, .fn = h, .off = offsetof(struct trade_cfg, m), __VA_ARGS__ }

/* ---- scenario.c: names of nodes ---- */

/* Resolve V (a string naming a node or a group) into IDS (cleared). */
bool scn_resolve(struct ctx *c, const cJSON *v, const struct jpath *p, GArray *ids);

/* A target: a node or group name, resolved (field_fn); with f->lo > 0
 * every node it names must have role f->lo - 1. */
bool scn_target(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst,
                const struct field *f);

/* ---- scenario_sections.c: the top-level sections ---- */

/* Section and compound handlers (field_fn, see scenario_json.h). */
bool scn_latency(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst,
                 const struct field *f);

bool scn_interval(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst,
                  const struct field *f);

/* A group's "upload"/"download": a bandwidth or a law drawn per node. */
bool scn_node_bw(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst,
                 const struct field *f);

/* "amount": 5 or [min, max]. */
bool scn_amount(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst,
                const struct field *f);

bool scn_stop(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst,
              const struct field *f);

bool scn_consensus(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst,
                   const struct field *f);

/* An array of N numbers >= 0 into a new double[N]. */
bool scn_read_numbers(struct ctx *c, const cJSON *v, const struct jpath *p, int n, double **out);

/* Key handler: an array of numbers >= 0 into a new GArray of double at
 * DST (replacing the one there). */
bool scn_numbers(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst,
                 const struct field *f);

bool scn_network(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst,
                 const struct field *f);

bool scn_mempool(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst,
                 const struct field *f);

bool scn_output(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst,
                const struct field *f);

/* ---- scenario_expect.c: the "expect" section ---- */

/* The "expect" section (field_fn). */
bool scn_expect(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst,
                const struct field *f);

/* ---- scenario_set.c: --set PATH=VALUE ---- */

/* cJSON decodes "\u0000" inside a string and then sees the string end
 * there ("2min\u0000garbage" would read as "2min"). So before parsing,
 * each such escape inside a string becomes "\u0001" (same length); the
 * tree is then searched for that byte (find_nul) to name the field. A
 * copy of TEXT (LEN bytes) is returned; *FOUND is set if it changed. */
char *scn_mark_nul(const char *text, size_t len, bool *found);

/* TEXT (LEN bytes) as JSON, NUL escapes marked; NULL if it does not parse. */
cJSON *scn_parse_value_text(const char *text, size_t len, bool *nul_marked);

/* Apply TEXT, "PATH=VALUE", to the tree at ROOT (recorded in c->overrides
 * so that messages about PATH say where it came from). */
bool scn_apply_override(struct ctx *c, cJSON *root, const char *text);

/* Free a struct override (a GPtrArray free function). */
void scn_override_free(void *p);

/* ---- scenario_preset.c: presets ---- */

/* Expand every "preset" key in the objects of the tree at OBJ. */
bool scn_expand_presets(struct ctx *c, cJSON *obj, const struct jpath *p, int depth);

#endif
