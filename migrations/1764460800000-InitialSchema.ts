import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Users and the seed guide's `r2_files` table, extended with what a real service needs:
 * original name, content type, declared and real size, ETag, upload status and pending expiry.
 */
export class InitialSchema1764460800000 implements MigrationInterface {
  name = 'InitialSchema1764460800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "users" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "email" character varying(254) NOT NULL,
        "password_hash" text NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_users_id" PRIMARY KEY ("id"),
        CONSTRAINT "UQ_users_email" UNIQUE ("email")
      )`);
    await queryRunner.query(`
      CREATE TABLE "r2_files" (
        "id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL,
        "object_key" text NOT NULL,
        "file_url" text,
        "user_id" text NOT NULL,
        "upload_timestamp" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "file_name" text NOT NULL,
        "content_type" text NOT NULL,
        "declared_size" bigint,
        "size" bigint,
        "etag" text,
        "status" text NOT NULL DEFAULT 'pending',
        "expires_at" TIMESTAMP WITH TIME ZONE,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_r2_files_id" PRIMARY KEY ("id"),
        CONSTRAINT "UQ_r2_files_object_key" UNIQUE ("object_key"),
        CONSTRAINT "CHK_r2_files_status" CHECK ("status" IN ('pending', 'uploaded', 'rejected')),
        CONSTRAINT "CHK_r2_files_sizes" CHECK ("size" >= 0 AND "declared_size" >= 0)
      )`);
    // Serves "the caller's files, newest first" (keyset pages) without touching other users' rows.
    await queryRunner.query(`
      CREATE INDEX "r2_files_user_listing_idx" ON "r2_files" ("user_id", "upload_timestamp", "id")
      WHERE status = 'uploaded'`);
    // Serves the sweeper's scan for expired pending uploads.
    await queryRunner.query(`
      CREATE INDEX "r2_files_pending_expiry_idx" ON "r2_files" ("expires_at") WHERE status = 'pending'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "r2_files"`);
    await queryRunner.query(`DROP TABLE "users"`);
  }
}
