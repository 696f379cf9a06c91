#!/usr/bin/python3
"""libtorrent 2.0 (Debian python3-libtorrent) DHT node for loopback interop tests.

  lt_dht.py --listen 127.0.0.1:PORT --bootstrap 127.0.0.1:PORT [--announce HEX]... [--lookup HEX]...
            [--seed TORRENT --dir DIR] [--deadline SECONDS]

Joins the DHT only through --bootstrap (never the public routers). Every --announce info-hash is
added as a torrent without metadata, which libtorrent announces on the DHT with its listen port
(the Python binding cannot build the flags of session.dht_announce); every 2 s those torrents
re-announce and every --lookup is looked up, printing one line per answer:
  PEERS <hex> <ip:port> <ip:port> ...
With --seed it also seeds the torrent (found by others through the DHT only) and prints SEEDING
once the data is verified. Runs until --deadline or SIGTERM. Settings lift libtorrent's guards
against loopback and same-IP nodes, which a loopback test network is made of.
"""
import argparse, signal, sys, time
import libtorrent as lt

ap = argparse.ArgumentParser()
ap.add_argument("--listen", required=True)
ap.add_argument("--bootstrap", required=True)
ap.add_argument("--announce", action="append", default=[])
ap.add_argument("--lookup", action="append", default=[])
ap.add_argument("--seed")
ap.add_argument("--dir")
ap.add_argument("--deadline", type=float, default=120)
a = ap.parse_args()

ip, port = a.listen.rsplit(":", 1)
ses = lt.session({
    "listen_interfaces": a.listen,
    "outgoing_interfaces": ip,
    "enable_dht": True,
    "dht_bootstrap_nodes": a.bootstrap,
    "enable_lsd": False, "enable_upnp": False, "enable_natpmp": False,
    "enable_incoming_utp": False, "enable_outgoing_utp": False,
    # a loopback network: every node is 127.0.0.1, ids are not derived from public IPs (BEP 42)
    "dht_restrict_routing_ips": False, "dht_restrict_search_ips": False,
    "dht_prefer_verified_node_ids": False, "dht_enforce_node_id": False, "dht_ignore_dark_internet": False,
    "dht_block_ratelimit": 10000, "dht_upload_rate_limit": 1000000,
    "allow_multiple_connections_per_ip": True,
    "out_enc_policy": int(lt.enc_policy.disabled), "in_enc_policy": int(lt.enc_policy.disabled),
    "alert_mask": int(lt.alert_category.error | lt.alert_category.status | lt.alert_category.dht
                      | lt.alert_category.dht_operation | lt.alert_category.peer | lt.alert_category.connect),
    "peer_fingerprint": lt.generate_fingerprint("LT", 2, 0, 8, 0),
})

def sha1(h):
    return lt.sha1_hash(bytes.fromhex(h))

announced = []
for h in a.announce:
    p = lt.add_torrent_params()
    p.info_hashes = lt.info_hash_t(sha1(h))
    p.save_path = "."
    p.flags &= ~(lt.torrent_flags.auto_managed | lt.torrent_flags.paused)
    p.flags |= lt.torrent_flags.upload_mode  # never writes: there is no data behind this hash
    announced.append(ses.add_torrent(p))

handle = None
if a.seed:
    p = lt.add_torrent_params()
    p.ti = lt.torrent_info(a.seed)
    p.save_path = a.dir
    p.trackers = []
    p.flags &= ~(lt.torrent_flags.auto_managed | lt.torrent_flags.paused)
    handle = ses.add_torrent(p)

stop = [False]
signal.signal(signal.SIGTERM, lambda *_: stop.__setitem__(0, True))
signal.signal(signal.SIGINT, lambda *_: stop.__setitem__(0, True))
t0 = time.time()
last = 0
seeding = False
print("STARTED dht on %s bootstrap %s" % (a.listen, a.bootstrap), flush=True)
while not stop[0] and time.time() - t0 < a.deadline:
    for al in ses.pop_alerts():
        if isinstance(al, lt.dht_get_peers_reply_alert):
            peers = " ".join("%s:%d" % (pe[0], pe[1]) for pe in al.peers())
            print("PEERS %s %s" % (str(al.info_hash), peers), flush=True)
        elif isinstance(al, lt.dht_announce_alert):
            print("ANNOUNCE-IN %s from %s:%d" % (str(al.info_hash), al.ip, al.port), flush=True)
        elif al.category() & lt.alert_category.error:
            print("[%6.2f] %s: %s" % (time.time() - t0, type(al).__name__, al.message()), flush=True)
        elif isinstance(al, (lt.peer_connect_alert, lt.peer_disconnected_alert, lt.dht_bootstrap_alert)):
            print("[%6.2f] %s: %s" % (time.time() - t0, type(al).__name__, al.message()), flush=True)
    if handle is not None and not seeding and handle.status().state == lt.torrent_status.seeding:
        print("SEEDING", flush=True)
        seeding = True
    if time.time() - last > 2:
        last = time.time()
        for t in announced:
            t.force_dht_announce()
        for h in a.lookup:
            ses.dht_get_peers(sha1(h))
        if handle is not None:
            handle.force_dht_announce()
        print("[%6.2f] dht nodes %d" % (time.time() - t0, ses.status().dht_nodes), flush=True)
    time.sleep(0.05)
ses.pause()
del ses
sys.exit(0)
