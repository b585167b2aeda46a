import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Multipart uploads: the store's upload id and the part layout the API chose for it. */
export class MultipartUploads1764720000000 implements MigrationInterface {
  name = 'MultipartUploads1764720000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "r2_files" ADD "multipart_upload_id" text`);
    await queryRunner.query(`ALTER TABLE "r2_files" ADD "part_size" bigint`);
    await queryRunner.query(`ALTER TABLE "r2_files" ADD "part_count" integer`);
    await queryRunner.query(`ALTER TABLE "r2_files" ADD CONSTRAINT "UQ_r2_files_multipart_upload_id" UNIQUE ("multipart_upload_id")`);
    await queryRunner.query(
      `ALTER TABLE "r2_files" ADD CONSTRAINT "CHK_r2_files_parts" CHECK ("multipart_upload_id" IS NULL OR ("part_size" > 0 AND "part_count" BETWEEN 1 AND 10000))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "r2_files" DROP CONSTRAINT "CHK_r2_files_parts"`);
    await queryRunner.query(`ALTER TABLE "r2_files" DROP CONSTRAINT "UQ_r2_files_multipart_upload_id"`);
    await queryRunner.query(`ALTER TABLE "r2_files" DROP COLUMN "part_count"`);
    await queryRunner.query(`ALTER TABLE "r2_files" DROP COLUMN "part_size"`);
    await queryRunner.query(`ALTER TABLE "r2_files" DROP COLUMN "multipart_upload_id"`);
  }
}
