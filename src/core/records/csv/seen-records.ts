/**
 * The records already met in one file, as 64-bit fingerprints with the line
 * each was first met on: an open-addressing table in typed arrays, 24 bytes
 * a record at most, so a million-row file costs about 24 MB while nothing
 * else of it is held. Pure.
 */
export class SeenRecords {
  private hi = new Uint32Array(1024);
  private lo = new Uint32Array(1024);
  /** Line of the first occurrence; 0 marks an empty slot. */
  private lines = new Uint32Array(1024);
  private size = 0;

  /** Records `fingerprint` as met on `line` (≥ 1); returns the line it was first met on if seen before. */
  add(fingerprint: readonly [number, number], line: number): number | undefined {
    const [hi, lo] = fingerprint;
    const mask = this.lines.length - 1;
    let slot = (lo ^ Math.imul(hi, 0x9e3779b1)) & mask;
    while (this.lines[slot] !== 0) {
      if (this.hi[slot] === hi && this.lo[slot] === lo) return this.lines[slot];
      slot = (slot + 1) & mask;
    }
    this.hi[slot] = hi;
    this.lo[slot] = lo;
    this.lines[slot] = line;
    this.size += 1;
    if (this.size * 2 > this.lines.length) this.grow();
    return undefined;
  }

  private grow(): void {
    const { hi, lo, lines } = this;
    this.hi = new Uint32Array(lines.length * 2);
    this.lo = new Uint32Array(lines.length * 2);
    this.lines = new Uint32Array(lines.length * 2);
    this.size = 0;
    for (let i = 0; i < lines.length; i++) {
      if (lines[i] !== 0) this.add([hi[i]!, lo[i]!], lines[i]!);
    }
  }
}
