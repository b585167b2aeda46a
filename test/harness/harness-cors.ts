/** The origins the suite's bucket allows at start; specs that change its CORS rules put these back. */
export const HARNESS_CORS_ORIGINS = ['http://localhost:5173'];
