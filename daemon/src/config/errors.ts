// A configuration problem as a user sees it: where (key path, file line or
// environment variable) and what is wrong. Never a stack trace.

export interface ConfigProblem {
  /** Dotted key path, e.g. `http.port` or `phones[2].number`; `` for the file as a whole. */
  path: string;
  message: string;
  /** 1-based line in the YAML file, when the key is in the file. */
  line?: number;
  /** The environment variable the value came from, when it did. */
  env?: string;
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out ? `.${String(seg)}` : String(seg);
  }
  return out;
}

export function formatProblem(file: string | undefined, p: ConfigProblem): string {
  const where = p.env ? `${p.env}` : file ? `${file}${p.line ? `:${p.line}` : ''}` : '';
  const key = p.path ? `${p.path}: ` : '';
  return `${where ? `${where}: ` : ''}${key}${p.message}`;
}

/** Thrown by loadConfig; carries every problem, printed without a stack. */
export class ConfigError extends Error {
  constructor(
    readonly file: string | undefined,
    readonly problems: ConfigProblem[],
  ) {
    super(problems.map((p) => formatProblem(file, p)).join('\n'));
    this.name = 'ConfigError';
  }
}
