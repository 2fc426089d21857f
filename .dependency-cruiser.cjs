/**
 * The layering of Trading post, checked on every `npm test` (test/layering.test.ts) and by hand
 * with `npm run layering`.
 *
 * Dependencies point one way: adapters and jobs -> commands -> core -> db. The core is the trade
 * domain and knows no chat platform or scheduler; commands are platform-neutral; the jobs reach
 * the platforms only through the delivery functions `main` hands them; and the database layer,
 * the one place that speaks to the SQLite driver, knows nothing above it. `main` and `src/cli`
 * wire everything together, so they may import any layer. Tests and the benchmark are not
 * checked: they build the real thing from its parts and inspect the database directly.
 *
 * Paths are relative to the folder the cruise starts from, so the layering test can run these
 * same rules over a small fixture tree laid out like this one.
 */

/** Chat platform clients and their types: only the adapters (and main, cli) use them. */
const CHAT_LIBRARIES = 'node_modules/(discord\\.js|@discordjs/[^/]+|discord-api-types|grammy|@grammyjs/[^/]+)/';
/** The scheduler: only the jobs (and config, which validates cron expressions) use it. */
const SCHEDULER = 'node_modules/node-cron/';
/** The SQLite driver, and drizzle's binding to it. */
const SQLITE_DRIVER = 'node_modules/(better-sqlite3|@types/better-sqlite3|drizzle-orm/better-sqlite3)/';

const DB = '^src/db/';
const CORE = '^src/core/';
const COMMANDS = '^commands/';
const JOBS = '^src/jobs/';
const ADAPTERS = '^src/adapters/';
const ENTRY_POINTS = '^src/(main\\.ts$|cli/)';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'core-above-its-layer',
      comment: 'The core is the trade domain under every chat command and job; it never reaches up to them.',
      severity: 'error',
      from: { path: CORE },
      to: { path: [ADAPTERS, COMMANDS, JOBS, ENTRY_POINTS] },
    },
    {
      name: 'core-platform-library',
      comment: 'The core knows no chat platform and no scheduler: adapters translate, jobs schedule.',
      severity: 'error',
      from: { path: CORE },
      to: { path: [CHAT_LIBRARIES, SCHEDULER] },
    },
    {
      name: 'commands-above-their-layer',
      comment: 'A command is written once for every platform, so it never imports an adapter (nor the jobs or entry points that use it).',
      severity: 'error',
      from: { path: COMMANDS },
      to: { path: [ADAPTERS, JOBS, ENTRY_POINTS] },
    },
    {
      name: 'commands-chat-library',
      comment: 'A command never touches a platform object; it returns a platform-neutral reply.',
      severity: 'error',
      from: { path: COMMANDS },
      to: { path: CHAT_LIBRARIES },
    },
    {
      name: 'jobs-adapter',
      comment: 'Jobs reach a platform only through the delivery and card-editing functions main hands them.',
      severity: 'error',
      from: { path: JOBS },
      to: { path: [ADAPTERS, ENTRY_POINTS, CHAT_LIBRARIES] },
    },
    {
      name: 'db-above-its-layer',
      comment: 'The database layer is the bottom: it knows nothing of the domain or of who uses it.',
      severity: 'error',
      from: { path: DB },
      to: { path: [CORE, COMMANDS, JOBS, ADAPTERS, ENTRY_POINTS] },
    },
    {
      name: 'db-skipping-the-core',
      comment:
        'Commands, jobs and adapters reach the database only through the core (the domain types live in src/core/types.ts); main and src/cli open it.',
      severity: 'error',
      from: { path: [COMMANDS, JOBS, ADAPTERS] },
      to: { path: DB },
    },
    {
      name: 'sqlite-driver-outside-db',
      comment: 'Raw driver calls stay in src/db, behind named functions on the Database handle, so the core stays portable.',
      severity: 'error',
      from: { path: '^(src|commands)/', pathNot: DB },
      to: { path: SQLITE_DRIVER },
    },
    {
      name: 'unresolvable',
      comment: 'An import the cruiser cannot resolve is invisible to every rule above, so it must not pass silently.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    // Type-only imports count: a core that imports a grammY type still knows the platform.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    // Resolve packages through their "exports" maps, as Node and TypeScript do (`grammy/types`).
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['main', 'types', 'typings'],
    },
  },
};
