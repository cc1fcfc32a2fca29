import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The web app builds into web/dist, which the API process serves (src/http/static-files.ts).
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: { outDir: "dist", emptyOutDir: true, sourcemap: false },
  server: { proxy: { "/graphql": "http://localhost:4000", "/session": "http://localhost:4000", "/exports": "http://localhost:4000" } },
});
