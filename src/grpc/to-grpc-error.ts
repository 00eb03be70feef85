import * as grpc from '@grpc/grpc-js';
import { CredfedError, ERROR_CATALOGUE } from '../core/errors.js';

/** Metadata key carrying the machine-readable reason (an error catalogue code). */
export const REASON_KEY = 'credfed-reason';

/**
 * The one place errors become gRPC statuses. Catalogue errors keep their code
 * and message; anything else becomes INTERNAL without leaking internals.
 */
export function toGrpcError(e: unknown): grpc.ServiceError {
  const known = e instanceof CredfedError ? e : undefined;
  const metadata = new grpc.Metadata();
  metadata.set(REASON_KEY, known?.code ?? 'INTERNAL');
  const err = new Error(known?.message ?? ERROR_CATALOGUE.INTERNAL.message) as grpc.ServiceError;
  err.code = known?.status ?? grpc.status.INTERNAL;
  err.details = err.message;
  err.metadata = metadata;
  return err;
}

/** Reads the machine-readable reason off a failed call (client side). */
export function reasonOf(e: unknown): string | undefined {
  const md = (e as grpc.ServiceError | undefined)?.metadata;
  const v = md?.get(REASON_KEY)[0];
  return typeof v === 'string' ? v : undefined;
}
