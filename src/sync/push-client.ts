import * as grpc from '@grpc/grpc-js';
import type { PushRecordsResponse } from '../gen/credfed/v1/federation.js';
import { pushWireDefinition, type OutgoingBatch } from './push-wire.js';

/** A client of Federation.PushRecords that sends stored record bytes as they are. */
export interface PushWireClient extends grpc.Client {
  pushRecords(options?: grpc.CallOptions): grpc.ClientDuplexStream<OutgoingBatch, PushRecordsResponse>;
}

const PushWireClientConstructor = grpc.makeGenericClientConstructor({ pushRecords: pushWireDefinition }, 'credfed.v1.Federation');

export function createPushClient(endpoint: string, credentials: grpc.ChannelCredentials, options: grpc.ChannelOptions): PushWireClient {
  return new PushWireClientConstructor(endpoint, credentials, options) as unknown as PushWireClient;
}
