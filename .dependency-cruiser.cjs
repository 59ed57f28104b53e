/**
 * The dependency rule of shared/DESIGN.md, checked on every test run:
 * core/ imports no platform SDK and nothing from bots/ or jobs/; an adapter never imports another adapter.
 */
const PLATFORM_SDKS =
  "(^|node_modules/)(grammy|@grammyjs|telegraf|discord\\.js|@discordjs|bullmq|ioredis|stripe|openai|fastify|@fastify)(/|$)";

module.exports = {
  forbidden: [
    {
      name: "core-no-platform-sdk",
      comment: "core/ is platform-neutral: SDKs live behind ports implemented in bots/ and jobs/",
      severity: "error",
      from: { path: "^core/" },
      to: { path: PLATFORM_SDKS },
    },
    {
      name: "core-not-to-adapters",
      comment: "bots/ and jobs/ depend on core/, never the other way",
      severity: "error",
      from: { path: "^core/" },
      to: { path: "^(bots|jobs)/" },
    },
    {
      name: "adapter-not-to-other-adapter",
      comment: "an adapter never calls another adapter (wiring happens in bots/main.ts and bots/app.ts)",
      severity: "error",
      from: { path: "^bots/(telegram|discord|console)/" },
      to: { path: "^bots/(telegram|discord|console)/", pathNot: "^bots/$1/" },
    },
    { name: "no-circular", severity: "error", from: { path: "^core/" }, to: { circular: true } },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "prisma/generated" },
    tsConfig: { fileName: "tsconfig.json" },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default"] },
  },
};
