import tailwindcss from "@tailwindcss/vite";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The browser app: built into dist/client, which the web Worker serves as static assets.
export default defineConfig({
  root: "src/client",
  plugins: [react(), tailwindcss()],
  build: { outDir: "../../dist/client", emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 1024 },
});
