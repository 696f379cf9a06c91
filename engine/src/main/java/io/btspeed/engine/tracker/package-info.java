/**
 * Tracker clients: HTTP(S) announces (BEP 3, compact peers BEP 23, {@code peers6} BEP 7), UDP announces
 * (BEP 15, URL data BEP 41) and multi-tracker tiers (BEP 12).
 *
 * <p>Layers, from pure to I/O:
 * <ul>
 *   <li>{@link io.btspeed.engine.tracker.HttpAnnounceParser} and {@link io.btspeed.engine.tracker.UdpTrackerPackets}
 *       — pure decoders/encoders of tracker bytes (fuzzed);</li>
 *   <li>{@link io.btspeed.engine.tracker.AnnounceSchedule} — pure: which tracker to announce to when, with which
 *       event, given the time;</li>
 *   <li>{@link io.btspeed.engine.tracker.HttpTrackerClient}, {@link io.btspeed.engine.tracker.UdpTrackerClient}
 *       behind {@link io.btspeed.engine.tracker.TrackerClient}, made by
 *       {@link io.btspeed.engine.tracker.TrackerClients#forUrl};</li>
 *   <li>{@link io.btspeed.engine.tracker.Announcer} — the per-torrent loop a runtime runs on a virtual thread.</li>
 * </ul>
 *
 * <p>Typical use by a torrent:
 * <pre>{@code
 * Announcer a = new Announcer(infoHash, peerId, listenPort, metainfo.announceTiers(),
 *         () -> new Announcer.Stats(uploaded, downloaded, left), peers -> dialer.offer(peers));
 * Thread.ofVirtual().start(a::run);
 * ...  a.completed();   // when the last piece verified
 * ...  a.announceSoon(); // when short of peers
 * ...  a.close();       // on stop: sends "stopped", bounded by a short timeout
 * }</pre>
 */
package io.btspeed.engine.tracker;
