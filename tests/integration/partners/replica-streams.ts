/**
 * Gateway replicas on one database, each with a partner's push stream open,
 * for tests of a change (suspension, revocation) every replica must apply.
 */
import type { FederationClient } from '../../../src/gen/credfed/v1/federation.js';
import type { Gateway } from '../../../src/server/gateway.js';
import { waitFor } from '../../helpers/federation-fixture.js';
import { openPush, type OpenPush } from './open-push.js';

export interface Replica {
  readonly gateway: Gateway;
  readonly port: number;
  client?: FederationClient;
}

/** Connects to each replica (kept as its `client`) and opens a push stream there; resolves once each is up. */
export async function openPushOnEach(replicas: Replica[], connect: (port: number) => Promise<FederationClient>): Promise<OpenPush[]> {
  const streams: OpenPush[] = [];
  for (const r of replicas) {
    r.client = await connect(r.port);
    const stream = openPush(r.client);
    await stream.resumeSeq();
    streams.push(stream);
  }
  return streams;
}

/** How each stream ended, with one deadline for all: the replicas apply a change independently. */
export function endingsOf(streams: readonly OpenPush[], deadlineMs: number): Promise<ReturnType<OpenPush['ended']>[]> {
  return Promise.all(streams.map((stream, i) => waitFor(() => stream.ended(), deadlineMs, `the stream on replica ${i} to end`)));
}

/** Closes the clients and stops every replica. */
export async function stopReplicas(replicas: readonly Replica[]): Promise<void> {
  replicas.forEach((r) => r.client?.close());
  await Promise.allSettled(replicas.map((r) => r.gateway.stop()));
}
