import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The pending-upload cap counts only uploads that can still be started: `url_expires_at` is when
 * the presigned PUT URL expires (for a multipart upload, the row's own expiry), while `expires_at`
 * stays the end of the confirm window, after which the sweeper removes the row. Before, a store
 * outage that made every PUT fail locked a user out for the URL lifetime plus the confirm window.
 * The quota index follows the count. Existing pending rows take their expiry (counted as before).
 */
export class UploadUrlExpiry1764979200000 implements MigrationInterface {
  name = 'UploadUrlExpiry1764979200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "r2_files" ADD "url_expires_at" timestamptz`);
    await queryRunner.query(`UPDATE "r2_files" SET "url_expires_at" = "expires_at" WHERE "status" = 'pending'`);
    await queryRunner.query(`DROP INDEX "r2_files_user_pending_idx"`);
    await queryRunner.query(`
      CREATE INDEX "r2_files_user_pending_idx" ON "r2_files" ("user_id", "url_expires_at") WHERE status = 'pending'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "r2_files_user_pending_idx"`);
    await queryRunner.query(`
      CREATE INDEX "r2_files_user_pending_idx" ON "r2_files" ("user_id", "expires_at") WHERE status = 'pending'`);
    await queryRunner.query(`ALTER TABLE "r2_files" DROP COLUMN "url_expires_at"`);
  }
}
