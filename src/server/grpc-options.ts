import type { ChannelOptions } from '@grpc/grpc-js';
import type { NodeConfig } from '../config/node-config.js';

/**
 * Server options: message size limits (requests small, answers large enough
 * for a batch of signed verdicts), keepalive / connection age so long-lived
 * streams survive TCP load balancers and rebalance over time, and channelz off.
 */
export function serverOptions(config: NodeConfig): ChannelOptions {
  return {
    'grpc.max_receive_message_length': config.limits.maxMessageBytes,
    'grpc.max_send_message_length': config.limits.maxAnswerBytes,
    'grpc.keepalive_time_ms': config.grpc.keepaliveTimeMs,
    'grpc.keepalive_timeout_ms': config.grpc.keepaliveTimeoutMs,
    'grpc.keepalive_permit_without_calls': 1,
    'grpc.http2.min_ping_interval_without_data_ms': Math.min(10_000, config.grpc.keepaliveTimeMs),
    'grpc.max_connection_age_ms': config.grpc.maxConnectionAgeMs,
    'grpc.max_connection_age_grace_ms': config.grpc.maxConnectionAgeGraceMs,
    // No channelz service is served: without it grpc-js keeps no per-call channelz counters (measurable per call).
    'grpc.enable_channelz': 0,
  };
}

/**
 * Client channel options, matching the server's. The TLS server name is the
 * partner id: identity is checked against the certificate's URI SAN, and an IP
 * address is not a valid SNI name.
 */
export function channelOptions(config: Pick<NodeConfig, 'limits' | 'grpc'>, partnerId: string): ChannelOptions {
  return {
    'grpc.ssl_target_name_override': partnerId,
    'grpc.max_receive_message_length': config.limits.maxAnswerBytes,
    'grpc.max_send_message_length': config.limits.maxMessageBytes,
    'grpc.keepalive_time_ms': config.grpc.keepaliveTimeMs,
    'grpc.keepalive_timeout_ms': config.grpc.keepaliveTimeoutMs,
    'grpc.keepalive_permit_without_calls': 1,
    'grpc.initial_reconnect_backoff_ms': 200,
    'grpc.max_reconnect_backoff_ms': 5_000,
    'grpc.enable_channelz': 0,
  };
}
