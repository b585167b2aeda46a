// Ablation for `npm run bench:ab` (never in the product): presigns record no pending row (id 1),
// so neither the cap nor the turn's batch call reaches PostgreSQL.
import { replaceMethod } from './app-module.mjs';

await replaceMethod('files/r2-files.repository.js', 'R2FilesRepository', 'createPendingWithinQuota', () => () => Promise.resolve(1));
