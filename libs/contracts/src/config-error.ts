/**
 * A configuration problem at a path inside the config document, for example
 * `['schedules', 2, 'rotations', 0, 'time_zone']`. The config loader turns the
 * path into `file:line:column` using the YAML source.
 */
export type ConfigPath = (string | number)[];

export class ConfigFieldError extends Error {
  constructor(
    readonly path: ConfigPath,
    readonly problem: string,
  ) {
    super(`${formatConfigPath(path)}: ${problem}`);
  }
}

export function formatConfigPath(path: ConfigPath): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('') || '<root>';
}
