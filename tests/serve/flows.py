#!/usr/bin/env python3
"""Clients of `powsim serve` for tests/scn_serve.sh, written the way the
source documents talk to their Flask nodes (requests, hashlib).

  flows.py freeport N           a base port with N free consecutive ports
  flows.py wait BASE            until node 1 answers (bounded)
  flows.py small BASE OUT.json  the documents' flows on tests/serve/small.json
  flows.py lecture BASE OUT.json  the lecture's requests on six-node-lecture.json
  flows.py heights PAGE.html    the node heights a dumped dashboard shows

Every loop is bounded in count and time; only 127.0.0.1 is contacted.
A failed check exits 1 with a line saying what was expected and found.
"""
import concurrent.futures
import hashlib
import json
import re
import socket
import sys
import time

import requests

T = 10  # seconds: timeout of one request


def fail(what):
    print("FAIL:", what)
    sys.exit(1)


def check(cond, what):
    if not cond:
        fail(what)


def url(base, k, path):
    return "http://127.0.0.1:%d%s" % (base + k, path)


def freeport(n):
    for base in range(20000 + (int(time.time() * 1000) % 20000), 60000, 37):
        socks = []
        try:
            for k in range(n):
                s = socket.socket()
                s.bind(("127.0.0.1", base + k))
                socks.append(s)
            return base
        except OSError:
            pass
        finally:
            for s in socks:
                s.close()
    fail("no free ports")


def wait(base):
    end = time.time() + 15
    while time.time() < end:
        try:
            if requests.get(url(base, 0, "/chain"), timeout=1).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    fail("the server did not answer within 15 s")


BLOCK_KEYS = {"index", "timestamp", "transactions", "proof", "previous_hash", "miner", "hash",
              "difficulty", "header"}


def get_chain(base, k):
    r = requests.get(url(base, k, "/chain"), timeout=T)
    check(r.status_code == 200, "GET /chain: status %d" % r.status_code)
    c = r.json()
    check(set(c) == {"chain", "length"}, "GET /chain: keys %s" % sorted(c))
    check(c["length"] == len(c["chain"]), "GET /chain: length %d for %d blocks" % (c["length"], len(c["chain"])))
    for b in c["chain"]:
        check(BLOCK_KEYS <= set(b), "GET /chain: block keys %s" % sorted(b))
    for a, b in zip(c["chain"], c["chain"][1:]):
        check(b["previous_hash"] == a["hash"], "GET /chain: block %d does not chain" % b["index"])
    return c


def post(base, k, path, body, status, what):
    r = requests.post(url(base, k, path), json=body, timeout=T)
    check(r.status_code == status, "%s: status %d, expected %d (%s)" % (what, r.status_code, status, r.text[:200]))
    return r.json()


def address(base, k, name):
    r = requests.get(url(base, k, "/balance"), params={"address": name}, timeout=T)
    check(r.status_code == 200, "GET /balance: status %d" % r.status_code)
    b = r.json()
    check(set(b) == {"address", "node", "balance"} and len(b["address"]) == 32, "GET /balance: %s" % b)
    return b["address"]


def wait_chain(base, k, pred, what, seconds=20):
    end = time.time() + seconds
    while time.time() < end:
        c = get_chain(base, k)
        if pred(c):
            return c
        time.sleep(0.2)
    fail("%s: not seen within %d s" % (what, seconds))


def txids(chain):
    return {t["id"] for b in chain["chain"] for t in b["transactions"]}


def merkle(ids):
    """block.h's merkle root of transaction ids (hex): single SHA-256 of
    pairs, the last of an odd level paired with itself."""
    level = [bytes.fromhex(i) for i in ids]
    while len(level) > 1:
        level = [hashlib.sha256(level[i] + level[min(i + 1, len(level) - 1)]).digest()
                 for i in range(0, len(level), 2)]
    return level[0].hex() if level else "00" * 32


def client_mine(base, k, name, tries=20):
    """The documents' client miner: the template's header, nonces in
    hashlib until one meets the target, then POST the nonce."""
    for _ in range(tries):
        r = requests.get(url(base, k, "/mining/template"), timeout=T)
        check(r.status_code == 200, "GET /mining/template: status %d" % r.status_code)
        tpl = r.json()
        header = bytearray.fromhex(tpl["header"])
        check(len(header) == 96 and tpl["nonce_offset"] == 88 and tpl["nonce_bytes"] == 8,
              "template layout %s" % tpl)
        target = int(tpl["target"], 16)
        off = tpl["nonce_offset"]
        nonce = 0
        while nonce < 2_000_000:
            header[off:off + 8] = nonce.to_bytes(8, "little")
            if int.from_bytes(hashlib.sha256(bytes(header)).digest(), "big") < target:
                break
            nonce += 1
        r = requests.post(url(base, k, "/mining/submit"), json={"nonce": nonce}, timeout=T)
        if r.status_code == 200:
            b = r.json()
            check(b["message"] == "New Block Forged" and b["miner"] == name and b["proof"] == nonce,
                  "submit: %s" % b)
            # the block's own coinbase: for its height, under its merkle root (header bytes 40..72)
            cb = b["transactions"][0]
            check(cb["sender"] == "0" and cb["seq"] == b["index"],
                  "submit: block %d has the coinbase of height %s" % (b["index"], cb["seq"]))
            check(b["header"][80:144] == merkle([t["id"] for t in b["transactions"]]),
                  "submit: block %d: merkle root %s of the header is not its transactions'"
                  % (b["index"], b["header"][80:144]))
            return b
        check(r.status_code == 400 and r.json()["message"] == "Proof is invalid or already submitted.",
              "submit: status %d %s" % (r.status_code, r.text[:200]))
        # the template moved on (a new block arrived): mine the new one
    fail("client mining: no nonce accepted in %d tries" % tries)


def small(base, out):
    MINER1, MINER2, SLOW, TRADER, RELAY = range(5)
    accepted = []
    for k in range(5):
        get_chain(base, k)

    # register: the line miner1-miner2-slow-trader-relay gains miner1-relay
    n = requests.get(url(base, MINER1, "/nodes"), timeout=T).json()
    check(n == {"nodes": ["127.0.0.1:%d" % (base + 1)], "length": 1}, "GET /nodes: %s" % n)
    r = post(base, MINER1, "/nodes/register", {"nodes": ["127.0.0.1:%d" % (base + RELAY)]}, 201, "register")
    check(r["message"] == "New nodes have been added" and "127.0.0.1:%d" % (base + RELAY) in r["total_nodes"],
          "register: %s" % r)
    n = requests.get(url(base, RELAY, "/nodes"), timeout=T).json()
    check("127.0.0.1:%d" % base in n["nodes"] and n["length"] == 2, "GET /nodes after register: %s" % n)
    post(base, MINER1, "/nodes/register", {"nodes": ["http://127.0.0.1:1"]}, 400, "register unknown")
    post(base, MINER1, "/nodes/register", {"nodez": []}, 400, "register without nodes")

    # transactions: by node name and by wallet address, as the documents post them
    addr = address(base, TRADER, "trader")
    for sender in ("trader", addr):
        r = post(base, TRADER, "/transactions/new", {"sender": sender, "recipient": "miner2", "amount": 5},
                 201, "transfer")
        check(re.fullmatch(r"Transaction will be added to Block \d+", r["message"]), "transfer: %s" % r)
        accepted.append(r["TXID"])
    pool = requests.get(url(base, TRADER, "/transactions"), timeout=T).json()
    check(set(pool) == {"transactions", "length"} and pool["length"] == len(pool["transactions"]),
          "GET /transactions: %s" % pool)
    for body, what in (({"sender": "trader", "recipient": "miner2"}, "missing amount"),
                       ({"sender": "nobody", "recipient": "miner2", "amount": 1}, "unknown sender"),
                       ({"sender": "trader", "recipient": "HNLee", "amount": 1}, "unknown recipient"),
                       ({"sender": "trader", "recipient": "miner2", "amount": -3}, "negative amount"),
                       ({"sender": "relay", "recipient": "miner2", "amount": 11}, "insufficient balance")):
        r = post(base, TRADER, "/transactions/new", body, 400, what)
        check(r.get("message"), "%s: no reason given: %s" % (what, r))
    wait_chain(base, RELAY, lambda c: set(accepted) <= txids(c), "the transfers confirmed at relay")

    # GET /mine on a node that does not mine: it mines one block itself
    r = requests.get(url(base, RELAY, "/mine"), timeout=60)
    check(r.status_code == 200, "GET /mine on relay: status %d" % r.status_code)
    b = r.json()
    check(b["message"] == "New Block Forged" and b["miner"] == "relay" and b["index"] >= 1,
          "GET /mine on relay: %s" % {k: b.get(k) for k in ("message", "miner", "index")})
    # GET /mine on a miner: its next block
    b = requests.get(url(base, MINER2, "/mine"), timeout=60).json()
    check(b["miner"] == "miner2", "GET /mine on miner2: mined by %s" % b.get("miner"))

    # resolve
    r = requests.get(url(base, RELAY, "/nodes/resolve"), timeout=T)
    check(r.status_code == 200, "resolve: status %d" % r.status_code)
    r = r.json()
    check((r["message"], "new_chain" in r, "chain" in r) in
          (("Our chain was replaced", True, False), ("Our chain is authoritative", False, True)),
          "resolve: %s" % {k: r[k] for k in r if k != "chain" and k != "new_chain"})

    # client mining on the slow miner, and a wrong nonce
    r = requests.get(url(base, TRADER, "/mining/template"), timeout=T)
    check(r.status_code == 409, "template of a trader: status %d" % r.status_code)
    b = client_mine(base, SLOW, "slow")
    client_block = b["hash"]  # the shell finds it in blocks.csv, mined by slow (stale or not)
    tpl = requests.get(url(base, SLOW, "/mining/template"), timeout=T).json()
    header = bytearray.fromhex(tpl["header"])
    bad = 0
    while int.from_bytes(hashlib.sha256(bytes(header[:88]) + bad.to_bytes(8, "little")).digest(), "big") < int(tpl["target"], 16):
        bad += 1
    r = post(base, SLOW, "/mining/submit", {"nonce": bad}, 400, "a wrong nonce")
    check(r["message"] == "Proof is invalid or already submitted.", "wrong nonce: %s" % r)

    # difficulty 2 from the next block, for every node
    r = post(base, TRADER, "/difficulty", {"num_zeros": 2}, 201, "difficulty")
    wait_chain(base, RELAY, lambda c: c["chain"][-1]["difficulty"] == 2 and c["chain"][-2]["difficulty"] == 2,
               "blocks at 2 zeros")

    # bad requests, answered while the server keeps running
    for path, body, status in (("/transactions/new", b"{not json", 400), ("/difficulty", b"[1, 2]", 400),
                               ("/mining/submit", b'{"nonce": "x"}', 400), ("/nodes/register", b"", 400)):
        r = requests.post(url(base, MINER1, path), data=body, timeout=T)
        check(r.status_code == status and "message" in r.json(), "%s %r: status %d" % (path, body, r.status_code))
    r = requests.get(url(base, MINER1, "/no/such/route"), timeout=T)
    check(r.status_code == 404 and "message" in r.json(), "unknown path: status %d" % r.status_code)
    r = requests.get(url(base, MINER1, "/transactions/new"), timeout=T)
    check(r.status_code == 405, "GET on a POST route: status %d" % r.status_code)
    try:
        r = requests.post(url(base, MINER1, "/transactions/new"), data=b"x" * (4 << 20), timeout=T)
        check(r.status_code == 413, "a 4 MB body: status %d" % r.status_code)
    except requests.ConnectionError:
        pass  # the server may close the connection before reading it all
    # 192 MB without a length (chunked): refused, and kept no further than
    # the limit (the shell checks the server's peak memory)
    r = requests.post(url(base, MINER1, "/transactions/new"), data=(b"x" * (1 << 20) for _ in range(192)),
                      timeout=60)
    check(r.status_code == 413, "a 192 MB chunked body: status %d" % r.status_code)
    get_chain(base, MINER1)

    # a burst of 1000 transfers from 50 clients at once, bounded in time
    def one(i):
        r = requests.post(url(base, TRADER, "/transactions/new"),
                          json={"sender": "trader", "recipient": "miner1", "amount": 1 + i % 3}, timeout=60)
        return r.status_code, (r.json().get("TXID") if r.status_code == 201 else None)
    t0 = time.time()
    with concurrent.futures.ThreadPoolExecutor(max_workers=50) as ex:
        res = list(ex.map(one, range(1000)))
    took = time.time() - t0
    check(all(s == 201 for s, _ in res), "burst: statuses %s" % sorted({s for s, _ in res}))
    check(took < 30, "burst: 1000 requests took %.1f s" % took)
    accepted += [i for _, i in res]
    get_chain(base, MINER1)
    json.dump({"accepted": accepted, "burst_s": took, "client_block": client_block}, open(out, "w"))
    print("small flows: %d transfers accepted, burst of 1000 in %.2f s" % (len(accepted), took))


def lecture(base, out):
    NODE1, NODE4, NODE6 = 0, 3, 5
    # the lecture's steps: register, post a transaction, mine, chains, resolve
    r = post(base, NODE1, "/nodes/register",
             {"nodes": ["127.0.0.1:%d" % (base + k) for k in (1, 2, 3, 4)]}, 201, "register")
    check(r["message"] == "New nodes have been added", "register: %s" % r)
    node6 = address(base, NODE6, "Node6")
    r = post(base, NODE6, "/transactions/new", {"sender": node6, "recipient": "Node1", "amount": 5}, 201,
             "the lecture's transaction")
    m = re.fullmatch(r"Transaction will be added to Block (\d+)", r["message"])
    check(m, "transaction: %s" % r)
    txid = r["TXID"]
    c = wait_chain(base, NODE4, lambda c: txid in txids(c), "the transfer confirmed", seconds=30)
    height = next(b["index"] for b in c["chain"] if any(t["id"] == txid for t in b["transactions"]))
    check(height >= int(m.group(1)), "confirmed at %d, announced for %s" % (height, m.group(1)))
    b = requests.get(url(base, NODE1, "/mine"), timeout=60).json()
    check(b["message"] == "New Block Forged" and b["miner"] == "Node1", "GET /mine: %s" % b.get("miner"))
    r = requests.get(url(base, NODE1, "/nodes/resolve"), timeout=T)
    check(r.status_code == 200, "resolve: status %d" % r.status_code)
    json.dump({"accepted": [txid], "confirmed_at": height}, open(out, "w"))
    print("lecture: transfer posted to Node6 for block %s, confirmed in block %d" % (m.group(1), height))


def heights(page):
    text = open(page, encoding="utf-8", errors="replace").read()
    h = [int(x) for x in re.findall(r'<td class="num height">(\d+)</td>', text)]
    check(h, "no node heights in the dashboard")
    shown = re.search(r'simulated <b id="time">([0-9.]+) s', text)
    initial = re.search(r'var initial = \{"scenario":"[^"]*","time_s":([0-9.e+-]+)', text)
    check(shown and initial, "no simulated time in the dashboard")
    # the page came with the state of its request; what it shows came later, by /events
    print(sum(h), shown.group(1), initial.group(1))


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "freeport":
        print(freeport(int(sys.argv[2])))
    elif cmd == "wait":
        wait(int(sys.argv[2]))
    elif cmd == "small":
        small(int(sys.argv[2]), sys.argv[3])
    elif cmd == "lecture":
        lecture(int(sys.argv[2]), sys.argv[3])
    elif cmd == "heights":
        heights(sys.argv[2])
    else:
        fail("unknown command %s" % cmd)
