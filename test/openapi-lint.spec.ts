import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { describe, expect, it } from '@jest/globals';

/*
 * `npm run openapi:lint`: Redocly's recommended rules (redocly.yaml) on the committed openapi.json.
 * It must report nothing but the findings .redocly.lint-ignore.yaml accepts with a reason.
 */

interface LintReport {
  totals: { errors: number; warnings: number; ignored: number };
  problems: { ruleId: string; severity: string; message: string; location: { pointer: string }[] }[];
}

async function lint(file: string): Promise<LintReport> {
  const run = promisify(execFile)('node_modules/.bin/redocly', ['lint', file, '--config', 'redocly.yaml', '--format=json'], {
    env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
  });
  // It exits 1 when it finds errors; the report is on stdout either way.
  const { stdout } = await run.catch((error: { stdout: string }) => ({ stdout: error.stdout }));
  return JSON.parse(stdout) as LintReport;
}

const brief = (report: LintReport) => report.problems.map((p) => `${p.severity} ${p.ruleId} ${p.location[0]?.pointer}: ${p.message}`);

describe('redocly lint', () => {
  it('finds no error and no warning in openapi.json', async () => {
    const report = await lint('openapi.json');
    expect(brief(report)).toEqual([]);
    expect(report.totals).toEqual({ errors: 0, warnings: 0, ignored: 3 });
  });

  it('fails an error example that does not match its schema (the rule is not vacuous)', async () => {
    const document = JSON.parse(readFileSync('openapi.json', 'utf8'));
    const notFound = document.paths['/files/{id}'].get.responses['404'].content['application/json'];
    notFound.examples.FILE_NOT_FOUND.value.success = true;
    const dir = mkdtempSync(join(tmpdir(), 'openapi-lint-'));
    try {
      writeFileSync(join(dir, 'openapi.json'), JSON.stringify(document));
      const report = await lint(join(dir, 'openapi.json'));
      expect(report.totals.errors).toBeGreaterThan(0);
      expect(report.problems).toEqual(
        expect.arrayContaining([expect.objectContaining({ ruleId: 'no-invalid-media-type-examples', severity: 'error' })]),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
