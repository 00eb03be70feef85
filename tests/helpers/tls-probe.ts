/** Raw TLS handshakes against a gateway: which certificate does it present to a new connection now? */
import fs from 'node:fs';
import tls from 'node:tls';
import type { TlsFilePaths } from '../../src/pki/tls-files.js';

/** Connects with `files`, returns the serial (lower-case hex) of the server's certificate, then hangs up. */
export function serverSerial(files: TlsFilePaths, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host: '127.0.0.1',
      port,
      ca: fs.readFileSync(files.caFile),
      cert: fs.readFileSync(files.certFile),
      key: fs.readFileSync(files.keyFile),
      servername: 'city',
      ALPNProtocols: ['h2'],
      checkServerIdentity: () => undefined,
    });
    socket.once('secureConnect', () => {
      const serial = socket.getPeerCertificate().serialNumber.toLowerCase().replace(/^0+/, '');
      socket.destroy();
      resolve(serial);
    });
    socket.once('error', reject);
  });
}
