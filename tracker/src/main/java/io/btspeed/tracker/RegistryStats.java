package io.btspeed.tracker;

/** A snapshot of the registry's size, for the periodic stats line. */
public record RegistryStats(int torrents, long peers, long seeders, long leechers, long completed) {}
