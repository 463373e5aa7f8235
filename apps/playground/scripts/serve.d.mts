export declare const isolationHeaders: Record<string, string>;
export declare function serveStatic(
  folder: string,
  options?: { isolated?: boolean; port?: number; host?: string },
): Promise<{ origin: string; close: () => Promise<void> }>;
