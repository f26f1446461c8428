// ESLint flat config for the extension: browser + WebExtension globals, modules for the worker
// and extension pages, classic scripts for the content script and the site adapters.
import js from "@eslint/js";
import globals from "globals";

export default [
  { ignores: ["dist/", "node_modules/"] },
  js.configs.recommended,
  {
    files: ["src/**/*.js"],
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: "module",
      globals: { ...globals.browser, ...globals.webextensions },
    },
    rules: {
      "no-restricted-properties": [
        "error",
        { property: "innerHTML", message: "Build DOM with createElement/textContent." },
        { property: "outerHTML", message: "Build DOM with createElement/textContent." },
        { property: "insertAdjacentHTML", message: "Build DOM with createElement/textContent." },
      ],
      "no-eval": "error",
      "no-implied-eval": "error",
      eqeqeq: "error",
      "prefer-const": "error",
    },
  },
  {
    files: ["src/content/**/*.js", "src/adapters/**/*.js"],
    languageOptions: { sourceType: "script" },
  },
  {
    files: ["scripts/**/*.mjs", "tests/**/*.mjs", "eslint.config.js"],
    languageOptions: { ecmaVersion: 2023, sourceType: "module", globals: { ...globals.node } },
  },
];
