import type { MigrationInterface, QueryRunner } from 'typeorm';

import { CreatePendingUploadFunction1765152000000 } from './1765152000000-CreatePendingUploadFunction.js';
import { SelfScopedCreatePendingFunction1765238400000 } from './1765238400000-SelfScopedCreatePendingFunction.js';

/**
 * Drops `r2_files_create_pending` and `r2_files_create_pending_scoped`: since
 * r2_files_create_pending_batch (migration 1765324800000, ADR 0013) no version of the API calls
 * them. They were kept for a rolling deploy from the versions that did; none of those was released
 * (0.1.0 wrote its pending row with a plain guarded INSERT), so they go before the next release
 * rather than one release later. Reverting this migration creates them again, as their own
 * migrations did.
 */
export class DropSingleUploadPendingFunctions1765411200000 implements MigrationInterface {
  name = 'DropSingleUploadPendingFunctions1765411200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION r2_files_create_pending_scoped`);
    await queryRunner.query(`DROP FUNCTION r2_files_create_pending`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await new CreatePendingUploadFunction1765152000000().up(queryRunner);
    await new SelfScopedCreatePendingFunction1765238400000().up(queryRunner);
  }
}
