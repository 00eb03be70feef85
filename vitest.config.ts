import { defineConfig } from 'vitest/config';

/**
 * Three projects (README.md, "Development", "Test projects"):
 *  - unit   pure code, no store, no build: `npm run test:unit`, seconds.
 *  - once   the built CLI as a process and whatever else does not depend on
 *           the kind of store (CLI parsing, `credfed up`, which always runs
 *           embedded stores): CI runs it in its embedded run only.
 *  - store  everything that runs against the store under test (PGlite, or
 *           PostgreSQL when DATABASE_URL is set): CI runs it on both.
 * `npm test` runs all three.
 *
 * Two test files run at once (vitest's default on two cores is one): most of
 * a store test's time is spent waiting on gateways, PGlite's worker thread or
 * PostgreSQL, so two overlap well on CI's two cores (the embedded run went
 * from about 17 to about 11 minutes).
 */
const ONCE = [
  'tests/e2e/**/*.test.ts',
  'tests/cli/build.test.ts',
  'tests/cli/calendar.test.ts',
  'tests/cli/command-groups.test.ts',
  'tests/cli/ids-check.test.ts',
  'tests/cli/verdict-verify.test.ts',
];

export default defineConfig({
  test: {
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    projects: [
      { extends: true, test: { name: 'unit', include: ['tests/unit/**/*.test.ts'] } },
      { extends: true, test: { name: 'once', include: ONCE, globalSetup: ['tests/helpers/build-setup.ts'] } },
      {
        extends: true,
        test: {
          name: 'store',
          include: ['tests/integration/**/*.test.ts', 'tests/cli/**/*.test.ts'],
          exclude: ONCE,
          globalSetup: ['tests/helpers/build-setup.ts', 'tests/helpers/global-setup.ts'],
        },
      },
    ],
  },
});
