import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `r2_files_create_pending_batch(p_uploads jsonb)`: the presign write of
 * `r2_files_create_pending_scoped` for several uploads, of one or many owners, in one statement and
 * one transaction — the presigns an API instance received in the same turn of its event loop
 * (docs/adr/0013-presign-writes-coalesced-per-event-loop-turn.md). For each upload, in order:
 * the RLS user becomes its owner (transaction-local, as ScopedTransactions sets it), the owner's
 * pending uploads that can still start are counted (at most `cap` index entries) and the row is
 * inserted unless that count reached `cap`. Returns the new ids in the order of `p_uploads`, NULL
 * where the cap was reached.
 *
 * The owners' advisory locks (the same keys as the single-upload functions) are all taken first,
 * in ascending key order: two batches, or a batch and a single-upload call, can wait on each other
 * but never in a cycle. They are held to the end of the transaction, so the count and the INSERT of
 * an owner cannot interleave with another presign of that owner; an owner's second upload in the
 * same batch counts the first.
 *
 * SECURITY INVOKER, EXECUTE for the connecting role only: as r2_files_create_pending_scoped, it
 * takes the RLS user from its argument. `p_uploads` is an array of objects with the keys user_id,
 * object_key, file_url, file_name, content_type, declared_size, expires_at, url_expires_at (ISO
 * 8601), multipart_upload_id, part_size, part_count and cap.
 *
 * r2_files_create_pending and r2_files_create_pending_scoped stay for instances of the previous
 * versions during a rolling deploy (until migration 1765411200000).
 */
export class CreatePendingBatchFunction1765324800000 implements MigrationInterface {
  name = 'CreatePendingBatchFunction1765324800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION r2_files_create_pending_batch(p_uploads jsonb) RETURNS bigint[]
      LANGUAGE plpgsql VOLATILE SECURITY INVOKER AS $$
      DECLARE
        lock_key bigint;
        upload jsonb;
        ids bigint[] := '{}';
        new_id bigint;
      BEGIN
        -- Every statement below runs as the app role, under Row Level Security.
        PERFORM set_config('role', 'r2files_app', true);
        FOR lock_key IN
          SELECT DISTINCT hashtextextended('r2_files.pending:' || (u ->> 'user_id'), 0)
            FROM jsonb_array_elements(p_uploads) AS u
           ORDER BY 1
        LOOP
          PERFORM pg_advisory_xact_lock(lock_key);
        END LOOP;
        FOR i IN 0 .. jsonb_array_length(p_uploads) - 1 LOOP
          upload := p_uploads -> i;
          -- The owner policy now applies to this upload's owner, until the next one.
          PERFORM set_config('app.user_id', upload ->> 'user_id', true);
          IF (SELECT count(*) FROM (
                SELECT FROM r2_files f
                 WHERE f.user_id = upload ->> 'user_id' AND f.status = 'pending' AND f.url_expires_at > now()
                 LIMIT (upload ->> 'cap')::integer) AS pending) >= (upload ->> 'cap')::integer THEN
            new_id := NULL;
          ELSE
            INSERT INTO r2_files AS f (object_key, file_url, user_id, file_name, content_type, declared_size, status,
                                       expires_at, url_expires_at, multipart_upload_id, part_size, part_count)
            VALUES (upload ->> 'object_key', upload ->> 'file_url', upload ->> 'user_id', upload ->> 'file_name',
                    upload ->> 'content_type', (upload ->> 'declared_size')::bigint, 'pending',
                    (upload ->> 'expires_at')::timestamptz, (upload ->> 'url_expires_at')::timestamptz,
                    upload ->> 'multipart_upload_id', (upload ->> 'part_size')::bigint, (upload ->> 'part_count')::integer)
            RETURNING f.id INTO new_id;
          END IF;
          ids := array_append(ids, new_id);
        END LOOP;
        RETURN ids;
      END
      $$`);
    // The owner (the connecting role) keeps EXECUTE; nobody else gets it.
    await queryRunner.query(`REVOKE ALL ON FUNCTION r2_files_create_pending_batch FROM PUBLIC`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION r2_files_create_pending_batch`);
  }
}
