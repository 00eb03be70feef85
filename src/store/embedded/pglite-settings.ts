/**
 * PostgreSQL settings an embedded store starts with (on top of PGlite's own
 * single-user defaults). PGlite is PostgreSQL in one WASM instance whose
 * linear memory only grows: what the server touches once (its shared memory
 * at start, a big sort) stays resident until the store closes. So the pools
 * are sized for what one gateway's store needs, not for a server's.
 * Per start only: nothing here is written into the data directory.
 * Measured on `credfed up` (four embedded gateways in one process) and
 * `credfed serve`; figures in the commit that set them.
 * A PostgreSQL server (store.databaseUrl) keeps its own settings.
 */

/**
 * shared_buffers of a gateway's embedded store in MiB (store.sharedBuffersMiB).
 * PostgreSQL's 128 MB is zeroed at start, so all of it is resident from the
 * first second, per store. 16 MB (2,048 pages of 8 kB) holds the hot pages of
 * an embedded store of tens of thousands of records; a miss is a read from
 * the OS page cache, not a disk seek. Measured against 32 and 128 MB: `credfed
 * up --records 20000` (60,000 records synced to the city) and cold
 * recognition of 300 subjects take the same time within noise, and `credfed
 * serve` settles at ~230 MB instead of ~280 MB with 32 MB.
 */
export const EMBEDDED_SHARED_BUFFERS_MIB = 16;

/** `-c name=value` pairs, in PGlite's startParams form. */
export function embeddedStartSettings(sharedBuffersMiB: number): string[] {
  const settings: Record<string, string> = {
    shared_buffers: `${sharedBuffersMiB}MB`,
    // wal_buffers: left to PostgreSQL (-1: 1/32 of shared_buffers, 512 kB
    // here). PGlite runs with fsync off, so a full WAL buffer is written to
    // the OS cache, never waited for on a disk.
    //
    // Every pglite-socket client shares ONE session, so the server never has
    // more than one backend; PostgreSQL sizes its lock table and per-backend
    // shared arrays by max_connections (100: ~2 MB of shared memory).
    max_connections: '8',
    // Sorts and hashes spill to temporary files past work_mem, and whatever a
    // query grows the WASM memory to stays resident: PostgreSQL's 4 MB, kept
    // (lower would move sorts to temporary files).
    work_mem: '4MB',
    // CREATE INDEX and VACUUM (migrations): PostgreSQL's 64 MB, once grown
    // into, would be held for the life of the store. The migrations build
    // their indexes on empty or small tables; a bigger build spills to
    // temporary files, slower but bounded.
    maintenance_work_mem: '16MB',
    // Temporary tables (none used) buffer in temp_buffers: PostgreSQL's 8 MB
    // is allocated on first use only; 2 MB bounds it.
    temp_buffers: '2MB',
  };
  return Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`]);
}
