/**
 * Discrete-event swarm simulator driving core and market: {@link io.btspeed.sim.ScenarioLoader} reads a scenario
 * (YAML/JSON, {@code sim/scenarios/}), {@link io.btspeed.sim.Swarm#run} simulates it deterministically and returns a
 * {@link io.btspeed.sim.SimResult}; {@link io.btspeed.sim.report.RunReport} writes CSV, summaries and PNG plots.
 * Studies made with it: {@code docs/INCENTIVES.md}.
 */
package io.btspeed.sim;
