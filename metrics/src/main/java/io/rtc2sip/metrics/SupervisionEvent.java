package io.rtc2sip.metrics;

import java.time.Instant;

/**
 * Something the node's supervision did or saw: an entity failed and was restarted, a journal
 * write failed and the entity backs off, an adapter restarted, a cluster member became
 * unreachable.
 *
 * @param node the cluster address of the node that recorded it
 * @param kind one of the {@code KIND_*} names of {@link SupervisionLog}
 * @param subject what it happened to: a call id, an entity id, an adapter, a member address
 * @param detail the cause, for people
 */
public record SupervisionEvent(Instant at, String node, String kind, String subject,
    String detail) {}
