import type { Queryable } from './queryable.js';

/**
 * Takes or renews the sender lease for a partner. Succeeds when the lease is
 * free, expired, or already ours. Expiry uses the database clock, so replicas
 * with skewed clocks agree. Returns true when we hold it.
 */
export async function acquireLease(db: Queryable, partnerId: string, holder: string, ttlSeconds: number): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO sender_leases (partner_id, holder, expires_at)
     VALUES ($1, $2, now() + make_interval(secs => $3))
     ON CONFLICT (partner_id) DO UPDATE
       SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
       WHERE sender_leases.holder = EXCLUDED.holder OR sender_leases.expires_at < now()`,
    [partnerId, holder, ttlSeconds],
  );
  return rowCount === 1;
}

/** Gives the lease up at once (clean shutdown), so another replica takes over without waiting. */
export async function releaseLease(db: Queryable, partnerId: string, holder: string): Promise<void> {
  await db.query(`DELETE FROM sender_leases WHERE partner_id = $1 AND holder = $2`, [partnerId, holder]);
}
