// Ablation for `npm run bench:ab` (never in the product): a presign without the work that is its
// own — no body validation, no URL signing, no database write. What is left is what every
// authenticated JSON POST costs in this stack: body parsing, the token check, Nest's route and
// param handling, the response and its log line. See docs/adr/0012.
import './no-validation.mjs';
import './no-signing.mjs';
import './no-database-write.mjs';
