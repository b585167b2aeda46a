import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The pending-upload quota counts one user's unexpired pending rows on every presign. Without an
 * index led by user_id that count walked every user's pending rows (r2_files_pending_expiry_idx),
 * so presign cost grew with the whole table's backlog; with it the count reads at most
 * UPLOAD_MAX_PENDING_PER_USER index entries.
 */
export class PendingQuotaIndex1764892800000 implements MigrationInterface {
  name = 'PendingQuotaIndex1764892800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE INDEX "r2_files_user_pending_idx" ON "r2_files" ("user_id", "expires_at") WHERE status = 'pending'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "r2_files_user_pending_idx"`);
  }
}
