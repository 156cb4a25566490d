/* record: the recording of a live run (see record.h). */
#include "powsim/record.h"

#include <errno.h>
#include <stdio.h>

#include <cjson/cJSON.h>
#include <glib/gstdio.h>

#include "powsim/check.h"
#include "powsim/scenario.h"
#include "powsim/world.h"

#define RECORD_ERROR (g_quark_from_static_string("record-error"))

/* The actions a live run records (spelt by config_action_names). */
static const bool live_actions[] = {
	[TL_DIFFICULTY] = true, [TL_TRANSFER] = true, [TL_MINE] = true,
	[TL_SUBMIT] = true, [TL_RESOLVE] = true, [TL_LINK] = true, [TL_STOP] = true,
};

static void add_time(cJSON *o, const char *key, simtime_t t)
{
	char buf[32];
	g_snprintf(buf, sizeof buf, "%" G_GINT64_FORMAT "ns", t);
	cJSON_AddStringToObject(o, key, buf);
}

/* An integer exactly: a number up to 2^53, a digit string beyond. */
static void add_uint(cJSON *o, const char *key, uint64_t v)
{
	if (v <= 9007199254740991ull) {
		cJSON_AddNumberToObject(o, key, (double)v);
	} else {
		char buf[24];
		g_snprintf(buf, sizeof buf, "%" G_GUINT64_FORMAT, v);
		cJSON_AddStringToObject(o, key, buf);
	}
}

static cJSON *event_json(const struct event_cfg *e)
{
	cJSON *o = cJSON_CreateObject();
	CHECK(!e->by_height && (size_t)e->action < G_N_ELEMENTS(live_actions) &&
		 live_actions[e->action]);
	add_time(o, "at", e->at);
	cJSON_AddStringToObject(o, "action", config_action_names[e->action]);
	if (e->target)
		cJSON_AddStringToObject(o, "target", e->target);
	switch (e->action) {
	case TL_DIFFICULTY:
		cJSON_AddNumberToObject(o, "value", e->millizeros / 1000.0);
		break;
	case TL_TRANSFER:
		cJSON_AddStringToObject(o, "from", e->from);
		cJSON_AddStringToObject(o, "to", e->link_to);
		add_uint(o, "amount", e->amount);
		break;
	case TL_SUBMIT:
		add_uint(o, "nonce", e->nonce);
		break;
	case TL_LINK:
		cJSON_AddStringToObject(o, "to", e->link_to);
		break;
	default:
		break;
	}
	return o;
}

static bool write_text(const char *out, const char *text, GError **err)
{
	char *tmp = g_strdup_printf("%s.tmp", out);
	GError *e = NULL;
	bool ok = g_file_set_contents(tmp, text, -1, &e);
	if (ok && g_rename(tmp, out) != 0) {
		g_set_error(err, RECORD_ERROR, 1, "%s: cannot write the recording: %s", out,
			    g_strerror(errno));
		g_remove(tmp);
		ok = false;
	} else if (!ok) {
		g_set_error(err, RECORD_ERROR, 1, "%s: cannot write the recording: %s", out, e->message);
		g_error_free(e);
	}
	g_free(tmp);
	return ok;
}

char *record_text(const struct scenario *sc, guint first, simtime_t live_end, GError **err)
{
	char *text = NULL;
	GError *e = NULL;
	if (!g_file_get_contents(sc->file, &text, NULL, &e)) {
		g_set_error(err, RECORD_ERROR, 1, "%s: cannot read the scenario again: %s", sc->file,
			    e->message);
		g_error_free(e);
		return NULL;
	}
	cJSON *root = cJSON_Parse(text);
	g_free(text);
	if (!cJSON_IsObject(root)) {
		g_set_error(err, RECORD_ERROR, 1, "%s: the scenario changed since it was read", sc->file);
		cJSON_Delete(root);
		return NULL;
	}
	if (scenario_name_ok(sc->name)) { /* else the replay derives its own, as the run did */
		cJSON_DeleteItemFromObjectCaseSensitive(root, "name");
		cJSON_AddStringToObject(root, "name", sc->name);
	}
	cJSON_DeleteItemFromObjectCaseSensitive(root, "seed");
	add_uint(root, "seed", sc->seed);
	if (live_end > 0) {
		/* After the drain of a run stopped at LIVE_END: never reached, so
		 * not even its event is processed. */
		cJSON_DeleteItemFromObjectCaseSensitive(root, "stop");
		cJSON *s = cJSON_AddObjectToObject(root, "stop");
		add_time(s, "time", live_end + WORLD_DRAIN_MAX + 1);
	}
	cJSON *events = cJSON_GetObjectItemCaseSensitive(root, "events");
	if (!cJSON_IsArray(events)) {
		cJSON_DeleteItemFromObjectCaseSensitive(root, "events");
		events = cJSON_AddArrayToObject(root, "events");
	}
	for (guint i = first; i < sc->events->len; i++)
		cJSON_AddItemToArray(events, event_json(&g_array_index(sc->events, struct event_cfg, i)));
	char *json = cJSON_Print(root);
	cJSON_Delete(root);
	char *withnl = g_strconcat(json, "\n", NULL);
	cJSON_free(json);
	return withnl;
}

bool record_write(const char *text, const char *out, GError **err)
{
	return write_text(out, text, err);
}
