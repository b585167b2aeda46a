import { describe, expect, it } from '@jest/globals';

import type { ErrorResponseDto } from '../src/common/errors/error-response.dto.js';
import { registerUser, useTestApp } from './support/test-app.js';

/** The error shape beyond the routes (client mistakes on the routes are cases of the bad-input matrix). */
describe('HTTP errors', () => {
  const t = useTestApp();

  it('a GET ignores any body it is sent (only POST, PUT and PATCH bodies are read)', async () => {
    const user = await registerUser(t);
    await t.http.get('/files').set(user.auth).set('Content-Type', 'application/json').send('{"not json').expect(200);
  });

  it('an unknown route is a 404 in the same shape', async () => {
    const response = await t.http.get('/no-such-route').expect(404);
    expect(response.body).toMatchObject({ success: false, code: 'ROUTE_NOT_FOUND', statusCode: 404 });
  });

  it('echoes a sane incoming X-Request-Id and makes one otherwise', async () => {
    const given = await t.http.get('/no-such-route').set('X-Request-Id', 'trace-abc-123');
    expect(given.headers['x-request-id']).toBe('trace-abc-123');
    expect((given.body as ErrorResponseDto).requestId).toBe('trace-abc-123');
    const made = await t.http.get('/no-such-route').set('X-Request-Id', 'bad id with spaces');
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect((made.body as ErrorResponseDto).requestId).toBe(made.headers['x-request-id']);
  });
});
