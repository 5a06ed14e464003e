package io.rtc2sip.actors;

/**
 * Marker for everything that is persisted in the journal or sent between nodes. Bound to
 * Jackson CBOR in {@code rtc2sip-serialization.conf} (module cluster-config). Records and sealed
 * interfaces need no annotations: the build compiles with {@code -parameters}.
 */
public interface CborSerializable {}
