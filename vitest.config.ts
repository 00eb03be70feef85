import { defineConfig } from 'vitest/config';

/**
 * Three projects (docs/development.md, "Tests"):
 *  - unit   pure code, no store, no build: `npm run test:unit`, seconds.
 *  - once   the built CLI as a process and whatever else does not depend on
 *           the kind of store (CLI parsing, `credfed up`, which always runs
 *           embedded stores): CI runs it in its embedded run only.
 *  - store  everything that runs against the store under test (PGlite, or
 *           PostgreSQL when DATABASE_URL is set): CI runs it on both.
 * `npm test` runs all three.
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
