/**
 * The label values label matchers see: `commonLabels` first, then
 * `groupLabels`, then the labels of the first alert. Only own string
 * properties count, so names like `constructor` never reach Object.prototype.
 */

const own = Object.prototype.hasOwnProperty;

function labelSet(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

export type LabelLookup = (name: string) => string;

export function payloadLabels(payload: unknown): LabelLookup {
  const p = labelSet(payload);
  const firstAlert = p && Array.isArray(p.alerts) ? labelSet(p.alerts[0]) : undefined;
  const sets = [labelSet(p?.commonLabels), labelSet(p?.groupLabels), labelSet(firstAlert?.labels)].filter((s): s is Record<string, unknown> => s !== undefined);
  return (name) => {
    for (const s of sets) {
      if (own.call(s, name)) {
        const v = s[name];
        if (typeof v === 'string') return v;
        if (typeof v === 'number' || typeof v === 'boolean') return String(v);
      }
    }
    return '';
  };
}
