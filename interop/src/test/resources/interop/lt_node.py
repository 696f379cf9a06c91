#!/usr/bin/python3
"""libtorrent (Debian python3-libtorrent 2.0) peer for btspeed's interop tests, on loopback only.

  lt_node.py seed  TORRENT DIR --listen IP:PORT [--connect HOST:PORT]... [--deadline S]
  lt_node.py leech TORRENT|MAGNET DIR --listen IP:PORT [--connect HOST:PORT]... [--deadline S]
  --reannounce S : announce to the trackers every S seconds (to learn peers that joined after us)

Prints 'READY port=N' once listening (seeders: once the data is checked), then progress lines,
and for leechers 'DONE bytes=N seconds=S' when every piece is verified (exit 0). Exit 3 on deadline.
DHT, local discovery, UPnP, NAT-PMP and uTP are off so runs are deterministic and TCP-only.
"""
import sys, time, signal, argparse
import libtorrent as lt

ap = argparse.ArgumentParser()
ap.add_argument("role", choices=["seed", "leech"])
ap.add_argument("source")
ap.add_argument("dir")
ap.add_argument("--listen", required=True)
ap.add_argument("--connect", action="append", default=[])
ap.add_argument("--deadline", type=float, default=120)
ap.add_argument("--no-trackers", action="store_true")
ap.add_argument("--lsd", action="store_true", help="turn on local service discovery (BEP 14)")
ap.add_argument("--reannounce", type=float, default=0,
                help="force a tracker announce every S seconds (libtorrent otherwise waits at least 5 minutes between announces)")
args = ap.parse_args()

ip, port = args.listen.rsplit(":", 1)
settings = {
    "listen_interfaces": args.listen,
    "outgoing_interfaces": ip,
    "enable_dht": False, "enable_lsd": False, "enable_upnp": False, "enable_natpmp": False,
    "enable_incoming_utp": False, "enable_outgoing_utp": False,
    "allow_multiple_connections_per_ip": True,
    "min_reconnect_time": 1, "max_failcount": 100,
    "in_enc_policy": int(lt.enc_policy.disabled), "out_enc_policy": int(lt.enc_policy.disabled),
    "announce_to_all_tiers": True, "announce_to_all_trackers": True,
    "alert_mask": int(lt.alert_category.error | lt.alert_category.status | lt.alert_category.tracker),
}
if args.lsd:
    settings["enable_lsd"] = True
session = lt.session(settings)

if args.source.startswith("magnet:"):
    params = lt.parse_magnet_uri(args.source)
    info = None
else:
    info = lt.torrent_info(args.source)
    params = lt.add_torrent_params()
    params.ti = info
params.save_path = args.dir
if args.no_trackers:
    params.trackers = []
# without clearing both, libtorrent adds the torrent paused and never starts it
params.flags &= ~(lt.torrent_flags.paused | lt.torrent_flags.auto_managed)
handle = session.add_torrent(params)

stopping = []
signal.signal(signal.SIGTERM, lambda *a: stopping.append(1))
signal.signal(signal.SIGINT, lambda *a: stopping.append(1))

def dial():
    for c in args.connect:
        h, p = c.rsplit(":", 1)
        handle.connect_peer((h, int(p)), 0)

start = time.time()
ready = False
last_dial = 0.0
last_print = 0.0
last_announce = time.time()
rc = 3
while not stopping and time.time() - start < args.deadline:
    for a in session.pop_alerts():
        if a.category() & lt.alert_category.error:
            print("ALERT", type(a).__name__, a.message(), flush=True)
    st = handle.status()
    if not ready and session.is_listening():
        if args.role == "leech" or st.is_seeding:
            print("READY port=%d" % session.listen_port(), flush=True)
            ready = True
    if args.connect and st.num_peers == 0 and time.time() - last_dial > 1:
        dial()
        last_dial = time.time()
    if args.reannounce > 0 and time.time() - last_announce > args.reannounce:
        handle.force_reannounce(0, -1, lt.reannounce_flags_t.ignore_min_interval)
        last_announce = time.time()
    if time.time() - last_print > 1:
        print("STATUS state=%s progress=%.3f peers=%d down=%d up=%d" % (st.state, st.progress, st.num_peers,
              st.download_rate, st.upload_rate), flush=True)
        last_print = time.time()
    if args.role == "leech" and st.is_seeding:
        print("DONE bytes=%d seconds=%.2f" % (st.total_wanted, time.time() - start), flush=True)
        rc = 0
        break
    time.sleep(0.05)
if args.role == "seed" and (stopping or time.time() - start >= args.deadline):
    rc = 0


def await_tracker_answer(seconds):
    """Waits (bounded) for a tracker to answer an announce: libtorrent sends 'completed' when the download
    finishes and 'stopped' when paused; a process that exits before the first is answered can have its
    'stopped' overtake its 'completed', and the tracker then lists it as a seed for good."""
    end = time.time() + seconds
    while time.time() < end:
        if session.wait_for_alert(100) is None:
            continue
        for al in session.pop_alerts():
            if isinstance(al, (lt.tracker_reply_alert, lt.tracker_error_alert)):
                return


if rc == 0 and args.role == "leech" and not args.no_trackers and handle.trackers():
    await_tracker_answer(5)  # the 'completed' announce
    session.pause()
    await_tracker_answer(3)  # the 'stopped' announce
else:
    session.pause()
sys.exit(rc)
