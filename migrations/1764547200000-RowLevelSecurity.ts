import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Row Level Security on `r2_files`, enabled and forced. Request-time queries run as the
 * `r2files_app` role with the caller's id in the transaction-local setting `app.user_id`, so a
 * query that forgets its `WHERE user_id` still sees only the caller's rows. The sweeper runs as
 * `r2files_sweeper`, which sees nothing but expired pending uploads. Both roles cannot log in;
 * the connecting role is made a member so it can switch to them per transaction.
 */
export class RowLevelSecurity1764547200000 implements MigrationInterface {
  name = 'RowLevelSecurity1764547200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const role of ['r2files_app', 'r2files_sweeper']) {
      await queryRunner.query(`
        DO $$ BEGIN
          IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${role}') THEN
            CREATE ROLE ${role} NOLOGIN NOSUPERUSER NOBYPASSRLS;
          END IF;
        END $$`);
      await queryRunner.query(`GRANT ${role} TO CURRENT_USER`);
      await queryRunner.query(`GRANT USAGE ON SCHEMA public TO ${role}`);
    }
    await queryRunner.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON "r2_files" TO r2files_app`);
    // FOR UPDATE SKIP LOCKED needs UPDATE; the policy below still limits what it can touch.
    await queryRunner.query(`GRANT SELECT, UPDATE, DELETE ON "r2_files" TO r2files_sweeper`);

    await queryRunner.query(`ALTER TABLE "r2_files" ADD CONSTRAINT "CHK_r2_files_user_id" CHECK ("user_id" <> '')`);
    await queryRunner.query(`ALTER TABLE "r2_files" ENABLE ROW LEVEL SECURITY`);
    await queryRunner.query(`ALTER TABLE "r2_files" FORCE ROW LEVEL SECURITY`);
    // Unset, the setting is NULL (or '' after an earlier transaction): it matches no row.
    await queryRunner.query(`
      CREATE POLICY "r2_files_owner" ON "r2_files" TO r2files_app
      USING ("user_id" = current_setting('app.user_id', true))
      WITH CHECK ("user_id" = current_setting('app.user_id', true))`);
    await queryRunner.query(`
      CREATE POLICY "r2_files_sweeper" ON "r2_files" TO r2files_sweeper
      USING ("status" = 'pending' AND "expires_at" < now())`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP POLICY "r2_files_sweeper" ON "r2_files"`);
    await queryRunner.query(`DROP POLICY "r2_files_owner" ON "r2_files"`);
    await queryRunner.query(`ALTER TABLE "r2_files" NO FORCE ROW LEVEL SECURITY`);
    await queryRunner.query(`ALTER TABLE "r2_files" DISABLE ROW LEVEL SECURITY`);
    await queryRunner.query(`ALTER TABLE "r2_files" DROP CONSTRAINT "CHK_r2_files_user_id"`);
    await queryRunner.query(`REVOKE ALL ON "r2_files" FROM r2files_app, r2files_sweeper`);
    await queryRunner.query(`REVOKE USAGE ON SCHEMA public FROM r2files_app, r2files_sweeper`);
    // The roles are cluster-wide and may serve other databases: they are left in place.
  }
}
