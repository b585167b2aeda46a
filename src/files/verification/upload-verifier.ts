import { Inject, Injectable } from '@nestjs/common';

import { AppError } from '../../common/errors/app-error.js';
import { type UploadsConfig, uploadsConfig } from '../../config/configuration.js';
import { ObjectStore } from '../../storage/object-store.js';
import type { StoredObject } from '../../storage/storage.types.js';
import type { R2File } from '../r2-file.entity.js';
import { hasKnownSignature, matchesSignature, SIGNATURE_PREFIX_LENGTH } from './file-signature.js';
import { mediaTypeEssence } from './media-type.js';

/**
 * Checks a stored object against the upload it claims to be: size limits, declared size, the
 * presigned content type and, for types with a known signature, the object's first bytes.
 * Returns the reason it fails, or null when it passes.
 */
@Injectable()
export class UploadVerifier {
  constructor(
    private readonly storage: ObjectStore,
    @Inject(uploadsConfig.KEY) private readonly config: UploadsConfig,
  ) {}

  async failure(upload: R2File, object: StoredObject): Promise<AppError | null> {
    if (object.size > this.config.maxSize) {
      return new AppError('FILE_TOO_LARGE', `The uploaded object is ${object.size} bytes; the limit is ${this.config.maxSize}`, {
        size: object.size,
        maxSize: this.config.maxSize,
      });
    }
    if (upload.declaredSize !== null && object.size !== upload.declaredSize) {
      return new AppError('SIZE_MISMATCH', `The uploaded object is ${object.size} bytes, but ${upload.declaredSize} were declared`);
    }
    if (object.contentType === null || mediaTypeEssence(object.contentType) !== mediaTypeEssence(upload.contentType)) {
      return new AppError(
        'CONTENT_TYPE_MISMATCH',
        `The uploaded object has type ${object.contentType ?? 'none'}, not ${upload.contentType}`,
      );
    }
    if (hasKnownSignature(upload.contentType)) {
      const prefix = (await this.storage.readPrefix(upload.objectKey, SIGNATURE_PREFIX_LENGTH)) ?? Buffer.alloc(0);
      if (!matchesSignature(upload.contentType, prefix)) {
        return new AppError('FILE_SIGNATURE_MISMATCH', `The uploaded bytes are not a ${mediaTypeEssence(upload.contentType)} file`);
      }
    }
    return null;
  }
}
