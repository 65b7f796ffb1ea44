/** Builds (or reuses) `<outDir>/agent.mjs` from the project at `root`; returns its path. */
export function bundleAgent(root: string, outDir: string): Promise<string>;
