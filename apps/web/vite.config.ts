import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The browser app: built into dist/client, which the web Worker serves as static assets.
export default defineConfig({
  root: "src/client",
  plugins: [react()],
  // One bundle (~880 kB, 260 kB gzipped: React, assistant-ui, the AI SDK client); split later if it grows.
  build: { outDir: "../../dist/client", emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 1024 },
});
