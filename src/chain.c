/* chain: block store, per-node views, fork choice. See chain.h. */
#include "powsim/chain.h"

#include <string.h>

#include <glib.h>

#include "powsim/check.h"
#include "powsim/mem.h"

struct store_entry {
	struct block *block;
	void *aux;
	const char *reason;
	uint8_t verdict;
	uint8_t spread;          /* every tracked view holds it or rejected it */
	uint32_t settled;        /* tracked views where it is HAVE or INVALID */
	uint64_t *seen;          /* bit per tracked view: status not UNKNOWN;
				  * NULL before any view knows of it and
				  * once it has spread */
};

struct chain_store {
	GArray *entries;         /* of struct store_entry, by id */
	GHashTable *by_hash;     /* hash (32 bytes in the block) -> block */
	uint32_t views;          /* views tracked (chain_store_track) */
};

static guint hash32_hash(gconstpointer key)
{
	const uint8_t *h = key;
	guint v;
	memcpy(&v, h + 28, sizeof v); /* low bytes vary even at high difficulty */
	return v;
}

static gboolean hash32_equal(gconstpointer a, gconstpointer b)
{
	return memcmp(a, b, 32) == 0;
}

chain_store_t *chain_store_new(struct block *genesis)
{
	chain_store_t *s = g_new0(chain_store_t, 1);
	s->entries = g_array_new(FALSE, TRUE, sizeof(struct store_entry));
	s->by_hash = g_hash_table_new(hash32_hash, hash32_equal);
	chain_store_add(s, genesis);
	return s;
}

void chain_store_free(chain_store_t *s, void (*free_aux)(void *))
{
	if (!s)
		return;
	for (guint i = 0; i < s->entries->len; i++) {
		struct store_entry *e = &g_array_index(s->entries, struct store_entry, i);
		if (free_aux && e->aux)
			free_aux(e->aux);
		g_free(e->seen);
		block_free(e->block);
	}
	g_array_free(s->entries, TRUE);
	g_hash_table_destroy(s->by_hash);
	g_free(s);
}

uint32_t chain_store_add(chain_store_t *s, struct block *b)
{
	CHECK(g_hash_table_lookup(s->by_hash, b->hash) == NULL);
	struct store_entry e = { .block = b };
	b->id = s->entries->len;
	g_array_append_val(s->entries, e);
	g_hash_table_insert(s->by_hash, b->hash, b);
	return b->id;
}

uint32_t chain_store_count(const chain_store_t *s)
{
	return s->entries->len;
}

static struct store_entry *entry(const chain_store_t *s, uint32_t id)
{
	CHECK(id < s->entries->len);
	return &g_array_index(s->entries, struct store_entry, id);
}

const struct block *chain_store_get(const chain_store_t *s, uint32_t id)
{
	return entry(s, id)->block;
}

const struct block *chain_store_genesis(const chain_store_t *s)
{
	return entry(s, 0)->block;
}

const struct block *chain_store_find(const chain_store_t *s, const uint8_t hash[32])
{
	return g_hash_table_lookup(s->by_hash, hash);
}

enum chain_verdict chain_store_verdict(const chain_store_t *s, uint32_t id,
				       const char **reason)
{
	struct store_entry *e = entry(s, id);
	if (reason)
		*reason = e->reason;
	return e->verdict;
}

void chain_store_set_verdict(chain_store_t *s, uint32_t id, enum chain_verdict v,
			     const char *reason)
{
	struct store_entry *e = entry(s, id);
	e->verdict = (uint8_t)v;
	e->reason = reason;
}

void *chain_store_aux(const chain_store_t *s, uint32_t id)
{
	return entry(s, id)->aux;
}

void chain_store_set_aux(chain_store_t *s, uint32_t id, void *aux)
{
	entry(s, id)->aux = aux;
}

/* ---- who knows of a block while it spreads ----
 * A block's bitset lives from the first tracked view that learns of it
 * until every tracked view holds or rejected it (final states): memory
 * is VIEWS/8 bytes per block in flight. A block some view never settles
 * keeps its bits until the store is freed: a stale block under inv
 * relay (a node with a better tip never requests it), or one a node
 * offline for good never received. */

void chain_store_track(chain_store_t *s, uint32_t views)
{
	if (s->views == views)
		return;
	CHECK(s->views == 0 && s->entries->len == 1); /* genesis only */
	s->views = views;
}

int chain_store_seen(const chain_store_t *s, const struct block *b, uint32_t view)
{
	if (s->views == 0)
		return -1;
	CHECK(view < s->views);
	const struct store_entry *e = entry(s, b->id);
	if (e->seen)
		return (int)(e->seen[view >> 6] >> (view & 63) & 1);
	return e->spread || b->id == 0;
}

/* View SELF's status of block ID moved from CUR to ST (they differ). O(1). */
static void seen_move(chain_store_t *s, uint32_t id, uint32_t self, enum view_status cur,
		      enum view_status st)
{
	struct store_entry *e = entry(s, id);
	bool was_final = cur == VIEW_HAVE || cur == VIEW_INVALID;
	bool is_final = st == VIEW_HAVE || st == VIEW_INVALID;
	CHECK(!e->spread && !was_final); /* final states never move */
	if (!e->seen)
		e->seen = g_new0(uint64_t, (s->views + 63) / 64);
	uint64_t bit = (uint64_t)1 << (self & 63);
	if (st == VIEW_UNKNOWN)
		e->seen[self >> 6] &= ~bit;
	else
		e->seen[self >> 6] |= bit;
	if (is_final && ++e->settled == s->views) {
		g_free(e->seen);
		e->seen = NULL;
		e->spread = 1;
	}
}

int chain_compare(const struct block *a, const struct block *b, enum fork_choice rule)
{
	if (rule == FORK_LONGEST) {
		if (a->h.height != b->h.height)
			return a->h.height > b->h.height ? 1 : -1;
		return 0;
	}
	return u256_cmp(&a->chainwork, &b->chainwork);
}

const struct block *chain_best(const struct block *const *tips, uint32_t n,
			       enum fork_choice rule)
{
	CHECK(n > 0);
	const struct block *best = tips[0];
	for (uint32_t i = 1; i < n; i++) {
		int c = chain_compare(tips[i], best, rule);
		if (c > 0 || (c == 0 && memcmp(tips[i]->hash, best->hash, 32) < 0))
			best = tips[i];
	}
	return best;
}

/* O(log height) through the skip pointers. */
const struct block *chain_ancestor(const struct block *b, uint32_t height)
{
	CHECK(height <= b->h.height);
	while (b->h.height > height)
		b = b->skip && b->skip->h.height >= height ? b->skip : b->parent;
	return b;
}

const struct block *chain_fork_point(const struct block *a, const struct block *b)
{
	if (a->h.height > b->h.height)
		a = chain_ancestor(a, b->h.height);
	else
		b = chain_ancestor(b, a->h.height);
	while (a != b) {
		a = a->parent;
		b = b->parent;
	}
	return a;
}

bool chain_is_ancestor(const struct block *anc, const struct block *b)
{
	if (anc->h.height > b->h.height)
		return false;
	return chain_ancestor(b, anc->h.height) == anc;
}

/* ---- views ----
 * A view holds its tip and, implicitly, every ancestor of the tip. Only
 * the blocks that are not ancestors of the tip and whose status is not
 * UNKNOWN (side branches held, blocks pending, requested, orphaned or
 * invalid) are listed, in KNOWN, sorted by id as (id << 8 | status). So a
 * node's memory grows with the stale and in-flight blocks it knows of, not
 * with the length of the chain. */

/* V's known list: inline while it holds at most one block (a relay's
 * usual case, one block in flight), so that needs no pointer chase. */
static uint64_t *kv(const struct chain_view *v)
{
	return v->cap_known > 1 ? v->k.known : (uint64_t *)&v->k.one;
}

static uint64_t known_key(uint32_t id, enum view_status st)
{
	return (uint64_t)id << 8 | (uint8_t)st;
}

/* Index of block ID in V's known list, or the index to insert it at
 * (with *FOUND false). O(log known). */
static uint32_t known_find(const struct chain_view *v, uint32_t id, bool *found)
{
	uint32_t lo = 0, hi = v->n_known;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if ((uint32_t)(kv(v)[mid] >> 8) < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = lo < v->n_known && (uint32_t)(kv(v)[lo] >> 8) == id;
	return lo;
}

/* Put block ID with ST at index I of the known list (FOUND: it is there). */
static void known_put_at(struct chain_view *v, uint32_t i, bool found, uint32_t id,
			 enum view_status st)
{
	uint64_t key = known_key(id, st);
	if (found) {
		kv(v)[i] = key;
		return;
	}
	if (v->n_known == v->cap_known && v->cap_known > 1) {
		v->cap_known *= 2;
		v->k.known = g_renew(uint64_t, v->k.known, v->cap_known);
	} else if (v->n_known == 1 && v->cap_known <= 1) {
		uint64_t *heap = g_new(uint64_t, 4);
		heap[0] = v->k.one;
		v->k.known = heap;
		v->cap_known = 4;
	}
	uint64_t *k = kv(v);
	memmove(k + i + 1, k + i, (v->n_known - i) * sizeof *k);
	k[i] = key;
	v->n_known++;
}

static void known_put(struct chain_view *v, uint32_t id, enum view_status st)
{
	bool found;
	uint32_t i = known_find(v, id, &found);
	known_put_at(v, i, found, id, st);
}

static void known_drop_at(struct chain_view *v, uint32_t i, bool found)
{
	if (!found)
		return;
	uint64_t *k = kv(v);
	memmove(k + i, k + i + 1, (v->n_known - i - 1) * sizeof *k);
	v->n_known--;
}

static void known_drop(struct chain_view *v, uint32_t id)
{
	bool found;
	uint32_t i = known_find(v, id, &found);
	known_drop_at(v, i, found);
}

void chain_view_prefetch(const struct chain_view *v)
{
	if (v->cap_known > 1 && v->n_known > 0) /* the newest ids, last, are asked most */
		MEM_PREFETCH(&v->k.known[v->n_known - 1]);
}

void chain_view_init(struct chain_view *v, const struct block *genesis)
{
	memset(v, 0, sizeof *v);
	v->tip = genesis;
}

void chain_view_track(struct chain_view *v, chain_store_t *s, uint32_t self)
{
	CHECK(s->views > 0 && self < s->views && v->tip == chain_store_genesis(s));
	v->store = s;
	v->self = self;
}

void chain_view_clear(struct chain_view *v)
{
	if (!v)
		return;
	if (v->cap_known > 1)
		g_free(v->k.known);
	if (v->orphans)
		g_array_free(v->orphans, TRUE);
	memset(v, 0, sizeof *v);
}

enum view_status chain_view_status(const struct chain_view *v, const struct block *b)
{
	if (v->store && chain_store_seen(v->store, b, v->self) == 0)
		return VIEW_UNKNOWN; /* one bit, instead of the list and the chain */
	if (v->n_known > 0) {
		bool found;
		uint32_t i = known_find(v, b->id, &found);
		if (found)
			return (enum view_status)(kv(v)[i] & 0xff);
	}
	return chain_is_ancestor(b, v->tip) ? VIEW_HAVE : VIEW_UNKNOWN;
}

/* The table of chain.h, by [from][to]. */
static const bool can_move[6][6] = {
	/*                UNKNOWN HAVE   INVALID ORPHAN PENDING REQUESTED */
	[VIEW_UNKNOWN]   = { true,  true,  true,  true,  true,  true },
	[VIEW_HAVE]      = { false, true,  false, false, false, false },
	[VIEW_INVALID]   = { false, false, true,  false, false, false },
	[VIEW_ORPHAN]    = { false, true,  true,  true,  true,  false },
	[VIEW_PENDING]   = { false, true,  true,  false, true,  false },
	[VIEW_REQUESTED] = { true,  true,  true,  true,  true,  true },
};

bool chain_view_can_move(enum view_status from, enum view_status to)
{
	CHECK((unsigned)from < 6 && (unsigned)to < 6);
	return can_move[from][to];
}

void chain_view_set_status(struct chain_view *v, const struct block *b, enum view_status st)
{
	/* One search serves the check of the move and the update. */
	bool found;
	uint32_t i = known_find(v, b->id, &found);
	bool implied = !found && chain_is_ancestor(b, v->tip);
	enum view_status cur = found ? (enum view_status)(kv(v)[i] & 0xff)
				     : implied ? VIEW_HAVE : VIEW_UNKNOWN;
	CHECK(chain_view_can_move(cur, st));
	if (v->store && cur != st)
		seen_move(v->store, b->id, v->self, cur, st);
	/* a block held through the tip needs no entry (when it was not
	 * listed, IMPLIED already walked the tip's ancestors) */
	if (st == VIEW_UNKNOWN || (st == VIEW_HAVE && (found ? chain_is_ancestor(b, v->tip) : implied)))
		known_drop_at(v, i, found);
	else
		known_put_at(v, i, found, b->id, st);
}

uint32_t chain_view_known(const struct chain_view *v)
{
	return v->n_known;
}

bool chain_view_connect(struct chain_view *v, const struct block *b,
			enum fork_choice rule, struct chain_reorg *r)
{
	CHECK(b->parent && chain_view_status(v, b->parent) == VIEW_HAVE);
	chain_view_set_status(v, b, VIEW_HAVE);
	if (chain_compare(b, v->tip, rule) <= 0)
		return false;
	r->old_tip = v->tip;
	r->new_tip = b;
	r->fork = b->parent == v->tip ? v->tip : chain_fork_point(v->tip, b);
	r->depth = v->tip->h.height - r->fork->h.height;
	v->tip = b;
	/* The new branch is now implied by the tip; the old one is not. */
	for (const struct block *x = b; x != r->fork; x = x->parent)
		known_drop(v, x->id);
	for (const struct block *x = r->old_tip; x != r->fork; x = x->parent)
		known_put(v, x->id, VIEW_HAVE);
	return true;
}

void chain_view_add_orphan(struct chain_view *v, const struct block *b)
{
	chain_view_set_status(v, b, VIEW_ORPHAN);
	if (!v->orphans)
		v->orphans = g_array_new(FALSE, FALSE, sizeof(const struct block *));
	g_array_append_val(v->orphans, b);
}

/* O(orphans): they are few, and only while blocks arrive out of order. */
const struct block *chain_view_take_orphan(struct chain_view *v, const struct block *parent)
{
	for (guint i = 0; v->orphans && i < v->orphans->len; i++) {
		const struct block *o = g_array_index(v->orphans, const struct block *, i);
		if (o->parent == parent) {
			g_array_remove_index(v->orphans, i);
			return o;
		}
	}
	return NULL;
}

uint32_t chain_view_orphan_count(const struct chain_view *v)
{
	return v->orphans ? v->orphans->len : 0;
}

const struct block *chain_view_orphan(const struct chain_view *v, uint32_t i)
{
	CHECK(i < chain_view_orphan_count(v));
	return g_array_index(v->orphans, const struct block *, i);
}

const struct block *chain_view_missing(const struct chain_view *v, const struct block *b)
{
	const struct block *p = b->parent;
	enum view_status st = VIEW_UNKNOWN;

	while (p != NULL && (st = chain_view_status(v, p)) == VIEW_ORPHAN)
		p = p->parent;
	if (p == NULL)
		return NULL;
	return st == VIEW_UNKNOWN || st == VIEW_REQUESTED ? p : NULL;
}
