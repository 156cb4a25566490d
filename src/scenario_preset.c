/* scenario_preset: {"preset": NAME} merging the preset's file under the
 * keys the scenario gives. */
#include "scenario_int.h"

#include <string.h>
#include <glib/gstdio.h>

/* ---- presets: {"preset": "NAME"} merges scenarios/presets/NAME.json ---- */

#define PRESET_MAX_DEPTH 4

/* The file of preset NAME, looked for beside the scenario (presets/ and
 * ../presets/), in $POWSIM_PRESETS, beside the program, and in
 * ./scenarios/presets; NULL if none. */
static char *find_preset(const struct ctx *c, const char *name)
{
	char *file = g_strdup_printf("%s.json", name);
	char *dir = g_path_get_dirname(c->file);
	char *exe = g_file_read_link("/proc/self/exe", NULL);
	char *exedir = exe ? g_path_get_dirname(exe) : g_strdup(".");
	const char *env = g_getenv("POWSIM_PRESETS");
	char *cands[] = {
		g_build_filename(dir, "presets", file, NULL),
		g_build_filename(dir, "..", "presets", file, NULL),
		env ? g_build_filename(env, file, NULL) : NULL,
		g_build_filename(exedir, "scenarios", "presets", file, NULL),
		g_build_filename("scenarios", "presets", file, NULL),
	};
	char *found = NULL;
	for (size_t i = 0; i < G_N_ELEMENTS(cands); i++) {
		if (!found && cands[i] && g_file_test(cands[i], G_FILE_TEST_IS_REGULAR))
			found = g_strdup(cands[i]);
		g_free(cands[i]);
	}
	g_free(file);
	g_free(dir);
	g_free(exe);
	g_free(exedir);
	return found;
}

static bool preset_name_ok(const char *s)
{
	if (!s[0] || strlen(s) > 64)
		return false;
	for (; *s; s++)
		if (!g_ascii_isalnum(*s) && *s != '-' && *s != '_')
			return false;
	return true;
}

/* Merge preset "preset" of OBJ (at P) under OBJ: its keys that OBJ lacks
 * are added ("description" excepted); OBJ's own keys win. */
static bool merge_preset(struct ctx *c, cJSON *obj, const struct jpath *p, int depth)
{
	cJSON *pv = cJSON_GetObjectItemCaseSensitive(obj, "preset");
	struct jpath pp = { p, "preset", 0 };
	if (!cJSON_IsString(pv) || !preset_name_ok(pv->valuestring))
		return scn_fail_found(
			c, &pp, pv,
			"a preset name like \"bitcoin-2019\" (letters, digits, - and _)");
	if (depth >= PRESET_MAX_DEPTH)
		return scn_fail(c, &pp, "presets nest deeper than %d levels", PRESET_MAX_DEPTH);
	char *path = find_preset(c, pv->valuestring);
	if (!path)
		return scn_fail(
			c, &pp,
			"no preset \"%s\" (looked for %s.json in presets/ beside the scenario, "
			"in $POWSIM_PRESETS and in scenarios/presets/)",
			pv->valuestring, pv->valuestring);
	char *text = NULL;
	gsize len = 0;
	cJSON *preset = NULL;
	bool ok = g_file_get_contents(path, &text, &len, NULL) && len < SCENARIO_MAX_FILE_BYTES &&
		  (preset = scn_parse_value_text(text, len, &c->nul_marked)) != NULL &&
		  cJSON_IsObject(preset);
	if (!ok)
		ok = scn_fail(c, &pp, "preset file %s is not a JSON object", path);
	if (ok)
		ok = scn_expand_presets(c, preset, p, depth + 1);
	for (cJSON *it = ok ? preset->child : NULL; it; it = it->next)
		if (strcmp(it->string, "description") != 0 &&
		    !cJSON_GetObjectItemCaseSensitive(obj, it->string))
			cJSON_AddItemToObject(obj, it->string, cJSON_Duplicate(it, 1));
	cJSON_DeleteItemFromObjectCaseSensitive(obj, "preset");
	cJSON_Delete(preset);
	g_free(text);
	g_free(path);
	return ok;
}

/* Expand every "preset" key in the objects of the tree at OBJ. */
bool scn_expand_presets(struct ctx *c, cJSON *obj, const struct jpath *p, int depth)
{
	if (cJSON_IsObject(obj) && cJSON_GetObjectItemCaseSensitive(obj, "preset") &&
	    !merge_preset(c, obj, p, depth))
		return false;
	long i = 0;
	for (cJSON *it = obj->child; it; it = it->next, i++) {
		if (!cJSON_IsObject(it) && !cJSON_IsArray(it))
			continue;
		struct jpath ip = cJSON_IsObject(obj) ? (struct jpath){ p, it->string, 0 }
						      : (struct jpath){ p, NULL, i };
		if (!scn_expand_presets(c, it, &ip, depth))
			return false;
	}
	return true;
}
