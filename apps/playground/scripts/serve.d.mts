export declare const isolationHeaders: Record<string, string>;
export declare const corsHeaders: Record<string, string>;
export declare function serveStatic(
  folder: string,
  options?: { isolated?: boolean; headers?: Record<string, string>; port?: number; host?: string },
): Promise<{ origin: string; close: () => Promise<void> }>;
