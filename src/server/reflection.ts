/**
 * gRPC server reflection (grpc.reflection.v1 and v1alpha ServerReflection,
 * issue 9 point 2) on the gateway's mTLS port, so grpcurl and similar tools
 * can list and describe credfed.v1.Federation, credfed.v1.Admin and
 * grpc.health.v1.Health without the .proto files. Like the health service it
 * sits outside the RPC wrapper: the TLS handshake already requires a client
 * certificate this node trusts, and what it tells is the public contract
 * (proto/credfed/v1), never data. Off by default (`server.reflection`);
 * callers then get UNIMPLEMENTED. Its modules load only when it is on.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as grpc from '@grpc/grpc-js';
import { protoPath as healthProtoPath } from 'grpc-health-check';

/** The repository's proto/ directory (the public contract). */
const PROTO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../proto');
const CONTRACT_DIR = path.join(PROTO_ROOT, 'credfed', 'v1');
/** grpc-health-check ships health.proto as .../proto/health/v1/health.proto, package grpc.health.v1. */
const HEALTH_INCLUDE = path.resolve(path.dirname(healthProtoPath), '../..');

/** Every file of the contract, by its import name (credfed/v1/federation.proto …), and the health service's. */
export function reflectedFiles(): string[] {
  const contract = fs
    .readdirSync(CONTRACT_DIR)
    .filter((f) => f.endsWith('.proto'))
    .sort()
    .map((f) => `credfed/v1/${f}`);
  return [...contract, path.relative(HEALTH_INCLUDE, healthProtoPath)];
}

/** Adds the reflection services to `server` (before it listens). */
export async function addReflection(server: Pick<grpc.Server, 'addService'>): Promise<void> {
  const [protoLoader, { ReflectionService }] = await Promise.all([import('@grpc/proto-loader'), import('@grpc/reflection')]);
  const pkg = protoLoader.loadSync(reflectedFiles(), { includeDirs: [PROTO_ROOT, HEALTH_INCLUDE], keepCase: true });
  new ReflectionService(pkg).addToServer(server);
}
