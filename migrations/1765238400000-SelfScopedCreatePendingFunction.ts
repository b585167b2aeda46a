import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `r2_files_create_pending_scoped(...)`: the presign write of `r2_files_create_pending` (per-owner
 * advisory lock, the pending-upload cap, the INSERT), which also sets the request scope itself —
 * the role `r2files_app` and `app.user_id`, transaction-local, exactly as ScopedTransactions does
 * before every request's statements. So a presign is ONE statement with bind parameters, not a
 * simple-protocol message of two statements with escaped values: PostgreSQL parses and plans a
 * one-line function call instead of two statements, and returns one `bigint` instead of the whole
 * row (docs/adr/0011-self-scoped-presign-function.md).
 *
 * Called alone in its transaction (autocommit: the scope ends with the statement). SECURITY
 * INVOKER: the role switch needs the caller's membership of r2files_app, and every statement
 * after it runs as r2files_app under Row Level Security, as before. It takes the user id as an
 * argument and makes it the RLS user, so only the connecting role may call it (it can already
 * switch to any user); r2files_app itself may not, or the policy's check would be its own say-so.
 * Returns the new row's id, or NULL when the owner already has `p_cap` uploads that can still start.
 *
 * `r2_files_create_pending` stays for instances of the previous version during a rolling deploy
 * (until migration 1765411200000, which drops both).
 */
export class SelfScopedCreatePendingFunction1765238400000 implements MigrationInterface {
  name = 'SelfScopedCreatePendingFunction1765238400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION r2_files_create_pending_scoped(
        p_user_id text, p_object_key text, p_file_url text, p_file_name text, p_content_type text, p_declared_size bigint,
        p_expires_at timestamptz, p_url_expires_at timestamptz,
        p_multipart_upload_id text, p_part_size bigint, p_part_count integer, p_cap integer
      ) RETURNS bigint
      LANGUAGE plpgsql VOLATILE SECURITY INVOKER AS $$
      DECLARE
        new_id bigint;
      BEGIN
        -- The request scope, until the end of the transaction: every statement below runs as the
        -- app role, under the owner policy for this user.
        PERFORM set_config('role', 'r2files_app', true), set_config('app.user_id', p_user_id, true);
        -- One presign at a time per owner: the count below and the INSERT cannot interleave.
        PERFORM pg_advisory_xact_lock(hashtextextended('r2_files.pending:' || p_user_id, 0));
        IF (SELECT count(*) FROM (
              SELECT FROM r2_files f
               WHERE f.user_id = p_user_id AND f.status = 'pending' AND f.url_expires_at > now()
               LIMIT p_cap) AS pending) >= p_cap THEN
          RETURN NULL;
        END IF;
        INSERT INTO r2_files AS f (object_key, file_url, user_id, file_name, content_type, declared_size, status,
                                   expires_at, url_expires_at, multipart_upload_id, part_size, part_count)
        VALUES (p_object_key, p_file_url, p_user_id, p_file_name, p_content_type, p_declared_size, 'pending',
                p_expires_at, p_url_expires_at, p_multipart_upload_id, p_part_size, p_part_count)
        RETURNING f.id INTO new_id;
        RETURN new_id;
      END
      $$`);
    // The owner (the connecting role) keeps EXECUTE; nobody else gets it.
    await queryRunner.query(`REVOKE ALL ON FUNCTION r2_files_create_pending_scoped FROM PUBLIC`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION r2_files_create_pending_scoped`);
  }
}
