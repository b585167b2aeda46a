import { describe, expect, it } from '@jest/globals';
import type { DataSource } from 'typeorm';

import { ScopedTransactions } from './scoped-transactions.js';
import { sql } from './sql-literal.js';

/** A DataSource whose pool records the text it is sent and answers like node-postgres does for a multi-statement message. */
function recordingDataSource() {
  const sent: string[] = [];
  const master = {
    query: (text: string) => {
      sent.push(text);
      return Promise.resolve([{ rows: [{ set_config: 'r2files_app' }] }, { rows: [{ id: '1' }, { id: '2' }] }]);
    },
  };
  return { sent, dataSource: { driver: { master } } as unknown as DataSource };
}

describe('ScopedTransactions.queryAsUser', () => {
  it('sends the RLS settings and the statements as one message and returns the rows of the last statement', async () => {
    const { sent, dataSource } = recordingDataSource();
    const rows = await new ScopedTransactions(dataSource).queryAsUser<{ id: string }>("o'neil", sql`SELECT id FROM r2_files`);
    expect(rows).toEqual([{ id: '1' }, { id: '2' }]);
    expect(sent).toEqual([
      "SELECT set_config('role', 'r2files_app', true), set_config('app.user_id', 'o''neil', true);\nSELECT id FROM r2_files",
    ]);
  });

  it('takes only sql fragments: a plain string neither type-checks nor runs', async () => {
    const { sent, dataSource } = recordingDataSource();
    const scoped = new ScopedTransactions(dataSource);
    const userInput = "x'; DROP TABLE r2_files; --";
    // @ts-expect-error a concatenated string must not reach the simple protocol (npm run typecheck fails without the error)
    const call = scoped.queryAsUser('u1', `SELECT * FROM r2_files WHERE object_key = '${userInput}'`);
    await expect(call).rejects.toThrow(TypeError);
    expect(sent).toEqual([]);
  });
});
