// Ablation for `npm run bench:ab` (never in the product): presigned URLs are a constant, unsigned.
import { replaceMethod } from './app-module.mjs';

await replaceMethod('storage/url-signer.js', 'UrlSigner', 'presign', () => () => 'https://ablation.invalid/unsigned');
