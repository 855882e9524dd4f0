// The load loop of the ingest benchmark, shared by the raw-publish baseline
// (run.mjs) and the HTTP client workers (client.mjs), so both sides of the
// comparison are measured the same way.

/** The `p`th percentile of sorted `xs`. */
export const pct = (xs, p) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

/** Runs `fn(0)` … `fn(n - 1)`, `c` at a time; the rate per second and the p50/p99 latency in ms. */
export async function pool(n, c, fn) {
  const lat = new Array(n);
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: c }, async () => {
      for (let i = next++; i < n; i = next++) {
        const s = performance.now();
        await fn(i);
        lat[i] = performance.now() - s;
      }
    }),
  );
  const secs = (performance.now() - t0) / 1000;
  lat.sort((a, b) => a - b);
  return { rate: n / secs, p50: pct(lat, 50), p99: pct(lat, 99) };
}
