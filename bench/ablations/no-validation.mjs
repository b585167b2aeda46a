// Ablation for `npm run bench:ab` (never in the product): JSON bodies skip the global pipes
// (SafeStringsPipe, class-transformer and class-validator), reaching the handler as parsed.
import { replaceMethod } from './app-module.mjs';

const skipBodies = (transform) =>
  function (value, metadata) {
    return metadata.type === 'body' ? value : transform.call(this, value, metadata);
  };
await replaceMethod('common/http/safe-strings.pipe.js', 'SafeStringsPipe', 'transform', skipBodies);
await replaceMethod('common/http/validation.pipe.js', 'JsonBodyValidationPipe', 'transform', skipBodies);
