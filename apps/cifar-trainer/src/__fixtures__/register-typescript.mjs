// `node --import <this file> script.ts`: runs TypeScript sources with the hooks in typescript-hooks.mjs.
import { register } from 'node:module';

register('./typescript-hooks.mjs', import.meta.url);
