import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The API serves the built portal at /portal/ (index.html for every /portal/<slug> deep link).
// In dev, Vite forwards /graphql (HTTP and WebSocket) to the API on port 4000; the Host header
// is kept (no changeOrigin) so that the API's same-origin checks still see this page's origin.
export default defineConfig({
  base: '/portal/',
  plugins: [react()],
  // Drops Apollo Client's development-only checks from the bundle.
  define: { 'globalThis.__DEV__': 'false' },
  server: {
    port: 5174,
    proxy: {
      '/graphql': { target: 'http://localhost:4000', ws: true },
    },
  },
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
  },
});
