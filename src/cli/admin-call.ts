import * as grpc from '@grpc/grpc-js';
import { AdminClient, type StatusResponse } from '../gen/credfed/v1/admin.js';
import { clientCredentials } from '../pki/grpc-credentials.js';
import { loadTlsFiles } from '../pki/tls-files.js';

export interface AdminTarget {
  readonly federation: string;
  readonly nodeId: string;
  readonly endpoint: string;
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
}

/** Calls Admin.Status on one node over mutual TLS with an admin certificate. */
export async function fetchStatus(target: AdminTarget, timeoutMs = 5_000): Promise<StatusResponse> {
  const tls = await loadTlsFiles({ caFile: target.caFile, certFile: target.certFile, keyFile: target.keyFile });
  const creds = clientCredentials(tls, { federation: target.federation, kind: 'partner', id: target.nodeId });
  const client = new AdminClient(target.endpoint, creds, { 'grpc.ssl_target_name_override': target.nodeId });
  try {
    return await new Promise<StatusResponse>((resolve, reject) =>
      client.status({}, new grpc.Metadata(), { deadline: Date.now() + timeoutMs }, (e, res) => (e ? reject(e) : resolve(res!))),
    );
  } finally {
    client.close();
  }
}
