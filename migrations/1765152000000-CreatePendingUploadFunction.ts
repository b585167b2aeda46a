import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `r2_files_create_pending(...)`: the presign write (per-user advisory lock, the pending-upload cap,
 * the INSERT) as one PL/pgSQL function. Sent as one simple-protocol statement, a plain statement is
 * parsed and planned on every call — the guarded INSERT with its quota subquery under Row Level
 * Security cost PostgreSQL about three times a bare INSERT. PL/pgSQL keeps the plans of the
 * statements inside a function for the life of the connection, so a presign costs the planning of
 * a one-line `SELECT` instead (docs/adr/0009-presign-write-in-a-plpgsql-function.md).
 *
 * SECURITY INVOKER: it runs as the caller (r2files_app after the transaction's role switch), so
 * RLS applies to every statement inside as before. The lock and the count are the same as the
 * statements they replace: the count reads at most `p_cap` entries of r2_files_user_pending_idx.
 * Returns the new row, or no row when the owner already has `p_cap` uploads that can still start.
 */
export class CreatePendingUploadFunction1765152000000 implements MigrationInterface {
  name = 'CreatePendingUploadFunction1765152000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION r2_files_create_pending(
        p_user_id text, p_object_key text, p_file_url text, p_file_name text, p_content_type text, p_declared_size bigint,
        p_expires_at timestamptz, p_url_expires_at timestamptz,
        p_multipart_upload_id text, p_part_size bigint, p_part_count integer, p_cap integer
      ) RETURNS SETOF r2_files
      LANGUAGE plpgsql VOLATILE SECURITY INVOKER AS $$
      BEGIN
        -- One presign at a time per owner: the count below and the INSERT cannot interleave.
        PERFORM pg_advisory_xact_lock(hashtextextended('r2_files.pending:' || p_user_id, 0));
        IF (SELECT count(*) FROM (
              SELECT FROM r2_files f
               WHERE f.user_id = p_user_id AND f.status = 'pending' AND f.url_expires_at > now()
               LIMIT p_cap) AS pending) >= p_cap THEN
          RETURN;
        END IF;
        RETURN QUERY
          INSERT INTO r2_files AS f (object_key, file_url, user_id, file_name, content_type, declared_size, status,
                                     expires_at, url_expires_at, multipart_upload_id, part_size, part_count)
          VALUES (p_object_key, p_file_url, p_user_id, p_file_name, p_content_type, p_declared_size, 'pending',
                  p_expires_at, p_url_expires_at, p_multipart_upload_id, p_part_size, p_part_count)
          RETURNING f.*;
      END
      $$`);
    await queryRunner.query(`REVOKE ALL ON FUNCTION r2_files_create_pending FROM PUBLIC`);
    await queryRunner.query(`GRANT EXECUTE ON FUNCTION r2_files_create_pending TO r2files_app`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION r2_files_create_pending`);
  }
}
