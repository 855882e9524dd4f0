import type { ValueTransformer } from 'typeorm';

/**
 * pg returns int8 as a string. Stream sequences stay far below 2^53, so they
 * are read as numbers here rather than by switching pg's global int8 parser
 * (which would change it for every other user of pg in the process).
 */
export const int8: ValueTransformer = {
  to: (v: number | null | undefined) => v,
  from: (v: string | null) => (v === null ? null : Number(v)),
};
