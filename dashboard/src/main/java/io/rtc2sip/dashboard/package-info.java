/**
 * What operators look at over HTTP: the supervision dashboard (cluster, shards, calls,
 * supervision events), the call-history API with replay, and Prometheus metrics.
 */
package io.rtc2sip.dashboard;
