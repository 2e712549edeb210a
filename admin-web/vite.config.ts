import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The API (npm start, port 4000) serves the built app at /admin/ and GraphQL at /graphql.
// In dev, Vite serves the app and forwards /graphql (HTTP and WebSocket) to the API, so the
// session cookies stay first-party. The Host header is kept (no changeOrigin): the API only
// accepts cookies on WebSocket upgrades whose Origin matches the Host.
export default defineConfig({
  base: '/admin/',
  plugins: [react()],
  server: {
    port: 5173,
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
