// The drill's report: one line per check, expected against found, PASS or FAIL, and the time taken.

export interface ReportLine {
  check: string;
  expected: string | number;
  found: string | number;
  pass: boolean;
}

export interface DrillReport {
  n: number;
  seed: number;
  seconds: number;
  phases: Record<string, number>;
  lines: ReportLine[];
  passed: boolean;
}

export class Report {
  readonly lines: ReportLine[] = [];
  readonly phases: Record<string, number> = {};

  /** A check whose expected and found values must be equal. */
  equal(check: string, expected: string | number, found: string | number): boolean {
    const pass = expected === found;
    this.lines.push({ check, expected, found, pass });
    return pass;
  }

  line(check: string, expected: string | number, found: string | number, pass: boolean): void {
    this.lines.push({ check, expected, found, pass });
  }

  phase(name: string, seconds: number): void {
    this.phases[name] = Math.round(seconds * 10) / 10;
  }

  get passed(): boolean {
    return this.lines.length > 0 && this.lines.every((line) => line.pass);
  }

  toJSON(n: number, seed: number, seconds: number): DrillReport {
    return {
      n,
      seed,
      seconds: Math.round(seconds * 10) / 10,
      phases: this.phases,
      lines: this.lines,
      passed: this.passed,
    };
  }

  /** A markdown table of the checks, then the phases and the total time. */
  format(n: number, seconds: number): string {
    const rows = this.lines.map((line) => [
      line.check,
      String(line.expected),
      String(line.found),
      line.pass ? 'PASS' : 'FAIL',
    ]);
    const header = ['check', 'expected', 'found', 'result'];
    const widths = header.map((title, column) =>
      Math.max(title.length, ...rows.map((row) => (row[column] as string).length)),
    );
    const render = (cells: string[]) =>
      `| ${cells.map((cell, column) => (column === 1 || column === 2 ? cell.padStart(widths[column] as number) : cell.padEnd(widths[column] as number))).join(' | ')} |`;
    const separator = `|${widths.map((width, column) => (column === 1 || column === 2 ? `${'-'.repeat(width + 1)}:` : '-'.repeat(width + 2))).join('|')}|`;
    const phases = Object.entries(this.phases)
      .map(([name, took]) => `${name} ${took} s`)
      .join(', ');
    const failed = this.lines.filter((line) => !line.pass).length;
    return [
      `Booking tool swap drill, N=${n} assignments`,
      '',
      render(header),
      separator,
      ...rows.map(render),
      '',
      `Phases: ${phases}`,
      `Time taken: ${seconds.toFixed(1)} s. ${failed === 0 ? 'Every check passed.' : `${failed} check(s) FAILED.`}`,
    ].join('\n');
  }
}
