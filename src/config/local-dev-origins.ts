/**
 * Ports front ends usually run on during development: this API (3000), the example page served by
 * `npm run dev` (3001), Vite's dev server and preview (5173, 4173) and webpack/Vue CLI-style
 * servers (8080).
 */
export const DEV_FRONT_END_PORTS = [3000, 3001, 4173, 5173, 8080] as const;

/**
 * Web origins of pages served from this machine during development, on both names browsers use
 * for it (`localhost` and `127.0.0.1` are different origins): the default of the API's and the
 * bucket's CORS origins. `extraPorts` adds the ports a dev stack actually runs on.
 */
export function localDevOrigins(extraPorts: readonly number[] = []): string[] {
  const ports = [...new Set([...DEV_FRONT_END_PORTS, ...extraPorts])];
  return ports.flatMap((port) => [`http://localhost:${port}`, `http://127.0.0.1:${port}`]);
}
