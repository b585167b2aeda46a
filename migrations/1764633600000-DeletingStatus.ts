import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A `deleting` status: a file being deleted is hidden at once and its row goes only after the
 * object is gone from the store, so no row ever points at a deleted object; a failed or interrupted
 * delete is finished by retrying it.
 */
export class DeletingStatus1764633600000 implements MigrationInterface {
  name = 'DeletingStatus1764633600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "r2_files" DROP CONSTRAINT "CHK_r2_files_status"`);
    await queryRunner.query(
      `ALTER TABLE "r2_files" ADD CONSTRAINT "CHK_r2_files_status" CHECK ("status" IN ('pending', 'uploaded', 'rejected', 'deleting'))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM "r2_files" WHERE "status" = 'deleting'`);
    await queryRunner.query(`ALTER TABLE "r2_files" DROP CONSTRAINT "CHK_r2_files_status"`);
    await queryRunner.query(
      `ALTER TABLE "r2_files" ADD CONSTRAINT "CHK_r2_files_status" CHECK ("status" IN ('pending', 'uploaded', 'rejected'))`,
    );
  }
}
