/**
 * Polls until `f` returns something truthy and returns it; errors thrown by
 * `f` count as "not yet". On timeout it fails naming `what` and the last
 * error. The timeout is generous on purpose: tests share a noisy machine, so
 * they wait for conditions, never for durations.
 */
export async function poll<T>(what: string, f: () => Promise<T | undefined | null | false> | T | undefined | null | false, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await f();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${last}` : ''}`);
}
