// Configuration from the environment, checked at start-up: every problem is collected, so a
// connector with a bad or missing value stops once, naming them all (exit code 2).

export class ConfigError extends Error {
  constructor(
    connector: string,
    readonly problems: string[],
  ) {
    super(`${connector}: bad configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
}

export type Env = Record<string, string | undefined>;

export class EnvReader {
  readonly problems: string[] = [];

  constructor(private readonly env: Env) {}

  required(name: string, meaning: string): string {
    const value = this.env[name]?.trim();
    if (!value) {
      this.problems.push(`${name} is required: ${meaning}`);
      return '';
    }
    return value;
  }

  optional(name: string): string | null {
    return this.env[name]?.trim() || null;
  }

  url(name: string, meaning: string, required = true): string {
    const value = required ? this.required(name, meaning) : this.optional(name);
    if (!value) return '';
    if (!URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol)) {
      this.problems.push(`${name} must be an http(s) URL (${meaning}), not "${value}"`);
      return '';
    }
    return value.replace(/\/+$/, '');
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    const raw = this.optional(name);
    if (raw === null) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      this.problems.push(`${name} must be a whole number from ${min} to ${max}, not "${raw}"`);
      return fallback;
    }
    return value;
  }
}
