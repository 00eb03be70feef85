import { describe, expect, it } from 'vitest';
import { describeDatabaseUrl, redactSecret } from '../../../src/store/database-url.js';

describe('describeDatabaseUrl', () => {
  it.each([
    ['postgres://credfed:s3cret@db.example:6432/credfed', 'credfed@db.example:6432/credfed'],
    ['postgresql://db.example/credfed', 'db.example:5432/credfed'],
    ['postgres://u:p%40ss@localhost', 'u@localhost:5432/(default)'],
    ['postgres://u@/credfed?host=/var/run/postgresql', 'u@/var/run/postgresql/credfed'],
    ['not a url with s3cret', 'the configured database URL (unparsable)'],
  ])('%s → %s', (url, described) => {
    expect(describeDatabaseUrl(url)).toBe(described);
    expect(describeDatabaseUrl(url)).not.toMatch(/s3cret|p%40ss|p@ss/);
  });
});

describe('redactSecret', () => {
  it('removes the password, raw and decoded', () => {
    const url = 'postgres://u:p%40ss@h/db';
    expect(redactSecret('failed for p%40ss and p@ss', url)).toBe('failed for *** and ***');
  });

  it('removes a password given as ?password=, also in the socket form', () => {
    expect(redactSecret('auth failed: s3cret', 'postgres://u@h/db?password=s3cret')).toBe('auth failed: ***');
    expect(redactSecret('auth failed: s3cret', 'postgres://u@/db?host=/run/postgresql&password=s3cret')).toBe('auth failed: ***');
  });

  it('leaves text alone when there is no password', () => {
    expect(redactSecret('connect ECONNREFUSED', 'postgres://u@h/db')).toBe('connect ECONNREFUSED');
  });
});
