/* powsim serve: a scenario's network live, paced to the wall clock, each
 * node answering the source documents' HTTP API on 127.0.0.1.
 *
 * libsoup serves every node on the GLib main loop; a timer moves the world
 * on to wall time x speed. A request that changes the world becomes a
 * timeline action of the scenario (the live actions of config.h) at the
 * next tick's slot (world_live_slot), and is answered once the world has
 * applied it, so the answer says what happened. --record writes those
 * actions into a scenario that `powsim run` replays to the same outputs.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <glib.h>
#include <libsoup/soup.h>

#include "commands.h"
#include "serve.h"
#include "powsim/api.h"
#include "powsim/budget.h"
#include "powsim/check.h"
#include "powsim/hash.h"
#include "powsim/record.h"
#include "powsim/scenario.h"
#include "powsim/report.h"
#include "powsim/trace.h"
#include "powsim/units.h"
#include "powsim/wallet.h"
#include "powsim/world.h"

#define TICK_MS 10
#define SSE_PERIOD_US (250 * 1000)
#define SSE_STREAM_US (20 * G_USEC_PER_SEC)  /* then the stream closes; clients reconnect */
#define SSE_MAX_CLIENTS 64
#define MAX_QUEUED 100000                    /* requests waiting for the next tick */
#define MINE_TIMEOUT_US (300 * G_USEC_PER_SEC)
#define RESOLVE_WAIT (2 * SIMTIME_S)         /* chains asked for arrive within this */

enum wait_kind { W_EVENTS, W_MINE, W_RESOLVE };

/* A request whose answer waits for the world. */
struct pending {
	SoupServerMessage *msg; /* a reference */
	bool gone;              /* the client went away */
	enum wait_kind kind;
	enum tl_action action;
	uint32_t node;
	GArray *events;         /* guint: scenario event indices, all applied first */
	uint64_t mined_before;  /* W_MINE: the node's blocks at the request */
	simtime_t until;        /* W_RESOLVE: answer from this simulated time */
	gint64 deadline;        /* wall clock, W_MINE */
	char *line;             /* for the lecture log */
};

struct serve;

struct node_srv {
	struct serve *s;
	uint32_t id;
	SoupServer *server;
};

struct serve {
	struct scenario sc;
	world_t *w;
	GMainLoop *loop;
	double speed;
	unsigned port;
	uint32_t n;
	struct node_srv *nodes;
	GPtrArray *queued;      /* struct pending + struct event_cfg, for the next tick */
	GArray *queued_events;  /* struct event_cfg, parallel to the queued events */
	GPtrArray *waiting;     /* struct pending */
	GPtrArray *sse;         /* SoupServerMessage (referenced) */
	gint64 wall0, last_sse;
	guint first_live;
	int signal;
	bool ended;
	bool stop_queued;       /* a stop action for the signal is scheduled */
	bool no_stop;           /* --until-stopped */
	uint64_t *mined;        /* per node: blocks it mined */
	const struct block **last_mined;
	bool lecture;
	uint64_t accepted, refused;
};

/* ---- answering ---- */

static void log_request(struct serve *s, SoupServerMessage *msg, guint status)
{
	if (!s->lecture)
		return;
	char when[64];
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(when, sizeof when, "%d/%b/%Y %H:%M:%S", &tm);
	printf("127.0.0.1 - - [%s] \"%s %s HTTP/1.1\" %u -\n", when,
	       soup_server_message_get_method(msg),
	       g_uri_get_path(soup_server_message_get_uri(msg)), status);
	fflush(stdout);
}

/* Answer MSG with STATUS and the JSON TEXT (taken). */
static void reply(struct serve *s, SoupServerMessage *msg, guint status, char *text)
{
	soup_server_message_set_status(msg, status, NULL);
	soup_message_headers_replace(soup_server_message_get_response_headers(msg),
				     "Access-Control-Allow-Origin", "*");
	soup_server_message_set_response(msg, "application/json", SOUP_MEMORY_TAKE, text,
					 strlen(text));
	log_request(s, msg, status);
}

static void reply_msg(struct serve *s, SoupServerMessage *msg, guint status, const char *message,
		      const char *reason)
{
	reply(s, msg, status, api_message(message, reason));
}

static void on_finished(SoupServerMessage *msg, gpointer data)
{
	(void)msg;
	*(bool *)data = true;
}

static struct pending *pending_new(struct serve *s, SoupServerMessage *msg, enum wait_kind kind,
				   uint32_t node)
{
	(void)s;
	struct pending *p = g_new0(struct pending, 1);
	p->msg = g_object_ref(msg);
	p->kind = kind;
	p->node = node;
	p->events = g_array_new(FALSE, FALSE, sizeof(guint));
	g_signal_connect(msg, "finished", G_CALLBACK(on_finished), &p->gone);
	soup_server_message_pause(msg);
	return p;
}

static void pending_free(struct pending *p)
{
	g_signal_handlers_disconnect_by_data(p->msg, &p->gone);
	g_object_unref(p->msg);
	g_array_free(p->events, TRUE);
	g_free(p);
}

/* Send P's answer (STATUS, TEXT taken) unless its client has gone. */
static void pending_answer(struct serve *s, struct pending *p, guint status, char *text)
{
	if (p->gone) {
		g_free(text);
		return;
	}
	reply(s, p->msg, status, text);
	soup_server_message_unpause(p->msg);
}

/* ---- the requests that change the world ---- */

/* Queue event E (taken) for the next tick, answered through P. */
static void queue_event(struct serve *s, struct pending *p, struct event_cfg *e)
{
	g_array_append_val(s->queued_events, *e);
	guint idx = s->queued_events->len - 1; /* position among the queued, for now */
	g_array_append_val(p->events, idx);
	memset(e, 0, sizeof *e);
}

/* A request answered once its one action E (for node ID) has been applied:
 * queue E and wait on it. */
static void queue_request(struct serve *s, SoupServerMessage *msg, uint32_t id, struct event_cfg *e)
{
	struct pending *p = pending_new(s, msg, W_EVENTS, id);
	p->action = e->action;
	queue_event(s, p, e);
	g_ptr_array_add(s->queued, p);
}

static struct event_cfg live_event(const world_t *w, enum tl_action a, uint32_t node)
{
	struct event_cfg e = { .action = a };
	char name[64];
	if (node != API_NO_NODE) {
		world_node_name(w, node, name, sizeof name);
		e.target = g_strdup(name);
	}
	return e;
}

static bool queue_full(struct serve *s, SoupServerMessage *msg)
{
	if (s->queued->len < MAX_QUEUED && !s->ended)
		return false;
	reply_msg(s, msg, 503, "the server is busy or the run has ended", s->ended ? "ended" : "busy");
	return true;
}

static const char *reason_text(const char *r)
{
	if (!r)
		return "refused";
	if (strcmp(r, "insufficient-balance") == 0 || strcmp(r, "overspend") == 0)
		return "insufficient balance: the sender cannot pay this amount";
	return r;
}

/* The answer of a request whose events have all been applied. */
static void answer_events(struct serve *s, struct pending *p)
{
	const world_t *w = s->w;
	guint idx = g_array_index(p->events, guint, 0);
	const struct world_live_result *r = world_live_result(w, idx);
	switch (p->action) {
	case TL_TRANSFER:
		if (r->ok) {
			s->accepted++;
			char *m = g_strdup_printf("Transaction will be added to Block %u", r->height);
			char id[HASH_HEX_SIZE];
			tx_id_hex(r->tx, id);
			char *t = g_strdup_printf("{\"message\":\"%s\",\"TXID\":\"%s\"}", m, id);
			g_free(m);
			pending_answer(s, p, 201, t);
		} else {
			s->refused++;
			pending_answer(s, p, 400, api_message(reason_text(r->reason), r->reason));
		}
		break;
	case TL_SUBMIT:
		if (r->ok)
			pending_answer(s, p, 200, api_mined(w, r->block));
		else
			pending_answer(s, p, 400, api_message("Proof is invalid or already submitted.",
							      r->reason));
		break;
	case TL_LINK:
		pending_answer(s, p, 201, api_nodes(w, p->node, s->port, "New nodes have been added"));
		break;
	case TL_DIFFICULTY: {
		const struct event_cfg *e = &g_array_index(s->sc.events, struct event_cfg, idx);
		char *m = g_strdup_printf("Num_zeros is changed to %g from the next block",
					  e->millizeros / 1000.0);
		pending_answer(s, p, 201, api_message(m, NULL));
		g_free(m);
		break;
	}
	default:
		CHECK_NOT_REACHED();
	}
}

/* Whether P can be answered now; if so, answer it. */
static bool try_answer(struct serve *s, struct pending *p)
{
	if (p->gone)
		return true;
	if (s->ended) {
		pending_answer(s, p, 503, api_message("the run has ended", "ended"));
		return true;
	}
	for (guint i = 0; i < p->events->len; i++)
		if (!world_live_result(s->w, g_array_index(p->events, guint, i))->applied &&
		    p->action != TL_DIFFICULTY)
			return false;
	if (p->action == TL_DIFFICULTY && world_now(s->w) <
	    g_array_index(s->sc.events, struct event_cfg, g_array_index(p->events, guint, 0)).at)
		return false;
	switch (p->kind) {
	case W_EVENTS:
		answer_events(s, p);
		return true;
	case W_MINE:
		if (p->events->len &&
		    !world_live_result(s->w, g_array_index(p->events, guint, 0))->ok) {
			pending_answer(s, p, 400, api_message("this node cannot mine now", "offline"));
			return true;
		}
		if (s->mined[p->node] > p->mined_before) {
			pending_answer(s, p, 200, api_mined(s->w, s->last_mined[p->node]));
			return true;
		}
		if (g_get_monotonic_time() > p->deadline) {
			pending_answer(s, p, 504, api_message("no block mined yet; ask again", "timeout"));
			return true;
		}
		return false;
	case W_RESOLVE: {
		const struct world_live_result *r =
			world_live_result(s->w, g_array_index(p->events, guint, 0));
		if (p->until == 0)
			p->until = world_now(s->w) + RESOLVE_WAIT;
		if (world_now(s->w) < p->until)
			return false;
		const struct block *tip = world_node(s->w, p->node)->view.tip;
		pending_answer(s, p, 200, api_resolved(s->w, p->node, tip != r->block));
		return true;
	}
	}
	return true;
}

static void answer_ready(struct serve *s)
{
	guint k = 0;
	for (guint i = 0; i < s->waiting->len; i++) {
		struct pending *p = g_ptr_array_index(s->waiting, i);
		if (try_answer(s, p))
			pending_free(p);
		else
			s->waiting->pdata[k++] = p;
	}
	g_ptr_array_set_size(s->waiting, k);
}

/* ---- the timer: the world follows the wall clock ---- */

static simtime_t wall_target(const struct serve *s)
{
	double us = (double)(g_get_monotonic_time() - s->wall0);
	return (simtime_t)(us * 1000.0 * s->speed);
}

/* Give every queued event the slot T, append it to the scenario and
 * schedule it; its request waits for it from now on. */
static void schedule_queued(struct serve *s, simtime_t t)
{
	guint base = s->sc.events->len;
	for (guint i = 0; i < s->queued_events->len; i++) {
		struct event_cfg *e = &g_array_index(s->queued_events, struct event_cfg, i);
		e->at = t;
		config_event_resolve(&s->sc, e); /* its names, as the reader resolves them */
		g_array_append_val(s->sc.events, *e); /* the scenario owns its strings now */
		world_schedule_event(s->w, base + i);
	}
	g_array_set_size(s->queued_events, 0);
	for (guint i = 0; i < s->queued->len; i++) {
		struct pending *p = g_ptr_array_index(s->queued, i);
		for (guint k = 0; k < p->events->len; k++)
			g_array_index(p->events, guint, k) += base;
		g_ptr_array_add(s->waiting, p);
	}
	g_ptr_array_set_size(s->queued, 0);
}

static void push_sse(struct serve *s, bool close)
{
	if (s->sse->len == 0)
		return;
	char *state = api_state(s->w, s->port, s->speed);
	char *chunk = g_strdup_printf("data: %s\n\n", state);
	g_free(state);
	gint64 now = g_get_monotonic_time();
	guint k = 0;
	for (guint i = 0; i < s->sse->len; i++) {
		SoupServerMessage *m = g_ptr_array_index(s->sse, i);
		bool *gone = g_object_get_data(G_OBJECT(m), "gone");
		gint64 since = GPOINTER_TO_SIZE(g_object_get_data(G_OBJECT(m), "since"));
		gsize left = GPOINTER_TO_SIZE(g_object_get_data(G_OBJECT(m), "left"));
		if (*gone) {
			g_object_unref(m);
			continue;
		}
		SoupMessageBody *b = soup_server_message_get_response_body(m);
		soup_message_body_append(b, SOUP_MEMORY_COPY, chunk, strlen(chunk));
		if (left > 0)
			g_object_set_data(G_OBJECT(m), "left", GSIZE_TO_POINTER(left - 1));
		if (close || now - since > SSE_STREAM_US || left == 1) {
			soup_message_body_complete(b);
			soup_server_message_unpause(m);
			g_object_unref(m);
			continue;
		}
		soup_server_message_unpause(m);
		s->sse->pdata[k++] = m;
	}
	g_ptr_array_set_size(s->sse, k);
	g_free(chunk);
}

/* Signals. The first SIGINT or SIGTERM ends the run at the next tick as a
 * recorded stop action, so the outputs are the replay's. The world's
 * hashing runs on the loop's thread and can hold it (a fast-mode block's
 * nonce search, up to the budget's 2^36 hashes): if the run has not ended
 * SERVE_GRACE_S after the signal, or at a second signal, the hashing is
 * cut (world_set_interrupt) and the run ends interrupted there. Only
 * async-signal-safe work in the handlers. */
#define SERVE_GRACE_S 3
static volatile sig_atomic_t serve_signal; /* the first signal (0: none) */
static volatile sig_atomic_t serve_cut;    /* the world's interrupt flag */

static void on_signal(int sig)
{
	if (serve_signal) {
		serve_cut = 1;
		return;
	}
	serve_signal = sig;
	alarm(SERVE_GRACE_S);
}

static void on_alarm(int sig)
{
	(void)sig;
	serve_cut = 1;
}

static void catch_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
}

static gboolean tick(gpointer data)
{
	struct serve *s = data;
	if (s->ended)
		return G_SOURCE_REMOVE;
	simtime_t target = wall_target(s);
	if (!s->signal)
		s->signal = serve_signal;
	if (s->queued->len > 0 || s->signal) {
		simtime_t slot = world_live_slot(s->w, target);
		if (world_advance(s->w, slot - 1)) {
			if (s->signal && !s->stop_queued) {
				struct event_cfg e = { .action = TL_STOP };
				g_array_append_val(s->queued_events, e);
				s->stop_queued = true;
			}
			schedule_queued(s, slot);
		}
		if (slot > target)
			target = slot;
	}
	bool running = world_advance(s->w, target);
	answer_ready(s);
	if (!running) {
		s->ended = true;
		for (guint i = 0; i < s->queued->len; i++) {
			struct pending *p = g_ptr_array_index(s->queued, i);
			try_answer(s, p);
			pending_free(p);
		}
		g_ptr_array_set_size(s->queued, 0);
		answer_ready(s);
		push_sse(s, true);
		g_main_loop_quit(s->loop);
		return G_SOURCE_REMOVE;
	}
	if (g_get_monotonic_time() - s->last_sse >= SSE_PERIOD_US) {
		s->last_sse = g_get_monotonic_time();
		push_sse(s, false);
	}
	return G_SOURCE_CONTINUE;
}

/* ---- the routes ---- */

static void route_events(struct serve *s, SoupServerMessage *msg, GHashTable *query)
{
	const char *max = query ? g_hash_table_lookup(query, "max") : NULL;
	guint64 left = 0;
	if (max && (!g_ascii_string_to_unsigned(max, 10, 1, 1000000, &left, NULL))) {
		reply_msg(s, msg, 400, "max: expected a count of messages from 1 to 1000000", "bad-request");
		return;
	}
	if (s->sse->len >= SSE_MAX_CLIENTS) {
		reply_msg(s, msg, 503, "too many dashboards open", "busy");
		return;
	}
	SoupMessageHeaders *h = soup_server_message_get_response_headers(msg);
	soup_message_headers_set_encoding(h, SOUP_ENCODING_CHUNKED);
	soup_message_headers_set_content_type(h, "text/event-stream", NULL);
	soup_message_headers_replace(h, "Cache-Control", "no-cache");
	soup_server_message_set_status(msg, 200, NULL);
	bool *gone = g_new0(bool, 1);
	g_object_set_data_full(G_OBJECT(msg), "gone", gone, g_free);
	g_object_set_data(G_OBJECT(msg), "since", GSIZE_TO_POINTER((gsize)g_get_monotonic_time()));
	g_signal_connect(msg, "finished", G_CALLBACK(on_finished), gone);
	char *state = api_state(s->w, s->port, s->speed);
	char *chunk = g_strdup_printf("retry: 1000\ndata: %s\n\n", state);
	g_free(state);
	soup_message_body_append(soup_server_message_get_response_body(msg), SOUP_MEMORY_TAKE, chunk,
				 strlen(chunk));
	log_request(s, msg, 200);
	if (left == 1) { /* the state of now, and the end */
		soup_message_body_complete(soup_server_message_get_response_body(msg));
		return;
	}
	g_object_set_data(G_OBJECT(msg), "left", GSIZE_TO_POINTER((gsize)(left ? left - 1 : 0)));
	g_ptr_array_add(s->sse, g_object_ref(msg));
}

static void route_page(struct serve *s, SoupServerMessage *msg)
{
	char *state = api_state(s->w, s->port, s->speed);
	const char *mark = strstr(serve_dashboard_html, serve_state_mark);
	CHECK(mark);
	char *page = g_strdup_printf("%.*s%s%s", (int)(mark - serve_dashboard_html),
				     serve_dashboard_html, state, mark + strlen(serve_state_mark));
	g_free(state);
	soup_server_message_set_status(msg, 200, NULL);
	soup_server_message_set_response(msg, "text/html; charset=utf-8", SOUP_MEMORY_TAKE, page,
					 strlen(page));
	log_request(s, msg, 200);
}

/* Fills a live request's action E from BODY, or sets *WHY (g_free it). */
typedef bool (*action_parser)(struct serve *s, const char *body, size_t len, struct event_cfg *e,
			      char **why);

/* A request that becomes one action A of node ID (or API_NO_NODE): BODY
 * read into it by PARSE and the action queued; a bad body is a 400. */
static void route_action(struct serve *s, SoupServerMessage *msg, uint32_t id, enum tl_action a,
			 const char *body, size_t len, action_parser parse)
{
	struct event_cfg e = live_event(s->w, a, id);
	char *why = NULL;
	if (!parse(s, body, len, &e, &why)) {
		reply_msg(s, msg, 400, why, "bad-request");
		g_free(why);
		g_free(e.target);
		return;
	}
	queue_request(s, msg, id, &e);
}

static bool parse_transfer(struct serve *s, const char *body, size_t len, struct event_cfg *e,
			   char **why)
{
	if (api_parse_transaction(s->w, body, len, e, why))
		return true;
	s->refused++;
	return false;
}

static bool parse_submit(struct serve *s, const char *body, size_t len, struct event_cfg *e,
			 char **why)
{
	(void)s;
	return api_parse_submit(body, len, &e->nonce, why);
}

static bool parse_difficulty(struct serve *s, const char *body, size_t len, struct event_cfg *e,
			     char **why)
{
	bool hashed = world_scenario(s->w)->consensus.mode != MINING_MODEL;
	return api_parse_difficulty(body, len, hashed, &e->millizeros, why);
}

static void route_register(struct serve *s, SoupServerMessage *msg, uint32_t id,
			   const char *body, size_t len)
{
	GArray *ids = g_array_new(FALSE, FALSE, sizeof(guint32));
	char *why = NULL;
	if (!api_parse_nodes(s->w, body, len, s->port, ids, &why)) {
		reply_msg(s, msg, 400, why, "bad-request");
		g_free(why);
		g_array_free(ids, TRUE);
		return;
	}
	GArray *peers = g_array_new(FALSE, FALSE, sizeof(guint32));
	world_peers(s->w, id, peers);
	struct pending *p = NULL;
	for (guint i = 0; i < ids->len; i++) {
		uint32_t to = g_array_index(ids, guint32, i);
		bool linked = to == id;
		for (guint k = 0; k < peers->len && !linked; k++)
			linked = g_array_index(peers, guint32, k) == to;
		for (guint k = 0; k < i && !linked; k++)
			linked = g_array_index(ids, guint32, k) == to;
		if (linked)
			continue;
		if (!p) {
			p = pending_new(s, msg, W_EVENTS, id);
			p->action = TL_LINK;
		}
		struct event_cfg e = live_event(s->w, TL_LINK, id);
		char name[64];
		world_node_name(s->w, to, name, sizeof name);
		e.link_to = g_strdup(name);
		queue_event(s, p, &e);
	}
	g_array_free(peers, TRUE);
	g_array_free(ids, TRUE);
	if (!p) { /* nothing new: answer now */
		reply(s, msg, 201, api_nodes(s->w, id, s->port, "New nodes have been added"));
		return;
	}
	g_ptr_array_add(s->queued, p);
}

static void route_mine(struct serve *s, SoupServerMessage *msg, uint32_t id)
{
	struct pending *p = pending_new(s, msg, W_MINE, id);
	p->mined_before = s->mined[id];
	p->deadline = g_get_monotonic_time() + MINE_TIMEOUT_US;
	p->action = TL_MINE;
	const struct node *n = world_node(s->w, id);
	if (n->role == ROLE_MINER && n->hashrate > 0) { /* it mines anyway: wait for its block */
		g_ptr_array_add(s->waiting, p);
		return;
	}
	struct event_cfg e = live_event(s->w, TL_MINE, id);
	queue_event(s, p, &e);
	g_ptr_array_add(s->queued, p);
}

static void route_resolve(struct serve *s, SoupServerMessage *msg, uint32_t id)
{
	struct pending *p = pending_new(s, msg, W_RESOLVE, id);
	p->action = TL_RESOLVE;
	struct event_cfg e = live_event(s->w, TL_RESOLVE, id);
	queue_event(s, p, &e);
	g_ptr_array_add(s->queued, p);
}

static void route_balance(struct serve *s, SoupServerMessage *msg, uint32_t id, GHashTable *query)
{
	const char *a = query ? g_hash_table_lookup(query, "address") : NULL;
	uint32_t acc = a ? api_node(s->w, a, s->port) : id;
	if (a && acc == API_NO_NODE) {
		reply_msg(s, msg, 400, "unknown address: not a node of this network", "unknown-address");
		return;
	}
	reply(s, msg, 200, api_balance(s->w, id, acc));
}

static void route_template(struct serve *s, SoupServerMessage *msg, uint32_t id)
{
	char *t = api_template(s->w, id);
	if (!t) {
		char name[64];
		world_node_name(s->w, id, name, sizeof name);
		char *m = g_strdup_printf("%s has no block template: it does not mine now (GET /mine "
					  "makes it mine one block)", name);
		reply_msg(s, msg, 409, m, "no-template");
		g_free(m);
		return;
	}
	reply(s, msg, 200, t);
}

static void handle(SoupServer *server, SoupServerMessage *msg, const char *path,
		   GHashTable *query, gpointer data)
{
	(void)server;
	struct node_srv *ns = data;
	struct serve *s = ns->s;
	uint32_t id = ns->id;
	const char *method = soup_server_message_get_method(msg);
	bool get = strcmp(method, "GET") == 0, post = strcmp(method, "POST") == 0;
	GByteArray *buf = g_object_get_data(G_OBJECT(msg), "body");
	const char *body = buf ? (const char *)buf->data : NULL;
	size_t len = buf ? buf->len : 0;
	static const struct { const char *path; bool post; } routes[] = {
		{ "/", false }, { "/events", false }, { "/state", false }, { "/chain", false },
		{ "/nodes", false }, { "/nodes/register", true }, { "/nodes/resolve", false },
		{ "/transactions", false }, { "/transactions/new", true }, { "/balance", false },
		{ "/mine", false }, { "/mining/template", false }, { "/mining/submit", true },
		{ "/difficulty", true },
	};
	int r = -1;
	for (unsigned i = 0; i < G_N_ELEMENTS(routes); i++)
		if (strcmp(path, routes[i].path) == 0)
			r = (int)i;
	if (r < 0) {
		char *m = g_strdup_printf("no such route: %s %.100s", method, path);
		reply_msg(s, msg, 404, m, "not-found");
		g_free(m);
		return;
	}
	if (!(routes[r].post ? post : get)) {
		char *m = g_strdup_printf("%s takes %s, not %.10s", path, routes[r].post ? "POST" : "GET",
					  method);
		reply_msg(s, msg, 405, m, "method-not-allowed");
		g_free(m);
		return;
	}
	if (len > API_MAX_BODY) {
		reply_msg(s, msg, 413, "the body is too large", "too-large");
		return;
	}
	bool changes = routes[r].post || strcmp(path, "/mine") == 0 ||
		       strcmp(path, "/nodes/resolve") == 0;
	if (changes && queue_full(s, msg))
		return;
	switch (r) {
	case 0: route_page(s, msg); break;
	case 1: route_events(s, msg, query); break;
	case 2: reply(s, msg, 200, api_state(s->w, s->port, s->speed)); break;
	case 3: reply(s, msg, 200, api_chain(s->w, id)); break;
	case 4: reply(s, msg, 200, api_nodes(s->w, id, s->port, NULL)); break;
	case 5: route_register(s, msg, id, body, len); break;
	case 6: route_resolve(s, msg, id); break;
	case 7: reply(s, msg, 200, api_mempool(s->w, id)); break;
	case 8:
		route_action(s, msg, id, TL_TRANSFER, body, len, parse_transfer);
		break;
	case 9: route_balance(s, msg, id, query); break;
	case 10: route_mine(s, msg, id); break;
	case 11: route_template(s, msg, id); break;
	case 12:
		route_action(s, msg, id, TL_SUBMIT, body, len, parse_submit);
		break;
	case 13:
		route_action(s, msg, API_NO_NODE, TL_DIFFICULTY, body, len, parse_difficulty);
		break;
	}
}

/* The request body, kept by got_chunk: at most API_MAX_BODY + 1 bytes,
 * so a body without a length (chunked) cannot grow the server either. */
static void got_chunk(SoupServerMessage *msg, GBytes *chunk, gpointer data)
{
	(void)msg;
	GByteArray *buf = data;
	gsize n;
	const guint8 *p = g_bytes_get_data(chunk, &n);
	if (buf->len <= API_MAX_BODY)
		g_byte_array_append(buf, p, (guint)MIN(n, (gsize)API_MAX_BODY + 1 - buf->len));
}

/* Refuse a body announced larger than the API reads, before reading it;
 * else keep at most that much of it (got_chunk). */
static void early(SoupServer *server, SoupServerMessage *msg, const char *path,
		  GHashTable *query, gpointer data)
{
	(void)server;
	(void)path;
	(void)query;
	struct node_srv *ns = data;
	goffset n = soup_message_headers_get_content_length(
		soup_server_message_get_request_headers(msg));
	if (n > (goffset)API_MAX_BODY) {
		soup_message_headers_replace(soup_server_message_get_response_headers(msg),
					     "Connection", "close");
		reply_msg(ns->s, msg, 413, "the body is too large", "too-large");
		return;
	}
	soup_message_body_set_accumulate(soup_server_message_get_request_body(msg), FALSE);
	GByteArray *buf = g_byte_array_new();
	g_object_set_data_full(G_OBJECT(msg), "body", buf, (GDestroyNotify)g_byte_array_unref);
	g_signal_connect(msg, "got-chunk", G_CALLBACK(got_chunk), buf);
}

/* ---- the command ---- */

static void mined(void *ctx, const world_t *w, const struct block *b)
{
	struct serve *s = ctx;
	s->mined[b->h.miner]++;
	s->last_mined[b->h.miner] = b;
	if (s->lecture)
		cmd_lecture_mined(NULL, w, b);
}

struct serve_opts {
	double speed;
	int port;
	char *record;
	char *out;
	char *log;
	char *seed;
	gboolean until_stopped;
	gboolean quiet;
};

static bool parse_args(int *argc, char ***argv, struct serve_opts *o, GError **err)
{
	GOptionEntry entries[] = {
		{ "speed", 0, 0, G_OPTION_ARG_DOUBLE, &o->speed, "Simulated seconds per wall second (default 1)", "X" },
		{ "port", 'p', 0, G_OPTION_ARG_INT, &o->port, "Port of the first node; node k on P+k-1 (default 5000)", "P" },
		{ "record", 'r', 0, G_OPTION_ARG_FILENAME, &o->record, "Write the run as a scenario that replays it", "FILE" },
		{ "out", 'o', 0, G_OPTION_ARG_FILENAME, &o->out, "Output directory (default out/NAME, or out/NAME-seed-N with --seed)", "DIR" },
		{ "seed", 0, 0, G_OPTION_ARG_STRING, &o->seed, "Master seed (overrides the scenario's)", "N" },
		{ "log", 0, 0, G_OPTION_ARG_STRING, &o->log, "Console feed: \"lecture\" prints blocks and requests", "STYLE" },
		{ "until-stopped", 0, 0, G_OPTION_ARG_NONE, &o->until_stopped, "Ignore the scenario's stop: run until SIGINT or SIGTERM", NULL },
		{ "quiet", 'q', 0, G_OPTION_ARG_NONE, &o->quiet, "No start and end lines", NULL },
		{ NULL },
	};
	if (!cmd_parse_one(argc, argv, entries, "SCENARIO - run a scenario live, every node on HTTP",
		"Runs the scenario paced to the wall clock. Node k answers the source\n"
		"documents' API on 127.0.0.1:P+k-1: GET /chain, /nodes, /nodes/resolve,\n"
		"/transactions, /balance, /mine, /mining/template, /state, /events and the\n"
		"dashboard at /; POST /transactions/new, /nodes/register, /mining/submit,\n"
		"/difficulty. Ends at the scenario's stop, or on SIGINT/SIGTERM (exit 130/143),\n"
		"and writes the usual output directory.", "scenario file", err))
		return false;
	if (!(o->speed > 0 && o->speed <= 1e6)) {
		g_set_error(err, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
			    "--speed: expected a factor above 0 and at most 1e6, found %g", o->speed);
		return false;
	}
	if (o->port < 1 || o->port > 65535) {
		g_set_error(err, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
			    "--port: expected a port from 1 to 65535, found %d", o->port);
		return false;
	}
	if (o->log && strcmp(o->log, "lecture") != 0) {
		g_set_error(err, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
			    "--log: expected \"lecture\", found \"%s\"", o->log);
		return false;
	}
	return true;
}

/* Listen on 127.0.0.1:PORT with a backlog that holds a class's burst of
 * connections (GLib's default of 10 refuses some). */
static bool listen_node(SoupServer *server, unsigned port, GError **err)
{
	GSocket *sock = g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
				     G_SOCKET_PROTOCOL_TCP, err);
	if (!sock)
		return false;
	GInetAddress *lo = g_inet_address_new_loopback(G_SOCKET_FAMILY_IPV4);
	GSocketAddress *addr = g_inet_socket_address_new(lo, (guint16)port);
	g_socket_set_listen_backlog(sock, 1024);
	bool ok = g_socket_bind(sock, addr, TRUE, err) && g_socket_listen(sock, err) &&
		  soup_server_listen_socket(server, sock, 0, err);
	g_object_unref(addr);
	g_object_unref(lo);
	g_object_unref(sock);
	return ok;
}

static bool listen_all(struct serve *s, GError **err)
{
	if ((uint64_t)s->port + s->n - 1 > 65535) {
		g_set_error(err, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
			    "--port %u: %u nodes need ports up to %u, above 65535", s->port, s->n,
			    s->port + s->n - 1);
		return false;
	}
	s->nodes = g_new0(struct node_srv, s->n);
	for (uint32_t i = 0; i < s->n; i++) {
		struct node_srv *ns = &s->nodes[i];
		ns->s = s;
		ns->id = i;
		ns->server = soup_server_new("server-header", "powsim", NULL);
		soup_server_add_early_handler(ns->server, NULL, early, ns, NULL);
		soup_server_add_handler(ns->server, NULL, handle, ns, NULL);
		GError *e = NULL;
		if (!listen_node(ns->server, s->port + i, &e)) {
			char name[64];
			world_node_name(s->w, i, name, sizeof name);
			g_set_error(err, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: cannot listen on 127.0.0.1:%u: %s",
				    name, s->port + i, e->message);
			g_error_free(e);
			return false;
		}
	}
	return true;
}

/* The recording's digest as `powsim run` computes it when it replays the
 * recording: the summary carries it, so the live run's equals the
 * replay's. Loading the text also proves it replayable. */
static bool take_digest(struct serve *s, const char *text, GError **err)
{
	struct scenario rec;
	if (!scenario_load_string(text, s->sc.file, NULL, &rec, err))
		return false;
	g_free(s->sc.digest);
	s->sc.digest = rec.digest;
	rec.digest = NULL;
	config_clear(&rec);
	return true;
}

/* The end: the recording's text, the usual output directory, the
 * recording. */
static int write_outputs(struct serve *s, outdir_t *od, const char *record)
{
	GError *err = NULL;
	int rc = EXIT_OK;
	simtime_t end = s->no_stop ? world_stop_time(s->w) : 0;
	char *text = record_text(&s->sc, s->first_live, end, &err);
	if (!text || !take_digest(s, text, &err)) {
		fprintf(stderr, "powsim serve: the recording: %s\n", err->message);
		g_clear_error(&err);
		rc = EXIT_INTERNAL;
	}
	struct report *rep = report_new(s->w);
	if (!trace_write(rep, outdir_staging(od), &err) || !outdir_commit(od, &err)) {
		fprintf(stderr, "powsim serve: %s\n(nothing was replaced: %s holds the earlier outputs, if any)\n",
			err->message, outdir_target(od));
		g_clear_error(&err);
		rc = EXIT_INTERNAL;
	}
	report_free(rep);
	if (record && text && !record_write(text, record, &err)) {
		fprintf(stderr, "powsim serve: %s\n", err->message);
		g_clear_error(&err);
		rc = EXIT_INTERNAL;
	}
	g_free(text);
	return rc;
}

static void serve_clear(struct serve *s)
{
	for (uint32_t i = 0; s->nodes && i < s->n; i++)
		if (s->nodes[i].server) {
			soup_server_disconnect(s->nodes[i].server);
			g_object_unref(s->nodes[i].server);
		}
	g_free(s->nodes);
	for (guint i = 0; s->waiting && i < s->waiting->len; i++)
		pending_free(g_ptr_array_index(s->waiting, i));
	for (guint i = 0; s->queued && i < s->queued->len; i++)
		pending_free(g_ptr_array_index(s->queued, i));
	for (guint i = 0; s->sse && i < s->sse->len; i++)
		g_object_unref(g_ptr_array_index(s->sse, i));
	if (s->waiting)
		g_ptr_array_free(s->waiting, TRUE);
	if (s->queued)
		g_ptr_array_free(s->queued, TRUE);
	if (s->sse)
		g_ptr_array_free(s->sse, TRUE);
	for (guint i = 0; s->queued_events && i < s->queued_events->len; i++) {
		struct event_cfg *e = &g_array_index(s->queued_events, struct event_cfg, i);
		g_free(e->target);
		g_free(e->from);
		g_free(e->link_to);
	}
	if (s->queued_events)
		g_array_free(s->queued_events, TRUE);
	world_free(s->w);
	g_free(s->mined);
	g_free(s->last_mined);
	if (s->loop)
		g_main_loop_unref(s->loop);
	config_clear(&s->sc);
}

static int serve_run(struct serve *s, const struct serve_opts *o, outdir_t *od)
{
	GError *err = NULL;
	s->w = world_new(&s->sc, &err);
	if (!s->w) {
		fprintf(stderr, "powsim serve: %s\n", err->message);
		g_error_free(err);
		return EXIT_INPUT;
	}
	s->n = world_node_count(s->w);
	s->mined = g_new0(uint64_t, s->n);
	s->last_mined = g_new0(const struct block *, s->n);
	world_on_mined(s->w, mined, s);
	if (!listen_all(s, &err)) {
		fprintf(stderr, "powsim serve: %s\n", err->message);
		g_error_free(err);
		return EXIT_INPUT;
	}
	s->queued = g_ptr_array_new();
	s->queued_events = g_array_new(FALSE, TRUE, sizeof(struct event_cfg));
	s->waiting = g_ptr_array_new();
	s->sse = g_ptr_array_new();
	s->loop = g_main_loop_new(NULL, FALSE);
	if (!o->quiet) {
		printf("powsim serve: %s, seed %" G_GUINT64_FORMAT ", %u nodes at %gx\n", s->sc.name,
		       s->sc.seed, s->n, s->speed);
		for (uint32_t i = 0; i < s->n; i++) {
			char name[64];
			world_node_name(s->w, i, name, sizeof name);
			printf("  %-10s http://127.0.0.1:%u/\n", name, s->port + i);
		}
		fflush(stdout);
	}
	world_set_interrupt(s->w, &serve_cut);
	catch_signals();
	s->wall0 = g_get_monotonic_time();
	g_timeout_add(TICK_MS, tick, s);
	g_main_loop_run(s->loop);
	alarm(0);
	world_set_interrupt(s->w, NULL);
	if (!s->signal)
		s->signal = serve_signal;
	if (world_counts(s->w)->interrupted)
		fprintf(stderr, "powsim serve: signal: the hashing was cut short; the outputs are marked "
			"\"interrupted\" and the recording replays past this point\n");
	/* Send the last answers (503 to those the end overtook). Bounded. */
	for (int i = 0; i < 200 && g_main_context_iteration(NULL, FALSE); i++)
		;
	world_finish(s->w);
	int rc = write_outputs(s, od, o->record);
	if (!o->quiet)
		printf("powsim serve: %s at %.3f s simulated, %" G_GUINT64_FORMAT " blocks mined; "
		       "outputs in %s/\n", world_counts(s->w)->interrupted ? "interrupted"
		       : s->signal ? "stopped" : "finished",
		       world_stop_time(s->w) / 1e9, world_counts(s->w)->blocks_mined, outdir_target(od));
	if (rc == EXIT_OK && s->signal)
		rc = 128 + s->signal;
	return rc;
}

int cmd_serve(int argc, char **argv)
{
	struct serve_opts o = { .speed = 1, .port = 5000 };
	GError *err = NULL;
	if (!parse_args(&argc, &argv, &o, &err)) {
		fprintf(stderr, "powsim serve: %s\n(see powsim serve --help)\n", err->message);
		g_error_free(err);
		return EXIT_INPUT;
	}
	struct serve s = { .speed = o.speed, .port = (unsigned)o.port, .lecture = o.log != NULL };
	char *ov[2] = { o.seed ? g_strdup_printf("seed=%s", o.seed) : NULL, NULL };
	bool ok = scenario_load(argv[1], ov, &s.sc, &err) && budget_admit(&s.sc, &err);
	g_free(ov[0]);
	int rc;
	if (!ok) {
		fprintf(stderr, "powsim serve: %s\n", err->message);
		g_error_free(err);
		rc = EXIT_INPUT;
	} else {
		if (o.until_stopped)
			memset(&s.sc.stop, 0, sizeof s.sc.stop);
		s.no_stop = o.until_stopped;
		s.first_live = s.sc.events->len;
		char *dir = cmd_output_dir(&s.sc, o.out, o.seed != NULL);
		outdir_lock_t *lock = NULL;
		outdir_t *od = cmd_claim_outdir("serve", dir, &lock);
		rc = od ? serve_run(&s, &o, od) : EXIT_INPUT;
		outdir_free(od);
		outdir_unlock(lock);
		g_free(dir);
	}
	serve_clear(&s);
	g_free(o.record);
	g_free(o.out);
	g_free(o.log);
	g_free(o.seed);
	return rc;
}
