import type { Response, Test } from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';

import type { AccessTokenDto } from '../../src/auth/dto/access-token.dto.js';
import type { CredentialsDto } from '../../src/auth/dto/credentials.dto.js';
import type { MeDto } from '../../src/auth/dto/me.dto.js';
import type { ErrorResponseDto, HealthReportDto } from '../../src/common/errors/error-response.dto.js';
import type { DownloadUrlDto } from '../../src/files/dto/download-url.dto.js';
import type { FileDto } from '../../src/files/dto/file.dto.js';
import type { FileListDto } from '../../src/files/dto/list-files.dto.js';
import type { PresignUploadDto, PresignUploadResponseDto } from '../../src/files/dto/presign-upload.dto.js';
import type { SaveMetadataDto, SaveMetadataResponseDto } from '../../src/files/dto/save-metadata.dto.js';
import type {
  CompletedPartDto,
  MultipartUploadStatusDto,
  PartUrlsResponseDto,
  StartMultipartUploadDto,
  StartMultipartUploadResponseDto,
} from '../../src/files/multipart/dto/multipart.dto.js';
import type { SignedUploadRequestDto, SignUploadRequestDto } from '../../src/files/signing/dto/sign-upload-request.dto.js';

/** An answer of the API, its body typed as the route's response DTO (or the error shape). */
export interface Answer<T> {
  status: number;
  body: T;
  headers: Record<string, string>;
  text: string;
}

/** The statuses of success answers: `expect`ing one of them types the body as the route's DTO. */
type SuccessStatus = 200 | 201 | 204;

/** One request to the API, sent when awaited or `expect`ed. */
export class ApiCall<T> implements PromiseLike<Answer<T | ErrorResponseDto>> {
  constructor(private readonly request: Test) {}

  /** Adds headers (e.g. `X-Request-Id`). */
  set(headers: Record<string, string>): this {
    void this.request.set(headers);
    return this;
  }

  /** Sends the request and fails, showing the body, unless the answer has `status`. */
  expect(status: SuccessStatus): Promise<Answer<T>>;
  expect(status: number): Promise<Answer<ErrorResponseDto>>;
  async expect(status: number): Promise<Answer<T> | Answer<ErrorResponseDto>> {
    const answer = await this.send();
    if (answer.status !== status) {
      throw new Error(`expected ${status} from ${this.request.method} ${this.request.url}, got ${answer.status}: ${answer.text}`);
    }
    return answer as Answer<T>;
  }

  then<A = Answer<T | ErrorResponseDto>, B = never>(
    onFulfilled?: ((answer: Answer<T | ErrorResponseDto>) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): PromiseLike<A | B> {
    return this.send().then(onFulfilled, onRejected);
  }

  private async send(): Promise<Answer<T | ErrorResponseDto>> {
    const response: Response = await this.request;
    return { status: response.status, body: response.body as T | ErrorResponseDto, headers: response.headers, text: response.text };
  }
}

/** Who a request is sent as: a registered user (see registerUser), a bearer token, or no one. */
export type Caller = { auth: Record<string, string> } | { token: string } | null;

/**
 * The API's routes with their DTO types, so specs read typed answers instead of `any`. Requests
 * carry well-formed bodies; the bad-input matrix sends malformed ones through the raw `http` agent.
 */
export class ApiClient {
  constructor(private readonly http: TestAgent) {}

  register(credentials: CredentialsDto): ApiCall<AccessTokenDto> {
    return new ApiCall(this.http.post('/auth/register').send(credentials));
  }

  login(credentials: CredentialsDto): ApiCall<AccessTokenDto> {
    return new ApiCall(this.http.post('/auth/login').send(credentials));
  }

  health(): ApiCall<HealthReportDto> {
    return new ApiCall(this.http.get('/health'));
  }

  ready(): ApiCall<HealthReportDto> {
    return new ApiCall(this.http.get('/health/ready'));
  }

  /** The routes that need a caller, sent with `caller`'s token (or without any, for `null`). */
  as(caller: Caller): CallerApi {
    return new CallerApi(this.http, headersOf(caller));
  }
}

function headersOf(caller: Caller): Record<string, string> {
  if (caller === null) return {};
  return 'auth' in caller ? caller.auth : { Authorization: `Bearer ${caller.token}` };
}

export class CallerApi {
  constructor(
    private readonly http: TestAgent,
    private readonly headers: Record<string, string>,
  ) {}

  me(): ApiCall<MeDto> {
    return this.call(this.http.get('/auth/me'));
  }

  presign(request: PresignUploadDto): ApiCall<PresignUploadResponseDto> {
    return this.call(this.http.post('/presign-upload').send(request));
  }

  saveMetadata(request: SaveMetadataDto): ApiCall<SaveMetadataResponseDto> {
    return this.call(this.http.post('/save-metadata').send(request));
  }

  /** `GET /files` with query parameters as given (strings pass through unvalidated, to test the API's checks). */
  listFiles(query: Record<string, string | number> = {}): ApiCall<FileListDto> {
    return this.call(this.http.get('/files').query(query));
  }

  getFile(id: number | string): ApiCall<FileDto> {
    return this.call(this.http.get(`/files/${id}`));
  }

  downloadUrl(id: number | string, disposition?: string): ApiCall<DownloadUrlDto> {
    return this.call(this.http.get(`/files/${id}/download-url`).query(disposition === undefined ? {} : { disposition }));
  }

  deleteFile(id: number | string): ApiCall<void> {
    return this.call(this.http.delete(`/files/${id}`));
  }

  cancelUpload(objectKey: string): ApiCall<void> {
    return this.call(this.http.delete(`/uploads/${encodeURIComponent(objectKey)}`));
  }

  startMultipart(request: StartMultipartUploadDto): ApiCall<StartMultipartUploadResponseDto> {
    return this.call(this.http.post('/files/multipart').send(request));
  }

  partUrls(uploadId: string, partNumbers: number[]): ApiCall<PartUrlsResponseDto> {
    return this.call(this.http.post(`/files/multipart/${uploadId}/part-urls`).send({ partNumbers }));
  }

  multipartStatus(uploadId: string): ApiCall<MultipartUploadStatusDto> {
    return this.call(this.http.get(`/files/multipart/${uploadId}`));
  }

  completeMultipart(uploadId: string, parts: CompletedPartDto[]): ApiCall<SaveMetadataResponseDto> {
    return this.call(this.http.post(`/files/multipart/${uploadId}/complete`).send({ parts }));
  }

  abortMultipart(uploadId: string): ApiCall<void> {
    return this.call(this.http.delete(`/files/multipart/${uploadId}`));
  }

  /** `POST /uploads/sign`: signs one S3 request of an upload, as Uppy 6's `signRequest` forwards it. */
  signUpload(request: SignUploadRequestDto): ApiCall<SignedUploadRequestDto> {
    return this.call(this.http.post('/uploads/sign').send(request));
  }

  private call<T>(request: Test): ApiCall<T> {
    return new ApiCall<T>(request.set(this.headers));
  }
}
