// Written by scripts/version.mjs from package.json (npm run build); do not edit.
export const VERSION = '0.1.0';
