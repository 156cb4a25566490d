/* A node's view of the chain: memory that does not grow with the chain,
 * and ancestor queries through skip pointers that agree with the plain
 * walk down the parents. */
#include <string.h>

#include <glib.h>

#include "powsim/chain.h"

static struct block *child(const struct block *p, uint64_t nonce)
{
	struct block_header h = { .version = BLOCK_VERSION | BLOCK_FLAG_MODELLED,
				  .height = p->h.height + 1, .millizeros = 1000, .nonce = nonce };
	memcpy(h.prev, p->hash, 32);
	return block_new(&h, p, NULL, 0, 0, 96);
}

static void test_linear_chain_costs_nothing(void)
{
	chain_store_t *s = chain_store_new(block_genesis());
	struct chain_view v;
	struct chain_reorg r;
	chain_view_init(&v, chain_store_genesis(s));
	const struct block *tip = chain_store_genesis(s);
	for (int i = 0; i < 5000; i++) {
		struct block *b = child(tip, 0);
		chain_store_add(s, b);
		g_assert_true(chain_view_connect(&v, b, FORK_MOST_WORK, &r));
		tip = b;
	}
	/* 5000 blocks held, none listed: the tip implies them */
	g_assert_cmpuint(chain_view_known(&v), ==, 0);
	for (uint32_t id = 0; id < chain_store_count(s); id += 97)
		g_assert_cmpint(chain_view_status(&v, chain_store_get(s, id)), ==, VIEW_HAVE);
	/* a side branch of 3 off height 4990 is listed, and only it */
	const struct block *side = chain_ancestor(tip, 4990);
	for (int i = 0; i < 3; i++) {
		struct block *b = child(side, 1);
		chain_store_add(s, b);
		g_assert_false(chain_view_connect(&v, b, FORK_MOST_WORK, &r));
		side = b;
	}
	g_assert_cmpuint(chain_view_known(&v), ==, 3);
	/* it overtakes: the old branch (10 blocks above the fork) is listed now */
	for (int i = 0; i < 8; i++) {
		struct block *b = child(side, 1);
		chain_store_add(s, b);
		chain_view_connect(&v, b, FORK_MOST_WORK, &r);
		side = b;
	}
	g_assert_true(v.tip == side);
	g_assert_cmpuint(chain_view_known(&v), ==, 10);
	g_assert_cmpint(chain_view_status(&v, tip), ==, VIEW_HAVE);
	chain_view_clear(&v);
	chain_store_free(s, NULL);
}

static void test_skip_ancestors_agree(void)
{
	chain_store_t *s = chain_store_new(block_genesis());
	const struct block *tip = chain_store_genesis(s);
	for (int i = 0; i < 3000; i++) {
		struct block *b = child(tip, 0);
		chain_store_add(s, b);
		tip = b;
	}
	for (const struct block *b = tip; b; b = b->parent) {
		/* the skip is a true ancestor at the height the scheme says */
		if (b->parent) {
			g_assert_nonnull(b->skip);
			g_assert_cmpuint(b->skip->h.height, ==, block_skip_height(b->h.height));
		}
		if (b->h.height % 37 != 0)
			continue;
		const struct block *walk = tip;
		while (walk->h.height > b->h.height)
			walk = walk->parent;
		g_assert_true(chain_ancestor(tip, b->h.height) == walk);
		g_assert_true(walk == b);
	}
	chain_store_free(s, NULL);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/view/linear-chain-costs-nothing", test_linear_chain_costs_nothing);
	g_test_add_func("/view/skip-ancestors-agree", test_skip_ancestors_agree);
	return g_test_run();
}
