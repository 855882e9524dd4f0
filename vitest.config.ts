import { defineConfig } from 'vitest/config';

// Tests run on the TypeScript sources of the workspace packages (the
// `@dozor/source` export condition); processes started by e2e tests run the
// built `dist/` output, which `npm test` builds first.
//
// Three tiers, one project each (`vitest run --project unit`):
// - unit: `*.spec.ts` beside the code, no NATS, no Postgres, no built dist/;
// - integration: `*.int.spec.ts`, against the real NATS and Postgres;
// - e2e: `test/**/*.e2e.spec.ts`, whole-system scenarios over dist/.
const everywhere = (suffix: string) => [`libs/*/src/**/*${suffix}`, `apps/*/src/**/*${suffix}`, `test/**/*${suffix}`, `tools/**/*${suffix}`];

export default defineConfig({
  resolve: { conditions: ['@dozor/source'] },
  ssr: { resolve: { conditions: ['@dozor/source'] } },
  test: {
    exclude: ['**/node_modules/**', '**/dist/**'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default'],
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: everywhere('.spec.ts'), exclude: ['**/node_modules/**', '**/dist/**', '**/*.int.spec.ts', '**/*.e2e.spec.ts'] },
      },
      { extends: true, test: { name: 'integration', include: everywhere('.int.spec.ts') } },
      { extends: true, test: { name: 'e2e', include: ['test/**/*.e2e.spec.ts'] } },
    ],
  },
});
