import { describe, expect, it } from '@jest/globals';
import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { ModulesContainer } from '@nestjs/core';

import { IS_PUBLIC_KEY } from '../src/auth/decorators/public.decorator.js';
import type { ErrorResponseDto } from '../src/common/errors/error-response.dto.js';
import { PUBLIC_ROUTES } from './support/public-routes.js';
import { type TestApp, useTestApp } from './support/test-app.js';

interface Route {
  method: string;
  path: string;
  isPublic: boolean;
}

/** Every controller route of the app, read from Nest's own registry (not from the docs). */
function discoverRoutes(t: TestApp): Route[] {
  const routes: Route[] = [];
  for (const module of t.app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: never[]) => unknown) | null;
      if (!controller) continue;
      const prefix = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
      const prototype = controller.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(prototype)) {
        const handler = prototype[name];
        if (name === 'constructor' || typeof handler !== 'function' || !Reflect.hasMetadata(PATH_METADATA, handler)) continue;
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
        const path = `/${[prefix, String(Reflect.getMetadata(PATH_METADATA, handler))].filter((p) => p && p !== '/').join('/')}`.replace(
          /\/+/g,
          '/',
        );
        const isPublic = Reflect.getMetadata(IS_PUBLIC_KEY, handler) === true || Reflect.getMetadata(IS_PUBLIC_KEY, controller) === true;
        routes.push({ method, path, isPublic });
      }
    }
  }
  return routes;
}

describe('every route is public on purpose or guarded', () => {
  const t = useTestApp();

  it('finds the routes (the walk below is not vacuous)', () => {
    const names = discoverRoutes(t).map((r) => `${r.method} ${r.path}`);
    expect(names).toEqual(
      expect.arrayContaining(['POST /presign-upload', 'POST /save-metadata', 'GET /files', 'GET /auth/me', ...PUBLIC_ROUTES]),
    );
  });

  it('opens exactly the allow-listed routes', () => {
    const open = discoverRoutes(t)
      .filter((r) => r.isPublic)
      .map((r) => `${r.method} ${r.path}`);
    expect(open.sort()).toEqual([...PUBLIC_ROUTES].sort());
  });

  it('answers 401 in the error shape without a token on every other route', async () => {
    for (const route of discoverRoutes(t).filter((r) => !r.isPublic)) {
      const path = route.path.replace(/:(\w+)/g, '1');
      const response = await t.http[route.method.toLowerCase() as 'get' | 'post' | 'delete' | 'put' | 'patch'](path).send({});
      const body = response.body as ErrorResponseDto;
      expect({ route: `${route.method} ${route.path}`, status: response.status, body }).toEqual({
        route: `${route.method} ${route.path}`,
        status: 401,
        body: expect.objectContaining({ success: false, code: 'AUTH_REQUIRED', statusCode: 401 }),
      });
    }
  });
});
