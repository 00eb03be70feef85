// PartnerDirectory (src/partners/partner-directory.ts) over a fake registry: loads,
// refreshes, tells listeners about cut-offs, survives failed loads, stops.
import { afterEach, describe, expect, it } from 'vitest';
import type { Partner } from '../../../src/partners/partner.js';
import { PartnerDirectory, type CutOff } from '../../../src/partners/partner-directory.js';

const at = new Date('2026-01-01T00:00:00Z');
const partner = (id: string, status: Partner['status'] = 'active', revision = 1): Partner => ({
  id,
  displayName: id,
  kind: 'child_county',
  status,
  revision,
  createdAt: at,
  updatedAt: at,
});

let directory: PartnerDirectory | undefined;
afterEach(async () => directory?.stop());

function fakeRegistry(initial: Partner[]) {
  let rows = initial;
  let fail: Error | undefined;
  let loads = 0;
  return {
    set: (next: Partner[]) => (rows = next),
    failWith: (e: Error | undefined) => (fail = e),
    loads: () => loads,
    load: async () => {
      loads++;
      if (fail) throw fail;
      return rows;
    },
  };
}

describe('PartnerDirectory', () => {
  it('serves what the registry holds after start', async () => {
    const registry = fakeRegistry([partner('county-a'), partner('county-b', 'suspended')]);
    directory = new PartnerDirectory({ load: registry.load, refreshMs: 60_000 });
    await directory.start();
    expect(directory.get('county-a')?.status).toBe('active');
    expect(directory.get('county-b')?.status).toBe('suspended');
    expect(directory.get('stranger')).toBeUndefined();
  });

  it('tells listeners when a partner is suspended or removed, not when it is resumed or edited', async () => {
    const registry = fakeRegistry([partner('county-a'), partner('county-b'), partner('county-c', 'suspended')]);
    const heard: CutOff[] = [];
    directory = new PartnerDirectory({ load: registry.load, refreshMs: 60_000 });
    directory.onCutOff((c) => heard.push(c));
    await directory.start();
    registry.set([partner('county-a', 'suspended', 2), partner('county-c', 'active', 2)]);
    await directory.refresh();
    expect(heard).toEqual([
      { partnerId: 'county-a', why: 'suspended' },
      { partnerId: 'county-b', why: 'removed' },
    ]);
    registry.set([partner('county-a', 'active', 3), partner('county-c', 'active', 3)]);
    await directory.refresh();
    expect(heard).toHaveLength(2);
    expect(directory.get('county-a')?.status).toBe('active');
  });

  it('a listener that stopped listening hears nothing; a throwing listener does not stop the others', async () => {
    const registry = fakeRegistry([partner('county-a')]);
    const errors: unknown[] = [];
    directory = new PartnerDirectory({ load: registry.load, refreshMs: 60_000, onError: (e) => errors.push(e) });
    const heard: string[] = [];
    const stop = directory.onCutOff(() => heard.push('gone'));
    directory.onCutOff(() => {
      throw new Error('listener failed');
    });
    directory.onCutOff((c) => heard.push(c.partnerId));
    stop();
    await directory.start();
    registry.set([partner('county-a', 'suspended', 2)]);
    await directory.refresh();
    expect(heard).toEqual(['county-a']);
    expect(errors).toHaveLength(1);
  });

  it('refreshes by itself at the configured interval', async () => {
    const registry = fakeRegistry([partner('county-a')]);
    directory = new PartnerDirectory({ load: registry.load, refreshMs: 20 });
    await directory.start();
    registry.set([partner('county-a', 'suspended', 2)]);
    await expect.poll(() => directory!.get('county-a')?.status, { timeout: 5_000, interval: 10 }).toBe('suspended');
  });

  it('keeps the partners last read when a refresh fails, and reports the failure', async () => {
    const registry = fakeRegistry([partner('county-a')]);
    const errors: unknown[] = [];
    directory = new PartnerDirectory({ load: registry.load, refreshMs: 60_000, onError: (e) => errors.push(e) });
    await directory.start();
    registry.failWith(new Error('connection refused'));
    await directory.refresh();
    expect(directory.get('county-a')?.status).toBe('active');
    expect(errors).toHaveLength(1);
  });

  it('fails to start when the first load fails', async () => {
    const registry = fakeRegistry([]);
    registry.failWith(new Error('no database'));
    directory = new PartnerDirectory({ load: registry.load });
    await expect(directory.start()).rejects.toThrow('no database');
  });

  it('after stop, loads no more', async () => {
    const registry = fakeRegistry([partner('county-a')]);
    directory = new PartnerDirectory({ load: registry.load, refreshMs: 10 });
    await directory.start();
    await directory.stop();
    const loads = registry.loads();
    await directory.refresh();
    await new Promise((r) => setTimeout(r, 50));
    expect(registry.loads()).toBe(loads);
  });

  it('runs one load at a time', async () => {
    const registry = fakeRegistry([partner('county-a')]);
    directory = new PartnerDirectory({ load: registry.load, refreshMs: 60_000 });
    await directory.start();
    await Promise.all([directory.refresh(), directory.refresh(), directory.refresh()]);
    expect(registry.loads()).toBe(2);
  });
});
