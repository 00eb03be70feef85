/** Splitting PEM text into its labelled blocks (RFC 7468). */

/** One `-----BEGIN <label>----- … -----END <label>-----` block. */
export interface PemBlock {
  readonly label: string;
  /** The whole block, armour lines included, newline-terminated. */
  readonly pem: string;
  readonly der: Buffer;
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([A-Za-z0-9+/=\s]*?)-----END ([A-Z0-9 ]+)-----/g;

/**
 * Returns the PEM blocks in `text`, in order. Text between blocks (OpenSSL's
 * "Bag Attributes", comments) is ignored; a block whose END label differs
 * from its BEGIN label or whose body is not base64 is skipped, so callers
 * that expect a block of some label see it missing.
 */
export function pemBlocks(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  for (const m of text.matchAll(BLOCK)) {
    const [whole, label, body, endLabel] = m as unknown as [string, string, string, string];
    if (label !== endLabel) continue;
    const der = Buffer.from(body.replace(/\s+/g, ''), 'base64');
    if (der.length === 0) continue;
    blocks.push({ label, pem: `${whole}\n`, der });
  }
  return blocks;
}
