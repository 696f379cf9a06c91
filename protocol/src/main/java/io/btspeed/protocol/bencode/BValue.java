package io.btspeed.protocol.bencode;

/** A bencoded value: integer, byte string, list or dictionary. */
public sealed interface BValue permits BInt, BBytes, BList, BDict {}
