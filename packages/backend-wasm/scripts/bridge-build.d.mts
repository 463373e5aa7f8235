// Types of bridge-build.mjs, for the tests that check the generated files against it (src/bridge/bridge.test.ts).

export declare const root: string;
export declare const generatedTextFiles: {
  readonly assemblyBridge: string;
  readonly taskExports: string;
  readonly callers: string;
  readonly workerSource: string;
};
export declare const workerSourceFolders: readonly string[];
export declare function generateBridge(): Promise<{ assembly: string; taskExports: string; callers: string }>;
export declare function bundleWorker(callers?: string): Promise<{ source: string; inputs: string[] }>;
export declare function workerSourceModule(source: string): string;
export declare function generatedTexts(): Promise<Record<string, string>>;
export declare function outdatedGeneratedFiles(): Promise<string[]>;
