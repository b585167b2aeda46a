import { Inject, Injectable } from '@nestjs/common';

import type { AuthenticatedUser } from '../../auth/authenticated-user.js';
import { AppError } from '../../common/errors/app-error.js';
import { MAX_PARTS } from '../../common/object-size-limits.js';
import { type UploadsConfig, uploadsConfig } from '../../config/configuration.js';
import { ObjectStore } from '../../storage/object-store.js';
import type { StoredPart } from '../../storage/storage.types.js';
import type { FileDto } from '../dto/file.dto.js';
import { toFileDto } from '../file.mapper.js';
import type { R2File, UploadStatus } from '../r2-file.entity.js';
import { R2FilesRepository } from '../r2-files.repository.js';
import { UploadLifecycle } from '../uploads/upload-lifecycle.js';
import type {
  CompleteMultipartUploadDto,
  MultipartUploadStatusDto,
  PartUrlDto,
  PartUrlsResponseDto,
  StartMultipartUploadDto,
  StartMultipartUploadResponseDto,
} from './dto/multipart.dto.js';
import { partLength, type PartPlan, planParts, planPartsOfSize, smallestPartSize } from './part-plan.js';

/** What findOwned returns: a multipart upload's row (never one being deleted). */
type MultipartFile = R2File & {
  multipartUploadId: string;
  partSize: number;
  partCount: number;
  declaredSize: number;
  status: Exclude<UploadStatus, 'deleting'>;
};

/** What signing part URLs needs of an upload. */
type PartsToSign = Pick<MultipartFile, 'objectKey' | 'multipartUploadId' | 'partSize' | 'partCount' | 'declaredSize'>;

/**
 * Large files: the client PUTs parts straight to the store through presigned part URLs (each
 * signed with its exact length), then asks the API to complete. Same ownership, limits, quota,
 * verification and idempotency as single uploads (UploadLifecycle).
 */
@Injectable()
export class MultipartUploadsService {
  constructor(
    private readonly lifecycle: UploadLifecycle,
    private readonly files: R2FilesRepository,
    private readonly storage: ObjectStore,
    @Inject(uploadsConfig.KEY) private readonly config: UploadsConfig,
  ) {}

  /**
   * Records the pending upload first, then asks the store to create it: whatever happens after the
   * row exists — the store fails, hangs or loses its answer, the client leaves, the process dies —
   * leaves a row the sweeper finds, and it aborts every upload open under the key. Until the store
   * answers, the row expires after PRESIGN_EXPIRES_IN (a failed start holds a place under the cap
   * no longer than a presigned URL would); then it gets the upload's id and real expiry.
   */
  async start(user: AuthenticatedUser, request: StartMultipartUploadDto): Promise<StartMultipartUploadResponseDto> {
    this.lifecycle.assertAllowed(request.contentType, request.size, this.config.maxSize, true);
    const plan = this.planFor(request);
    const { fileName, objectKey, publicFileUrl } = this.lifecycle.newObject(request.fileName);
    const startDeadline = new Date(Date.now() + this.config.presignExpiresInSeconds * 1000);
    const id = await this.lifecycle.recordPending({
      userId: user.id,
      objectKey,
      fileUrl: publicFileUrl,
      fileName,
      contentType: request.contentType,
      declaredSize: request.size,
      expiresAt: startDeadline,
      urlExpiresAt: startDeadline,
      partSize: plan.partSize,
      partCount: plan.partCount,
    });
    const uploadId = await this.storage.createMultipartUpload(objectKey, request.contentType);
    // Part URLs can be asked for until the upload expires: it counts against the cap until then.
    const expiresAt = new Date(Date.now() + this.config.multipart.ttlSeconds * 1000);
    if (!(await this.files.attachMultipartUpload(user.id, id, uploadId, expiresAt))) {
      // The row went meanwhile (cancelled, or swept after a very slow store): leave nothing open.
      await this.storage.abortMultipartUpload(objectKey, uploadId);
      throw new AppError('STORAGE_UNAVAILABLE', 'The store took too long to start the upload; start again');
    }
    const started: PartsToSign = { objectKey, multipartUploadId: uploadId, declaredSize: request.size, ...plan };
    const first = Array.from({ length: Math.min(plan.partCount, this.config.multipart.urlsPerRequest) }, (_, i) => i + 1);
    const { parts, urlsExpireAt } = await this.signParts(started, first);
    return {
      success: true,
      uploadId,
      objectKey,
      publicFileUrl,
      partSize: plan.partSize,
      partCount: plan.partCount,
      parts,
      urlsExpireAt,
      expiresAt: expiresAt.toISOString(),
    };
  }

  /** More part URLs, for uploads with more parts than one answer carries (or URLs that expired). */
  async partUrls(user: AuthenticatedUser, uploadId: string, partNumbers: number[]): Promise<PartUrlsResponseDto> {
    const upload = await this.findOwned(user, uploadId);
    if (upload.status !== 'pending') throw new AppError('UPLOAD_REJECTED', 'This upload is not in progress any more');
    if (upload.expiresAt && upload.expiresAt.getTime() <= Date.now()) {
      throw new AppError('UPLOAD_EXPIRED', 'This upload expired before it was completed; start a new one');
    }
    const outOfRange = partNumbers.filter((n) => n > upload.partCount);
    if (outOfRange.length > 0) {
      const problem = `partNumbers must be between 1 and ${upload.partCount} (this upload's part count)`;
      throw new AppError('VALIDATION_FAILED', problem, [{ field: 'partNumbers', problems: [problem] }]);
    }
    return this.signParts(upload, partNumbers);
  }

  /** Where the upload stands: the parts the store already holds, so a client can resume. */
  async status(user: AuthenticatedUser, uploadId: string): Promise<MultipartUploadStatusDto> {
    const upload = await this.findOwned(user, uploadId);
    const stored = upload.status === 'pending' ? ((await this.storage.listParts(upload.objectKey, uploadId)) ?? []) : [];
    return {
      uploadId,
      objectKey: upload.objectKey,
      fileName: upload.fileName,
      contentType: upload.contentType,
      size: upload.declaredSize,
      partSize: upload.partSize,
      partCount: upload.partCount,
      status: upload.status,
      expiresAt: upload.expiresAt?.toISOString() ?? null,
      parts: stored,
    };
  }

  /**
   * Assembles the parts and records the file after the same verification as save-metadata.
   * The part list must name every part, 1 … partCount, in order. Completing again returns the file.
   */
  async complete(user: AuthenticatedUser, uploadId: string, request: CompleteMultipartUploadDto): Promise<FileDto> {
    const upload = await this.findOwned(user, uploadId);
    const file = await this.lifecycle.confirm(upload, async () => {
      assertEveryPartListed(request, upload.partCount);
      const stored = await this.storage.listParts(upload.objectKey, uploadId);
      // null: the store no longer knows the upload — an earlier complete assembled it; verification decides.
      if (stored === null) return;
      assertPartsStored(request, stored, upload);
      const outcome = await this.storage.completeMultipartUpload(upload.objectKey, uploadId, request.parts);
      if (outcome === 'invalid-parts') {
        throw new AppError(
          'INVALID_PARTS',
          'The store refused the part list: upload every part, then list each with the ETag its PUT returned',
        );
      }
      // 'no-such-upload': a concurrent or earlier complete already assembled it; verification decides.
    });
    return toFileDto(file);
  }

  /** Aborts a pending upload: the store drops the parts and the upload is forgotten. */
  async abort(user: AuthenticatedUser, uploadId: string): Promise<void> {
    const upload = await this.findOwned(user, uploadId);
    if (upload.status !== 'pending') throw uploadNotFound();
    await this.storage.abortMultipartUpload(upload.objectKey, uploadId);
    await this.files.deletePending(user.id, upload.id);
  }

  /** The client's part size if it chose one (within the store's rules), else the server's. */
  private planFor(request: StartMultipartUploadDto): PartPlan {
    if (request.partSize === undefined) return planParts(request.size, this.config.multipart.partSize);
    const plan = planPartsOfSize(request.size, request.partSize);
    if (!plan) {
      const problem = `partSize ${request.partSize} cuts ${request.size} bytes into more than ${MAX_PARTS} parts; use at least ${smallestPartSize(request.size)} bytes`;
      throw new AppError('VALIDATION_FAILED', problem, [{ field: 'partSize', problems: [problem] }]);
    }
    return plan;
  }

  private async findOwned(user: AuthenticatedUser, uploadId: string): Promise<MultipartFile> {
    const upload = await this.files.findOwnedByMultipartUploadId(user.id, uploadId);
    if (!upload || upload.status === 'deleting') throw uploadNotFound();
    return upload as MultipartFile;
  }

  private async signParts(upload: PartsToSign, partNumbers: number[]): Promise<PartUrlsResponseDto> {
    const plan: PartPlan = { partSize: upload.partSize, partCount: upload.partCount };
    const expiresInSeconds = this.config.multipart.urlExpiresInSeconds;
    // One after the other: signing is CPU work, and a thousand concurrent promises only add overhead.
    const parts: PartUrlDto[] = [];
    for (const partNumber of [...partNumbers].sort((a, b) => a - b)) {
      const size = partLength(plan, upload.declaredSize, partNumber);
      const { url } = await this.storage.presignUploadPart({
        key: upload.objectKey,
        uploadId: upload.multipartUploadId,
        partNumber,
        contentLength: size,
        expiresInSeconds,
      });
      parts.push({ partNumber, url, size });
    }
    return { parts, urlsExpireAt: new Date(Date.now() + expiresInSeconds * 1000).toISOString() };
  }
}

const uploadNotFound = () => new AppError('UPLOAD_NOT_FOUND', 'No multipart upload with this id was started by you');

function assertEveryPartListed(request: CompleteMultipartUploadDto, partCount: number): void {
  const numbers = request.parts.map((part) => part.partNumber);
  const complete = numbers.length === partCount && numbers.every((n, i) => n === i + 1);
  if (!complete) {
    const problem = `parts must list every part from 1 to ${partCount}, in order`;
    throw new AppError('VALIDATION_FAILED', problem, [{ field: 'parts', problems: [problem] }]);
  }
}

/**
 * Checks the client's part list against what the store holds before asking it to assemble them:
 * a clear 409 naming the missing or mismatching parts, the same on every store.
 */
function assertPartsStored(request: CompleteMultipartUploadDto, stored: StoredPart[], upload: MultipartFile): void {
  const byNumber = new Map(stored.map((part) => [part.partNumber, part]));
  const plan = { partSize: upload.partSize, partCount: upload.partCount };
  const unquote = (etag: string) => etag.replace(/^"|"$/g, '');
  const missing: number[] = [];
  const mismatched: number[] = [];
  for (const part of request.parts) {
    const held = byNumber.get(part.partNumber);
    if (!held) missing.push(part.partNumber);
    else if (unquote(held.etag) !== unquote(part.etag) || held.size !== partLength(plan, upload.declaredSize, part.partNumber)) {
      mismatched.push(part.partNumber);
    }
  }
  if (missing.length || mismatched.length) {
    const said = [
      missing.length ? `not uploaded: ${missing.slice(0, 20).join(', ')}` : '',
      mismatched.length ? `wrong ETag or size: ${mismatched.slice(0, 20).join(', ')}` : '',
    ]
      .filter(Boolean)
      .join('; ');
    throw new AppError('INVALID_PARTS', `Some parts are not ready (${said}); upload them and complete again`, { missing, mismatched });
  }
}
