#!/usr/bin/python3
"""libtorrent 2.0 (Debian python3-libtorrent) peer for loopback interop tests and benchmarks.

  lt_peer.py seed  --torrent T --dir DATA_DIR --ip 127.0.0.2 --port P [--peer HOST:PORT]... [--no-tracker]
  lt_peer.py leech --torrent T|--magnet URI --dir OUT_DIR --ip 127.0.0.3 --port P [--peer HOST:PORT]...
  lt_peer.py make  --path FILE_OR_DIR --out T [--piece-size BYTES] [--tracker URL]...   (a v1-only torrent)

Lines it prints that callers wait for:
  "READY seeding"                            seeder: data verified, serving
  "RESULT ok bytes=N seconds=S MBps=R"       leecher: every piece verified (exit 0)
  "RESULT timeout progress=F"                leecher gave up (exit 1)
Runs over TCP only (no DHT, LSD, UPnP, NAT-PMP, uTP) so loopback runs are deterministic.
"""
import argparse
import os
import signal
import sys
import time

import libtorrent as lt


def parse_args():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["seed", "leech", "make"])
    ap.add_argument("--torrent")
    ap.add_argument("--magnet")
    ap.add_argument("--dir")
    ap.add_argument("--ip", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--peer", action="append", default=[])
    ap.add_argument("--no-tracker", action="store_true")
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("--upload-limit", type=int, default=0, help="bytes/s, 0 = unlimited")
    ap.add_argument("--path")
    ap.add_argument("--out")
    ap.add_argument("--piece-size", type=int, default=0)
    ap.add_argument("--tracker", action="append", default=[])
    return ap.parse_args()


def make(a):
    fs = lt.file_storage()
    lt.add_files(fs, a.path)
    # v1 only: hybrid torrents would add padding files and v2 hashes we do not test here
    t = lt.create_torrent(fs, a.piece_size, flags=lt.create_torrent.v1_only)
    for tier, url in enumerate(a.tracker):
        t.add_tracker(url, tier)
    t.set_creator("lt_peer " + lt.__version__)
    lt.set_piece_hashes(t, os.path.dirname(os.path.abspath(a.path)))
    with open(a.out, "wb") as f:
        f.write(lt.bencode(t.generate()))
    print("CREATED " + a.out, flush=True)
    return 0


def session_for(a):
    s = lt.default_settings()
    s.update({
        "listen_interfaces": "%s:%d" % (a.ip, a.port),
        "outgoing_interfaces": a.ip,
        "enable_dht": False, "enable_lsd": False, "enable_upnp": False, "enable_natpmp": False,
        "enable_incoming_utp": False, "enable_outgoing_utp": False,
        # every loopback peer may share one IP; the default would drop the second connection
        "allow_multiple_connections_per_ip": True,
        # a peer that is not listening yet must be retried soon, not after the default back-off
        "min_reconnect_time": 1, "max_failcount": 100,
        "announce_to_all_trackers": True, "announce_to_all_tiers": True,
        # plaintext only: btspeed does not speak MSE, and fallback costs a round trip per dial
        "out_enc_policy": int(lt.enc_policy.disabled), "in_enc_policy": int(lt.enc_policy.disabled),
        "upload_rate_limit": a.upload_limit,
        "alert_mask": int(lt.alert_category.error | lt.alert_category.status | lt.alert_category.peer
                          | lt.alert_category.connect | lt.alert_category.tracker),
    })
    ses = lt.session(s)
    if a.upload_limit:
        # loopback peers fall into libtorrent's local peer class, which rate limits never apply to:
        # put every address in the global class so --upload-limit holds on 127.x too
        f = lt.ip_filter()
        f.add_rule("0.0.0.0", "255.255.255.255", 1 << lt.session.global_peer_class_id)
        ses.set_peer_class_filter(f)
    return ses


def dial(h, peers):
    for pe in peers:
        host, port = pe.rsplit(":", 1)
        h.connect_peer((host, int(port)), 0)


def run(a):
    ses = session_for(a)
    if a.magnet:
        p = lt.parse_magnet_uri(a.magnet)
    else:
        p = lt.add_torrent_params()
        p.ti = lt.torrent_info(a.torrent)
    p.save_path = a.dir
    if a.no_tracker:
        p.trackers = []
    # the default flags are paused|auto_managed: clearing only one leaves the torrent paused forever
    p.flags &= ~(lt.torrent_flags.auto_managed | lt.torrent_flags.paused)
    h = ses.add_torrent(p)
    if a.no_tracker:
        h.replace_trackers([])
    dial(h, a.peer)

    stop = [False]
    signal.signal(signal.SIGTERM, lambda *_: stop.__setitem__(0, True))
    signal.signal(signal.SIGINT, lambda *_: stop.__setitem__(0, True))

    t0 = time.time()
    last_print = last_dial = last_announce = t0
    ready = False
    rc = 1 if a.mode == "leech" else 0
    while not stop[0] and time.time() - t0 < a.timeout:
        for al in ses.pop_alerts():
            if isinstance(al, lt.listen_succeeded_alert):
                print("LISTEN %s:%d" % (al.address, al.port), flush=True)
            elif al.category() & lt.alert_category.error or isinstance(
                    al, (lt.peer_connect_alert, lt.peer_disconnected_alert, lt.tracker_reply_alert,
                         lt.tracker_error_alert, lt.metadata_received_alert)):
                print("[%7.2f] %s: %s" % (time.time() - t0, type(al).__name__, al.message()), flush=True)
        st = h.status()
        now = time.time()
        if a.mode == "seed" and not ready and st.state == lt.torrent_status.seeding:
            print("READY seeding", flush=True)
            ready = True
        if a.mode == "leech" and st.has_metadata and st.is_seeding:
            secs = max(now - t0, 1e-6)
            size = h.torrent_file().total_size()
            print("RESULT ok bytes=%d seconds=%.2f MBps=%.1f" % (size, secs, size / 1e6 / secs), flush=True)
            rc = 0
            break
        # re-dial while unconnected: the other side may not have been listening yet
        if a.peer and st.num_peers == 0 and now - last_dial > 1:
            dial(h, a.peer)
            last_dial = now
        # trackers hand out peer lists only on announce: ask again while we have none
        if not a.no_tracker and st.num_peers == 0 and now - last_announce > 2:
            h.force_reannounce(0, -1, lt.reannounce_flags_t.ignore_min_interval)
            last_announce = now
        if now - last_print > 1:
            print("[%7.2f] state=%s progress=%.1f%% down=%.1fMB/s up=%.1fMB/s peers=%d" % (
                now - t0, st.state, st.progress * 100, st.download_rate / 1e6, st.upload_rate / 1e6,
                st.num_peers), flush=True)
            last_print = now
        time.sleep(0.05)
    if rc:
        print("RESULT timeout progress=%.3f" % h.status().progress, flush=True)
    ses.pause()
    return rc


def main():
    a = parse_args()
    if a.mode == "make":
        return make(a)
    if not a.dir or not (a.torrent or a.magnet):
        print("need --dir and --torrent or --magnet", file=sys.stderr)
        return 2
    return run(a)


if __name__ == "__main__":
    sys.exit(main())
