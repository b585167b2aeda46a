/** The S3 SDK client, built once per process from the storage configuration (see s3-client.factory.ts). */
export const S3_CLIENT = Symbol('S3_CLIENT');

/** Signs URLs for clients, for S3_PRESIGN_ENDPOINT (which defaults to the endpoint). */
export const URL_SIGNER = Symbol('URL_SIGNER');

/** Signs URLs the API calls itself, for S3_ENDPOINT (HeadObject through a presigned URL). */
export const STORE_URL_SIGNER = Symbol('STORE_URL_SIGNER');

/** HEAD requests to presigned URLs, bounded like the SDK client (see presigned-head.ts). */
export const PRESIGNED_HEAD = Symbol('PRESIGNED_HEAD');
