import { defineConfig } from 'vitest/config';

// Tests run on the TypeScript sources of the workspace packages (the
// `@dozor/source` export condition); processes started by e2e tests run the
// built `dist/` output, which `npm test` builds first.
export default defineConfig({
  resolve: { conditions: ['@dozor/source'] },
  ssr: { resolve: { conditions: ['@dozor/source'] } },
  test: {
    include: ['libs/*/src/**/*.spec.ts', 'apps/*/src/**/*.spec.ts', 'test/**/*.spec.ts', 'tools/**/*.spec.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});
