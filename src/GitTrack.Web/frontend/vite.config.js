import { defineConfig } from "vite";

// The built page goes to ../wwwroot, which GitTrack.Web embeds; the tool itself needs no Node.
export default defineConfig({
  build: {
    outDir: "../wwwroot",
    emptyOutDir: true,
    target: "es2020",
    chunkSizeWarningLimit: 1000,
  },
});
