/** How a gRPC call was refused: its status, the credfed-reason trailer and the details text. */
import type * as grpc from '@grpc/grpc-js';
import { reasonOf } from '../../src/grpc/to-grpc-error.js';

/** Awaits a call expected to fail; throws when it succeeds. */
export async function refusal(p: Promise<unknown>): Promise<{ code: grpc.status; reason: string | undefined; details: string }> {
  try {
    await p;
  } catch (e) {
    return { code: (e as grpc.ServiceError).code, reason: reasonOf(e), details: (e as grpc.ServiceError).details };
  }
  throw new Error('the call succeeded');
}
