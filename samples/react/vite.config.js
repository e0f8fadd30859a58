import { defineConfig } from "vite";

// No @vitejs/plugin-react: Vite's built-in esbuild compiles the JSX (React 17+ automatic runtime).
export default defineConfig({
  base: "./", // the build works from any folder and any static server
  esbuild: { jsx: "automatic" },
  server: { host: true, port: 5173 }, // host: reachable from a phone on the LAN too
  preview: { host: true, port: 4173 },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.{js,jsx}"],
  },
});
