import { readFileSync } from 'node:fs';

import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';

import { validateEnvironment } from '../src/config/environment.js';

/*
 * No Docker engine runs where the tests run, so the compose file and the Dockerfile are checked
 * as text against what the API requires: a broken wiring fails here instead of at `docker compose up`.
 */

interface Service {
  image?: string;
  build?: unknown;
  command?: string | string[];
  entrypoint?: string | string[];
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
}

const compose = parse(readFileSync('docker-compose.yml', 'utf8')) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};
/** A service the compose file must define (the test fails with its name otherwise). */
function service(name: string): Service {
  const found = compose.services[name];
  if (!found) throw new Error(`docker-compose.yml has no service "${name}"`);
  return found;
}
const [postgres, minio, api, init] = ['postgres', 'minio', 'api', 'minio-init'].map(service) as [Service, Service, Service, Service];
/** `${VAR:-default}` as compose would expand it with VAR unset. */
const expand = (value: string) => value.replace(/\$\{\w+:-([^}]*)\}/g, '$1');
const apiVariables = Object.fromEntries(Object.entries(api.environment ?? {}).map(([key, value]) => [key, expand(String(value))]));
/** One of the API's variables; a missing one reads as '' so the assertions below fail with a readable diff. */
const apiEnv = (name: string): string => apiVariables[name] ?? '';

describe('docker-compose.yml', () => {
  it('gives the API an environment its own validation accepts (every required variable, valid values)', () => {
    expect(() => validateEnvironment(apiVariables)).not.toThrow();
  });

  it('points DATABASE_URL at the postgres service with its credentials and database', () => {
    const url = new URL(apiEnv('DATABASE_URL'));
    expect(url.hostname).toBe('postgres');
    expect(url.port || '5432').toBe('5432');
    expect(decodeURIComponent(url.username)).toBe(postgres.environment?.POSTGRES_USER);
    expect(decodeURIComponent(url.password)).toBe(postgres.environment?.POSTGRES_PASSWORD);
    expect(url.pathname.slice(1)).toBe(postgres.environment?.POSTGRES_DB);
  });

  it('points the store at the minio service, with its credentials, and presigns for the published port', () => {
    const endpoint = new URL(apiEnv('S3_ENDPOINT'));
    expect(endpoint.hostname).toBe('minio');
    expect(minio.command).toContain('server /data');
    expect(apiEnv('R2_ACCESS_KEY_ID')).toBe(minio.environment?.MINIO_ROOT_USER);
    expect(apiEnv('R2_SECRET_ACCESS_KEY')).toBe(minio.environment?.MINIO_ROOT_PASSWORD);
    const presign = new URL(apiEnv('S3_PRESIGN_ENDPOINT'));
    expect(minio.ports).toContain(`${presign.port}:${endpoint.port}`);
  });

  it('creates the bucket the API uses, with anonymous reads for its public URL', () => {
    const script = ([] as string[]).concat(init.entrypoint ?? []).join(' ');
    const bucket = apiEnv('R2_BUCKET_NAME');
    expect(script).toContain(`mc mb --ignore-existing local/${bucket}`);
    expect(script).toContain(`mc anonymous set download local/${bucket}`);
    expect(apiEnv('R2_PUBLIC_BASE_URL')).toBe(`${apiEnv('S3_PRESIGN_ENDPOINT')}/${bucket}`);
    expect(expand(minio.environment?.MINIO_API_CORS_ALLOW_ORIGIN ?? '').split(',')).toEqual(
      expect.arrayContaining(apiEnv('API_CORS_ORIGINS').split(',')),
    );
  });

  it("takes MinIO's CORS origins from STORAGE_CORS_ORIGINS, the one source of the rule set in every mode", () => {
    expect(minio.environment?.MINIO_API_CORS_ALLOW_ORIGIN).toBe(api.environment?.STORAGE_CORS_ORIGINS);
    expect(minio.environment?.MINIO_API_CORS_ALLOW_ORIGIN).toMatch(/^\$\{STORAGE_CORS_ORIGINS:-[^}]+\}$/);
  });

  it('starts the API after healthy dependencies, publishes its port and checks its health', () => {
    expect(api.build).toBeDefined();
    expect(api.depends_on).toEqual({
      postgres: { condition: 'service_healthy' },
      'minio-init': { condition: 'service_completed_successfully' },
    });
    expect(init.depends_on).toEqual({ minio: { condition: 'service_healthy' } });
    expect(postgres.healthcheck && minio.healthcheck && api.healthcheck).toBeTruthy();
    expect(api.ports).toContain(`${apiEnv('PORT')}:${apiEnv('PORT')}`);
    expect(api.healthcheck?.test.join(' ')).toContain(`127.0.0.1:${apiEnv('PORT')}/health`);
  });

  it('keeps data in named volumes and pins the PostgreSQL major', () => {
    expect(postgres.image).toMatch(/^postgres:\d+/);
    for (const service of [postgres, minio]) {
      const [volume] = (service.volumes?.[0] ?? '').split(':');
      expect(Object.keys(compose.volumes)).toContain(volume);
    }
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync('Dockerfile', 'utf8');
  const stages = dockerfile.split(/^FROM /m).slice(1);
  const final = stages.at(-1) ?? '';

  it('is multi-stage on a Node LTS slim image', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) expect(stage).toMatch(/^node:(22|24)[\w.-]*-(slim|alpine)/);
  });

  it('ships only the build output and production dependencies, as a non-root user, with a health check', () => {
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    expect(final).not.toMatch(/COPY (--\S+ )*(src|scripts|test)\b/);
    expect(final).toMatch(/COPY --from=prod-deps .*node_modules/);
    expect(final).toMatch(/COPY --from=build .*dist/);
    expect(final).toMatch(/^USER (?!root)\w+/m);
    expect(final).toMatch(/^HEALTHCHECK /m);
  });

  it('applies migrations before it serves', () => {
    const cmd = /^CMD (.+)$/m.exec(final)?.[1] ?? '';
    expect(cmd.indexOf('migration:run')).toBeGreaterThan(-1);
    expect(cmd.indexOf('migration:run')).toBeLessThan(cmd.indexOf('dist/src/main.js'));
  });

  it('serves with the Node flags of `npm start` (the ones `npm run bench` measures)', () => {
    const cmd = /^CMD (.+)$/m.exec(final)?.[1] ?? '';
    const start = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: { start: string } }).scripts.start;
    const flagsOf = (command: string) => /\bnode ((?:--\S+ )*)dist\/src\/main\.js/.exec(command)?.[1];
    expect(flagsOf(start)).toMatch(/--max-semi-space-size=\d+/);
    expect(flagsOf(start)).toContain('--no-allocation-site-pretenuring');
    expect(flagsOf(cmd)).toBe(flagsOf(start));
  });
});
