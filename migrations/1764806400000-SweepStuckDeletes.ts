import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The sweeper also finishes deletes that stopped half-way (process killed between the store
 * delete and the row delete): it may now see rows in `deleting` as well as expired pending ones.
 */
export class SweepStuckDeletes1764806400000 implements MigrationInterface {
  name = 'SweepStuckDeletes1764806400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP POLICY "r2_files_sweeper" ON "r2_files"`);
    await queryRunner.query(`
      CREATE POLICY "r2_files_sweeper" ON "r2_files" TO r2files_sweeper
      USING (("status" = 'pending' AND "expires_at" < now()) OR "status" = 'deleting')`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP POLICY "r2_files_sweeper" ON "r2_files"`);
    await queryRunner.query(`
      CREATE POLICY "r2_files_sweeper" ON "r2_files" TO r2files_sweeper
      USING ("status" = 'pending' AND "expires_at" < now())`);
  }
}
