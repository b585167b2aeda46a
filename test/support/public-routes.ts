/** The only routes open without a token. Adding one here must be a deliberate decision. */
export const PUBLIC_ROUTES = ['POST /auth/register', 'POST /auth/login', 'GET /health', 'GET /health/ready'];
