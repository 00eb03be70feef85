/** Certificate serials as the trust checks compare them: lower-case hex without leading zeros. */
export function normaliseSerial(hex: string): string {
  const s = hex.replace(/[:\s]/g, '').toLowerCase().replace(/^0+/, '');
  return s === '' ? '0' : s;
}

/** How a certificate is named for revocation and cut-off: its issuer's key fingerprint and its serial. */
export function certificateKey(caFingerprint: string, serialHex: string): string {
  return `${caFingerprint}/${normaliseSerial(serialHex)}`;
}
