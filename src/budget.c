/* budget: the cost of a scenario before it runs. See budget.h. */
#include "powsim/budget.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "powsim/net.h"

G_DEFINE_QUARK(powsim-budget-error-quark, budget_error)

static double work(double zeros)
{
	return pow(16.0, zeros);
}

static double undirected_pairs(double n)
{
	return n * (n - 1) / 2;
}

/* Miners among IDS (an action's resolved target; NULL: every miner). */
static double miners_named(const struct scenario *s, const GArray *ids)
{
	double count = 0;

	if (ids == NULL) {
		for (guint i = 0; i < s->groups->len; i++) {
			const struct group_cfg *g = &g_array_index(s->groups, struct group_cfg, i);
			count += g->role == ROLE_MINER ? g->count : 0;
		}
		return count;
	}
	for (guint i = 0; i < ids->len; i++) {
		uint32_t grp = config_node_group(s, g_array_index(ids, guint32, i));
		count += g_array_index(s->groups, struct group_cfg, grp).role == ROLE_MINER;
	}
	return count;
}

/* The highest total hash rate: the groups', or that plus the largest
 * change a timeline action makes (an upper bound, not a simulation). */
static double hashrate(const struct scenario *s)
{
	double total = 0, extra = 0;

	for (guint i = 0; i < s->groups->len; i++) {
		const struct group_cfg *g = &g_array_index(s->groups, struct group_cfg, i);
		if (g->role == ROLE_MINER)
			total += g->shares ? g->hashrate : g->hashrate * g->count;
	}
	for (guint i = 0; i < s->events->len; i++) {
		const struct event_cfg *e = &g_array_index(s->events, struct event_cfg, i);
		if (e->action == TL_HASHRATE)
			extra = MAX(extra, e->hashrate * miners_named(s, e->target_ids));
	}
	return total + extra;
}

/* The lowest and highest difficulty (zeros) the run can reach at hash
 * rate HPS. */
static void difficulty_range(const struct scenario *s, double hps, double *lo, double *hi)
{
	*lo = *hi = s->consensus.millizeros / 1000.0;
	for (guint i = 0; i < s->events->len; i++) {
		const struct event_cfg *e = &g_array_index(s->events, struct event_cfg, i);
		if (e->action == TL_DIFFICULTY) {
			*lo = MIN(*lo, e->millizeros / 1000.0);
			*hi = MAX(*hi, e->millizeros / 1000.0);
		}
	}
	if (s->consensus.retarget_every > 0 && hps > 0 && s->consensus.retarget_interval > 0) {
		/* Retargeting heads for one block per interval at the highest rate. */
		double z = log(hps * simtime_to_s(s->consensus.retarget_interval)) / log(16.0);
		z = CLAMP(z, 0.0, 60.0);
		*lo = MIN(*lo, z);
		*hi = MAX(*hi, z);
	}
}

static double links(const struct scenario *s, double n)
{
	const struct network_cfg *c = &s->network;

	switch (c->topology) {
	case TOPO_FULL:
		return undirected_pairs(n);
	case TOPO_RANDOM: {
		double d = c->degree;
		if (c->degree_cdf != NULL)
			d = c->degree_cdf->len;
		/* each node opens d, then components are joined (< n more) */
		return MIN(n * MIN(d, n - 1) + n, undirected_pairs(n));
	}
	case TOPO_EDGES: /* an edge joins two nodes (the reader checks) */
		return MIN((double)(c->edges->len / 2), undirected_pairs(n));
	}
	return undirected_pairs(n);
}

/* Bytes of one undirected link: its two directions, and with push the
 * block in flight in each direction at once (budget.h). */
static double link_bytes(const struct scenario *s)
{
	return BUDGET_BYTES_PER_LINK + (s->network.relay == RELAY_PUSH ? BUDGET_BYTES_PER_LINK_PUSH : 0);
}

/* Transactions created over HORIZON_S seconds. */
static double transactions(const struct scenario *s, double horizon_s)
{
	double txs = 0;

	for (guint i = 0; i < s->groups->len; i++) {
		const struct group_cfg *g = &g_array_index(s->groups, struct group_cfg, i);
		double mean;
		if (g->role != ROLE_TRADER)
			continue;
		mean = simtime_to_s(g->trade.law == INTERVAL_UNIFORM ? (g->trade.interval + g->trade.interval_max) / 2
								   : g->trade.interval);
		if (mean > 0)
			txs += g->count * horizon_s / mean;
	}
	for (guint i = 0; i < s->events->len; i++) {
		const struct event_cfg *e = &g_array_index(s->events, struct event_cfg, i);
		if (e->action == TL_BURST || e->action == TL_INVALID_TXS)
			txs += e->count;
	}
	return txs;
}

/* The slowest rate a block crosses a link at, bit/s (0: unlimited). */
static double slowest_rate(const struct network_cfg *c)
{
	double r = c->bandwidth;

	for (uint32_t i = 0; i < c->n_regions; i++) {
		double x = MIN(c->region_up[i], c->region_down[i]);
		if (x > 0)
			r = r > 0 ? MIN(r, x) : x;
	}
	if (c->n_regions > 1 && c->inter_bandwidth > 0)
		r = r > 0 ? MIN(r, c->inter_bandwidth) : c->inter_bandwidth;
	return r;
}

void budget_estimate(const struct scenario *s, struct budget *b)
{
	const struct network_cfg *c = &s->network;
	double zlo, zhi, per_block, n_tx, bytes;

	memset(b, 0, sizeof *b);
	b->nodes = config_node_count(s);
	b->links = links(s, b->nodes);
	b->hashrate = hashrate(s);
	difficulty_range(s, b->hashrate, &zlo, &zhi);

	/* Blocks: the first stop reached, at the fastest block rate. */
	double rate = b->hashrate / work(zlo); /* blocks per second */
	b->blocks = INFINITY;
	if (s->stop.blocks)
		b->blocks = s->stop.blocks;
	if (s->stop.height)
		b->blocks = MIN(b->blocks, (double)s->stop.height);
	if (s->stop.time)
		b->blocks = MIN(b->blocks, simtime_to_s(s->stop.time) * rate);
	if (rate <= 0 || !isfinite(b->blocks))
		b->blocks = 0;

	/* Time: the stop time, or the blocks at the slowest block rate. */
	if (s->stop.time)
		b->horizon_s = simtime_to_s(s->stop.time);
	else if (b->hashrate > 0)
		b->horizon_s = b->blocks * work(zhi) / b->hashrate;
	for (guint i = 0; i < s->events->len; i++) {
		const struct event_cfg *e = &g_array_index(s->events, struct event_cfg, i);
		if (!e->by_height && (!s->stop.time || e->at <= s->stop.time))
			b->horizon_s = MAX(b->horizon_s, simtime_to_s(e->at));
	}
	b->samples = s->sample > 0 ? b->horizon_s / simtime_to_s(s->sample) : 0;
	b->txs = transactions(s, b->horizon_s);

	/* A block: its transactions, bytes, validation and transmission. */
	n_tx = MIN((double)s->consensus.max_block_txs, b->txs);
	bytes = MAX((double)c->header_bytes + n_tx * (double)c->tx_bytes, (double)c->block_size);
	b->block_validate_s = simtime_to_s(c->validate_block) + n_tx * simtime_to_s(c->validate_tx) +
			      bytes / 1e6 * simtime_to_s(c->validate_mb);
	double slow = slowest_rate(c);
	b->block_tx_s = slow > 0 ? bytes * 8 / slow : 0;

	/* Events: a delivery per direction of every link (three messages a
	 * block with inv and pull-chain), a validation per node. */
	per_block = 2 * b->links * (c->relay == RELAY_PUSH ? 1 : 3) + b->nodes + 1;
	/* A sample visits every node: counted as that many events. */
	b->events = b->blocks * per_block + b->txs * 2 * b->links + b->samples * b->nodes + s->events->len;

	if (s->consensus.mode != MINING_MODEL) {
		/* A crafted block (inject-block) searches a nonce too. */
		double injected = 0;
		for (guint i = 0; i < s->events->len; i++)
			injected += g_array_index(s->events, struct event_cfg, i).action == TL_INJECT_BLOCK;
		b->block_hashes = work(zhi);
		b->hashes = (b->blocks + injected) * b->block_hashes;
	}
	b->bytes = b->nodes * BUDGET_BYTES_PER_NODE + b->links * link_bytes(s) +
		   b->blocks * BUDGET_BYTES_PER_BLOCK + b->samples * BUDGET_BYTES_PER_SAMPLE +
		   b->txs * BUDGET_BYTES_PER_TX +
		   b->nodes * MIN(b->txs, (double)s->mempool.capacity) * BUDGET_BYTES_PER_TX_NODE;
}

/* ---- messages ---- */

static const char *count(double x, char *buf, size_t len)
{
	if (x >= 1e9)
		g_snprintf(buf, len, "%.3g", x);
	else if (x >= 1e6)
		g_snprintf(buf, len, "%.1f M", x / 1e6);
	else
		g_snprintf(buf, len, "%.0f", x);
	return buf;
}

static char *size(double bytes)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	size_t u = 0;

	while (bytes >= 1024 && u + 1 < G_N_ELEMENTS(unit)) {
		bytes /= 1024;
		u++;
	}
	return g_strdup_printf("%.1f %s", bytes, unit[u]);
}

/* A duration in seconds as words ("3.2 days", "507 years"). */
static const char *span(double sec, char *buf, size_t len)
{
	if (sec >= 365.25 * 86400)
		g_snprintf(buf, len, "%.3g years", sec / (365.25 * 86400));
	else if (sec >= 86400)
		g_snprintf(buf, len, "%.3g days", sec / 86400);
	else if (sec >= 3600)
		g_snprintf(buf, len, "%.3g h", sec / 3600);
	else if (sec >= 1e-3)
		g_snprintf(buf, len, "%.3g s", sec);
	else
		g_snprintf(buf, len, "%.3g us", sec * 1e6);
	return buf;
}

static bool G_GNUC_PRINTF(4, 5) refuse(const struct scenario *s, GError **err, const char *field,
				       const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_set_error(err, BUDGET_ERROR, BUDGET_ERROR_TOO_BIG, "%s: %s: %s", s->file ? s->file : "(scenario)",
		    field, msg);
	g_free(msg);
	return false;
}

/* The law's typical delay: constant, uniform maximum, lognormal median,
 * Pareto mean. */
static simtime_t typical(const struct latency_cfg *l)
{
	return l->law == LAT_UNIFORM ? MAX(l->value, l->max) : l->value;
}

static bool check_delays(const struct scenario *s, const struct budget *b, GError **err)
{
	const struct network_cfg *c = &s->network;
	const double day = simtime_to_s(BUDGET_MAX_DELAY);
	char a[48];

	if (b->block_validate_s > day) {
		double n_tx = MIN((double)s->consensus.max_block_txs, b->txs);
		double tb = simtime_to_s(c->validate_block), tt = n_tx * simtime_to_s(c->validate_tx);
		const char *field = tb >= tt && tb >= b->block_validate_s - tb - tt ? "network.validation.block"
				    : tt >= b->block_validate_s - tb - tt ? "network.validation.tx"
				    : "network.validation.mb";
		return refuse(s, err, field, "validating one block takes %s, over the limit of one day for a "
			      "single delay; use a shorter validation time",
			      span(b->block_validate_s, a, sizeof a));
	}
	if (b->block_tx_s > day)
		return refuse(s, err, c->n_regions ? "network.regions" : "network.bandwidth",
			      "sending one block takes %s on the slowest link, over the limit of one day for a "
			      "single delay; raise the bandwidth or lower network.block_size",
			      span(b->block_tx_s, a, sizeof a));
	if (c->processing > BUDGET_MAX_DELAY)
		return refuse(s, err, "network.processing", "%s per message is over the limit of one day for a "
			      "single delay", span(simtime_to_s(c->processing), a, sizeof a));
	if (typical(&c->latency) > BUDGET_MAX_DELAY)
		return refuse(s, err, "network.latency", "a typical latency of %s is over the limit of one day "
			      "for a single delay", span(simtime_to_s(typical(&c->latency)), a, sizeof a));
	for (uint32_t i = 0; i < c->n_regions * c->n_regions; i++)
		if (c->region_latency[i] > BUDGET_MAX_DELAY)
			return refuse(s, err, "network.regions", "a mean latency of %s between regions is over "
				      "the limit of one day for a single delay",
				      span(simtime_to_s(c->region_latency[i]), a, sizeof a));
	for (guint i = 0; i < s->events->len; i++) {
		const struct event_cfg *e = &g_array_index(s->events, struct event_cfg, i);
		if (e->action == TL_LATENCY && typical(&e->latency) > BUDGET_MAX_DELAY) {
			char field[48];
			g_snprintf(field, sizeof field, "events[%u].latency", i);
			return refuse(s, err, field, "a typical latency of %s is over the limit of one day "
				      "for a single delay", span(simtime_to_s(typical(&e->latency)), a, sizeof a));
		}
	}
	/* The run, and the longest queue of work a node can build, must fit
	 * the clock. */
	const double limit = simtime_to_s(BUDGET_MAX_HORIZON);
	if (b->horizon_s > limit)
		return refuse(s, err, s->stop.time ? "stop.time" : "consensus.difficulty",
			      "the run would last about %s of simulated time, over the 146 years the clock "
			      "holds; stop earlier or lower the difficulty", span(b->horizon_s, a, sizeof a));
	double queue = b->horizon_s + b->blocks * (b->block_tx_s + b->block_validate_s);
	if (queue > limit)
		return refuse(s, err, b->block_tx_s > b->block_validate_s ? "network.bandwidth" : "network.validation",
			      "the run and the work it queues could reach %s of simulated time, over the "
			      "146 years the clock holds; stop earlier or use shorter delays",
			      span(queue, a, sizeof a));
	return true;
}

/* The stop that decides the number of blocks, for messages. */
static const char *blocks_field(const struct scenario *s, const struct budget *b)
{
	if (s->stop.blocks && b->blocks >= s->stop.blocks)
		return "stop.blocks";
	if (s->stop.height && b->blocks >= s->stop.height)
		return "stop.height";
	return "stop.time";
}

static bool check_hashes(const struct scenario *s, const struct budget *b, GError **err)
{
	char a[48], h[48];

	if (b->block_hashes > BUDGET_MAX_BLOCK_HASHES)
		return refuse(s, err, "consensus.difficulty",
			      "in %s mode a block takes about %s hashes (16^difficulty), over the limit of %s "
			      "(difficulty 9, about 15 minutes of one core); use \"mode\": \"model\" or a "
			      "lower difficulty", s->consensus.mode == MINING_REAL ? "real" : "fast",
			      count(b->block_hashes, a, sizeof a), count(BUDGET_MAX_BLOCK_HASHES, h, sizeof h));
	if (b->hashes > BUDGET_MAX_HASHES)
		return refuse(s, err, blocks_field(s, b),
			      "about %s blocks of %s hashes each make %s hashes, over the limit of %s "
			      "(about 4 hours of one core); stop earlier or use \"mode\": \"model\"",
			      count(b->blocks, a, sizeof a), count(b->block_hashes, h, sizeof h),
			      count(b->hashes, (char[48]){ 0 }, 48), count(BUDGET_MAX_HASHES, (char[48]){ 0 }, 48));
	return true;
}

static bool check_memory(const struct scenario *s, const struct budget *b, GError **err)
{
	double part[] = {
		b->links * link_bytes(s), b->nodes * BUDGET_BYTES_PER_NODE,
		b->blocks * BUDGET_BYTES_PER_BLOCK, b->samples * BUDGET_BYTES_PER_SAMPLE,
	};
	guint big = 0;
	char *need, *limit, *what;
	char x[48], y[48];
	const char *field, *way;
	bool ok;

	if (b->bytes <= BUDGET_MAX_BYTES)
		return true;
	for (guint i = 1; i < G_N_ELEMENTS(part); i++)
		if (part[i] > part[big])
			big = i;
	need = size(b->bytes);
	limit = size(BUDGET_MAX_BYTES);
	switch (big) {
	case 0:
		field = s->network.topology == TOPO_FULL ? "network.topology"
			: s->network.topology == TOPO_RANDOM ? "network.degree" : "network.edges";
		what = g_strdup_printf("%s of %.0f nodes has %s links", s->network.topology == TOPO_FULL ?
				       "a full mesh" : "this network", b->nodes, count(b->links, x, sizeof x));
		way = s->network.topology == TOPO_FULL ? "use \"random\" with a \"degree\""
			: "use a lower degree or fewer nodes";
		break;
	case 1:
		field = "nodes";
		what = g_strdup_printf("%.0f nodes", b->nodes);
		way = "use fewer nodes";
		break;
	case 2:
		field = blocks_field(s, b);
		span(b->hashrate > 0 ? work(s->consensus.millizeros / 1000.0) / b->hashrate : 0, y, sizeof y);
		what = g_strdup_printf("about %s blocks (one every %s at %s H/s and difficulty %g)",
				       count(b->blocks, x, sizeof x), y, count(b->hashrate, (char[48]){ 0 }, 48),
				       s->consensus.millizeros / 1000.0);
		way = "stop earlier or raise consensus.difficulty";
		break;
	default:
		field = "output.sample";
		what = g_strdup_printf("%s timeline samples", count(b->samples, x, sizeof x));
		way = "sample less often";
		break;
	}
	ok = refuse(s, err, field, "%s: about %s of memory, over the %s a run may use; %s", what, need, limit,
		    way);
	g_free(what);
	g_free(need);
	g_free(limit);
	return ok;
}

bool budget_check(const struct scenario *s, struct budget *out, GError **err)
{
	struct budget b;
	char x[48], y[48];

	budget_estimate(s, &b);
	if (out != NULL)
		*out = b;
	if (!check_delays(s, &b, err) || !check_hashes(s, &b, err))
		return false;
	if (b.samples > BUDGET_MAX_SAMPLES)
		return refuse(s, err, "output.sample", "%s timeline samples over %s of simulated time, over the "
			      "limit of %s; sample less often", count(b.samples, x, sizeof x),
			      span(b.horizon_s, y, sizeof y), count(BUDGET_MAX_SAMPLES, (char[48]){ 0 }, 48));
	if (!check_memory(s, &b, err))
		return false;
	if (b.events > BUDGET_MAX_EVENTS) {
		double per_block = b.events - b.txs * 2 * b.links - b.samples * b.nodes;
		double sampling = b.samples * b.nodes, trading = b.txs * 2 * b.links;
		const char *field, *what;
		if (sampling >= per_block && sampling >= trading) {
			field = "output.sample";
			what = "timeline samples, each visiting every node; sample less often";
		} else if (trading >= per_block) {
			field = "nodes";
			what = "transactions relayed over every link; trade less often or use fewer links";
		} else {
			field = blocks_field(s, &b);
			what = "blocks relayed over every link; stop earlier or use fewer links";
		}
		return refuse(s, err, field, "about %s events (%s blocks, %s transactions and %s samples over "
			      "%s links and %.0f nodes), over the limit of %s (about an hour), mostly %s",
			      count(b.events, x, sizeof x), count(b.blocks, y, sizeof y),
			      count(b.txs, (char[48]){ 0 }, 48), count(b.samples, (char[48]){ 0 }, 48),
			      count(b.links, (char[48]){ 0 }, 48), b.nodes, count(BUDGET_MAX_EVENTS, (char[48]){ 0 }, 48),
			      what);
	}
	return true;
}

bool budget_admit(struct scenario *s, GError **err)
{
	if (budget_check(s, NULL, err))
		return true;
	config_clear(s);
	return false;
}
