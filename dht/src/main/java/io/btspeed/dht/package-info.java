/** Mainline DHT (BEP 5) node. */
package io.btspeed.dht;
