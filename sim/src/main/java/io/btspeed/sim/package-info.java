/** Discrete-event swarm simulator driving core and market. */
package io.btspeed.sim;
