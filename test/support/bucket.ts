import {
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';

export type BucketInspector = ReturnType<typeof createBucketInspector>;

/**
 * A test-side view of the bucket, with its own client (not the app's ObjectStore), to check what is
 * really stored. Reads the suite's store from `process.env`, or another one (a fault stack's) from `env`.
 */
export function createBucketInspector(env: Record<string, string | undefined> = process.env) {
  const bucket = env.R2_BUCKET_NAME as string;
  const client = new S3Client({
    endpoint: env.S3_ENDPOINT,
    region: env.S3_REGION ?? 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: env.R2_ACCESS_KEY_ID as string, secretAccessKey: env.R2_SECRET_ACCESS_KEY as string },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  return {
    /** Every key in the bucket, sorted. */
    async keys(): Promise<string[]> {
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token, MaxKeys: 1000 }));
        keys.push(...(page.Contents ?? []).map((object) => object.Key as string));
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return keys.sort();
    },
    /** The multipart uploads open in the bucket (under `prefix` when given), as `key uploadId`, sorted. */
    async openMultipartUploads(prefix?: string): Promise<string[]> {
      const page = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: prefix }));
      return (page.Uploads ?? []).map((upload) => `${upload.Key} ${upload.UploadId}`).sort();
    },
    /** The size of the object under `key`, or null when there is none. */
    async sizeOf(key: string): Promise<number | null> {
      try {
        return (await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))).ContentLength ?? 0;
      } catch (error) {
        if ((error as { name?: string }).name === 'NotFound') return null;
        throw error;
      }
    },
    /** Whether an object is stored under `key`. */
    async has(key: string): Promise<boolean> {
      try {
        await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        return true;
      } catch (error) {
        if ((error as { name?: string }).name === 'NotFound') return false;
        throw error;
      }
    },
    /** The bytes stored under `key`, or null when there is no such object. */
    async read(key: string): Promise<Buffer | null> {
      try {
        const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        return Buffer.from((await object.Body?.transformToByteArray()) ?? []);
      } catch (error) {
        if ((error as { name?: string }).name === 'NoSuchKey') return null;
        throw error;
      }
    },
    /** Writes an object directly, bypassing presigned URLs (to simulate a misbehaving store or client). */
    async put(key: string, body: Buffer | string, contentType: string): Promise<void> {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }));
    },
    destroy: () => client.destroy(),
  };
}
