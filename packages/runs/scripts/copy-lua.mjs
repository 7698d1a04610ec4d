// The run store reads its Lua scripts next to its modules (src/store/lua in tests, dist/store/lua
// when built); tsc copies only TypeScript, so the build copies the scripts.
import { cpSync } from 'node:fs';

cpSync(new URL('../src/store/lua', import.meta.url), new URL('../dist/store/lua', import.meta.url), { recursive: true });
