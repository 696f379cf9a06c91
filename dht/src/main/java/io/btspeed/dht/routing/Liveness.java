package io.btspeed.dht.routing;

/** BEP 5 node states. */
public enum Liveness {
    GOOD, QUESTIONABLE, BAD
}
