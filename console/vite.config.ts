// Builds the console into console/dist; the gateway serves it at /console (issue 19), so every
// asset URL starts with /console/. `npm run dev` proxies /v1 to a gateway started by `npm start`.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/console/',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
  server: {
    proxy: { '/v1': process.env.RUNFLEET_GATEWAY_URL ?? 'http://127.0.0.1:8080' },
  },
});
