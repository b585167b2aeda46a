// esbuild bundles imported CSS into main.css; TypeScript only needs to know such imports exist.
declare module '*.css';
