import { describe, expect, it } from '@jest/globals';
import { type ArgumentMetadata, ValidationPipe } from '@nestjs/common';
import { getMetadataStorage } from 'class-validator';

import { PresignUploadDto } from '../../files/dto/presign-upload.dto.js';
import { CompleteMultipartUploadDto } from '../../files/multipart/dto/multipart.dto.js';
import { AppError } from '../errors/app-error.js';
import { createValidationPipe, validationPipeOptions } from './validation.pipe.js';

/**
 * The app's pipe takes a shorter path for JSON bodies; Nest's own ValidationPipe with the same
 * options is the reference: every value must come out, or be refused, exactly as it would there.
 */
describe('createValidationPipe', () => {
  const pipe = createValidationPipe();
  const reference = new ValidationPipe(validationPipeOptions);

  /** What a pipe makes of a value: the transformed value with its class, or the refusal. */
  const outcome = async (subject: ValidationPipe, value: unknown, metadata: ArgumentMetadata) => {
    try {
      const result: unknown = await subject.transform(structuredClone(value), metadata);
      return { class: (result as object | null)?.constructor?.name, result };
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      const refusal = error as AppError;
      return { code: refusal.code, message: refusal.message, details: refusal.details as unknown };
    }
  };

  const presign: ArgumentMetadata = { type: 'body', metatype: PresignUploadDto };
  const complete: ArgumentMetadata = { type: 'body', metatype: CompleteMultipartUploadDto };

  it.each<[string, unknown, ArgumentMetadata]>([
    ['a valid body, transformed', { fileName: '  photo.png ', contentType: 'image/png ', size: 65536 }, presign],
    ['a valid body without the optional size', { fileName: 'a.txt', contentType: 'text/plain' }, presign],
    ['a nested body', { parts: [{ partNumber: 1, etag: '"abc"' }] }, complete],
    ['an unknown field', { fileName: 'a.txt', contentType: 'text/plain', admin: true }, presign],
    ['a wrong type and a missing field', { fileName: 7 }, presign],
    ['a bad nested item', { parts: [{ partNumber: 0, etag: '' }, 'x'] }, complete],
    ['an array instead of an object', [{ fileName: 'a.txt', contentType: 'text/plain' }], presign],
    ['a string instead of an object', 'a.txt', presign],
    ['no body at all', undefined, presign],
  ])('answers %s as Nest’s ValidationPipe does', async (_label, value, metadata) => {
    const ours = await outcome(pipe, value, metadata);
    expect(ours).toEqual(await outcome(reference, value, metadata));
  });

  it('returns an instance of the DTO with its transforms applied', async () => {
    const result: unknown = await pipe.transform({ fileName: '  photo.png ', contentType: 'image/png', size: 5 }, presign);
    expect(result).toBeInstanceOf(PresignUploadDto);
    expect(result).toEqual(Object.assign(new PresignUploadDto(), { fileName: 'photo.png', contentType: 'image/png', size: 5 }));
  });

  it('strips prototype keys a JSON body can carry before building the DTO', async () => {
    const body = JSON.parse('{"fileName":"a.txt","contentType":"text/plain","__proto__":{"polluted":true}}') as object;
    const result = (await pipe.transform(body, presign)) as Record<string, unknown>;
    expect(Object.getPrototypeOf(result)).toBe(PresignUploadDto.prototype);
    expect(result.polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('has only synchronous constraints to check (the fast path validates synchronously)', async () => {
    // Every DTO of the API, registered by importing the modules that declare them.
    await import('../../app.module.js');
    const storage = getMetadataStorage() as unknown as { constraintMetadatas: Map<unknown, { name: string; async: boolean }[]> };
    const constraints = [...storage.constraintMetadatas.values()].flat();
    expect(constraints.length).toBeGreaterThan(0);
    expect(constraints.filter((constraint) => constraint.async).map((constraint) => constraint.name)).toEqual([]);
  });

  it('leaves queries and params to Nest’s path', async () => {
    await expect(pipe.transform('42', { type: 'param', metatype: String, data: 'id' })).resolves.toBe('42');
  });
});
