/** The S3 SDK client, built once per process from the storage configuration (see s3-client.factory.ts). */
export const S3_CLIENT = Symbol('S3_CLIENT');

/** Signs URLs for clients, for S3_PRESIGN_ENDPOINT (which defaults to the endpoint). */
export const URL_SIGNER = Symbol('URL_SIGNER');
