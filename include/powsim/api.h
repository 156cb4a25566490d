/* api: the source documents' node API, as JSON in and JSON out.
 *
 * What each node of a live run (powsim serve) answers, without the HTTP:
 * the documents' response bodies (GET /chain, /nodes, /transactions,
 * /mine, /nodes/resolve), the client-mining template, the dashboard's
 * state, and the readers of the request bodies (POST /transactions/new,
 * /nodes/register, /mining/submit, /difficulty). Accounts and nodes are
 * named as the documents name them: a node's name ("Node6"), its wallet
 * address (32 hex digits, as in chain.json), or its HTTP address
 * ("127.0.0.1:5005", "http://localhost:5005") when the caller knows the
 * ports. Every function returning char * returns a new string the caller
 * g_free()s. A reader never trusts its body: a failure sets *WHY to a
 * one-line reason (the caller g_free()s it) and changes nothing.
 */
#ifndef POWSIM_API_H
#define POWSIM_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "powsim/world.h"

/* Largest request body read, in bytes. */
#define API_MAX_BODY (64u * 1024u)
#define API_NO_NODE UINT32_MAX

/* The node named by S: a node name (exactly one node) or a wallet
 * address; with BASE_PORT > 0 also "HOST:PORT" or "http://HOST:PORT" for
 * HOST 127.0.0.1 or localhost, node k on BASE_PORT + k. API_NO_NODE if
 * none. */
uint32_t api_node(const world_t *w, const char *s, unsigned base_port);

/* {"message": MESSAGE} and, if REASON, "reason": REASON. */
char *api_message(const char *message, const char *reason);

/* {"chain": [...], "length": N}: node ID's chain, chain.json's fields. */
char *api_chain(const world_t *w, uint32_t id);

/* The documents' /mine answer for B: {"message": "New Block Forged",
 * "index", "transactions", "proof", "previous_hash", ...chain.json's}. */
char *api_mined(const world_t *w, const struct block *b);

/* {"nodes": ["127.0.0.1:P", ...], "length": N}: ID's peers; with MESSAGE
 * the /nodes/register answer {"message", "total_nodes": [...]}. */
char *api_nodes(const world_t *w, uint32_t id, unsigned base_port, const char *message);

/* The /nodes/resolve answer: {"message": "Our chain was replaced",
 * "new_chain": [...]} or {"message": "Our chain is authoritative",
 * "chain": [...]}. */
char *api_resolved(const world_t *w, uint32_t id, bool replaced);

/* {"transactions": [...], "length": N}: ID's mempool. */
char *api_mempool(const world_t *w, uint32_t id);

/* {"address", "node", "balance"}: ACCOUNT's balance after ID's tip. */
char *api_balance(const world_t *w, uint32_t id, uint32_t account);

/* Client mining: {"header": hex of the 96 bytes with nonce 0, "target":
 * hex, "nonce_offset": 88, "nonce_bytes": 8, "byteorder": "little",
 * "difficulty", "index", "previous_hash"}; NULL if ID has no template. */
char *api_template(const world_t *w, uint32_t id);

/* The dashboard's state: simulated time, difficulty, every node (name,
 * address, role, height, tip, mempool) and the last blocks of the main
 * chain with their miner and transfers. */
char *api_state(const world_t *w, unsigned base_port, double speed);

/* POST /transactions/new {"sender", "recipient", "amount"}: fills E's
 * FROM, LINK_TO (node names) and AMOUNT. */
bool api_parse_transaction(const world_t *w, const char *body, size_t len,
			   struct event_cfg *e, char **why);

/* POST /nodes/register {"nodes": [...]}: the nodes named, appended to
 * IDS (guint32). */
bool api_parse_nodes(const world_t *w, const char *body, size_t len, unsigned base_port,
		     GArray *ids, char **why);

/* POST /mining/submit {"nonce": N} (also "proof", as the documents). */
bool api_parse_submit(const char *body, size_t len, uint64_t *nonce, char **why);

/* POST /difficulty {"num_zeros": Z} (also "difficulty", "value"), 0 to
 * 60. HASHED: the run hashes its blocks (real or fast mode), and a Z whose
 * block takes more than BUDGET_MAX_BLOCK_HASHES (16^Z over 2^36, Z above
 * 9) is refused, as budget.h refuses it in a scenario; *WHY names the
 * limit. */
bool api_parse_difficulty(const char *body, size_t len, bool hashed, uint32_t *millizeros,
			  char **why);

#endif
