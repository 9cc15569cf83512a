/** Text catalogue entries for src/probe (see src/messages.ts). Keys in en and zh must match. */
export const en: Readonly<Record<string, string>> = {
};

export const zh: Readonly<Record<string, string>> = {
};
