import type * as grpc from '@grpc/grpc-js';

const MALFORMED = Symbol('credfed.malformed');

interface Malformed {
  readonly [MALFORMED]: string;
}

/**
 * grpc-js answers a request it cannot decode with a bare INTERNAL. Wrapping
 * the service's decoders turns such bytes into a marker the handler reports
 * as INVALID_ARGUMENT / PROTOCOL_VIOLATION instead.
 */
export function withSafeDeserializers<S extends grpc.ServiceDefinition>(service: S): S {
  const wrapped: Record<string, grpc.MethodDefinition<unknown, unknown>> = {};
  for (const [name, method] of Object.entries(service)) {
    wrapped[name] = {
      ...method,
      requestDeserialize: (bytes: Buffer) => {
        try {
          return method.requestDeserialize(bytes);
        } catch (e) {
          return { [MALFORMED]: (e as Error).message } satisfies Malformed;
        }
      },
    };
  }
  return wrapped as S;
}

/** Why a received message could not be decoded, or undefined when it was fine. */
export function malformedReason(message: unknown): string | undefined {
  return typeof message === 'object' && message !== null && MALFORMED in message ? (message as Malformed)[MALFORMED] : undefined;
}
