/* strategy_stubborn: the stubborn miners of Nayak, Kumar, Miller and Shi
 * (2016), each a change to selfish mining (strategy_selfish.c):
 *   lead        lead-stubborn: when the honest network finds a block, it
 *               publishes only up to the public height (a tie), never the
 *               block that would override the public chain;
 *   equal-fork  equal-fork-stubborn: when it finds a block during a race,
 *               it keeps it private instead of publishing to win;
 *   trail       trail-stubborn: when the public chain gets ahead of its
 *               own branch by up to TRAIL blocks, it keeps mining on its
 *               branch; it adopts only when more than TRAIL behind, and
 *               publishes to tie when its branch catches up.
 * "variant" joins several with '+' ("lead+equal-fork+trail").
 */
#include "powsim/strategy.h"

#include <string.h>

#include "powsim/chain.h"

struct stubborn {
	struct strategy_chain c;
	bool lead, equal_fork;
	uint32_t trail;   /* 0: not trail-stubborn */
};

static bool has_word(const char *list, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = list; p && *p;) {
		const char *end = strchr(p, '+');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (len == n && strncmp(p, word, n) == 0)
			return true;
		p = end ? end + 1 : NULL;
	}
	return false;
}

static void *stubborn_new(const struct strategy_cfg *cfg, const struct block *genesis)
{
	struct stubborn *s = g_new0(struct stubborn, 1);
	strategy_chain_init(&s->c, genesis);
	s->lead = has_word(cfg->variant, "lead");
	s->equal_fork = has_word(cfg->variant, "equal-fork");
	s->trail = has_word(cfg->variant, "trail") ? (cfg->trail ? cfg->trail : 1) : 0;
	return s;
}

static void stubborn_mined(void *st, const struct strategy_io *io, const struct block *b)
{
	struct stubborn *s = st;
	struct strategy_chain *c = &s->c;
	bool race = c->race && strategy_lead(c) == 0;
	strategy_extend(c, io, b);
	if (race && !s->equal_fork)
		strategy_publish_to(c, io, c->priv->h.height);   /* win the race */
	else if (s->trail && strategy_lead(c) == 0)
		strategy_publish_to(c, io, c->priv->h.height);   /* caught up: tie */
}

static void stubborn_block(void *st, const struct strategy_io *io, const struct block *b)
{
	struct stubborn *s = st;
	struct strategy_chain *c = &s->c;
	if (!strategy_learn(c, b))
		return;
	int64_t lead = strategy_lead(c);
	bool own_branch = !chain_is_ancestor(c->priv, c->pub);
	if (lead < 0) {
		if (!(s->trail && own_branch && -lead <= (int64_t)s->trail))
			strategy_adopt(c, io);
	} else if (lead == 0) {
		strategy_publish_to(c, io, c->priv->h.height);
	} else if (s->lead || lead >= 2) {
		strategy_publish_to(c, io, c->pub->h.height);
	} else {
		strategy_publish_to(c, io, c->priv->h.height);
	}
}

static const struct strategy_chain *stubborn_chain(const void *st)
{
	return &((const struct stubborn *)st)->c;
}

const struct strategy_ops strategy_stubborn = {
	.name = "stubborn",
	.new_state = stubborn_new,
	.on_mined = stubborn_mined,
	.on_block = stubborn_block,
	.chain = stubborn_chain,
};
