// Import rules for src/, checked in CI (`npm run deps`, part of `.ci/run`).
//
// - No import cycles, at any length.
// - src/<area>/ (network, transit, governance, cluster, gitops, data, edge, security, recovery,
//   secrets, plan) is used by other areas only through its index.ts; inside an area, files import
//   each other freely.
// - src/core/ is shared plumbing: it imports no area and no composition root, so it can never
//   close a cycle through them. Areas may import core's files directly.
// - Areas never import the composition roots (src/*.ts: program, stack-config, management,
//   environment); the roots import areas. src/plan/ (the offline plan) is the one exception: it
//   runs the whole program under mocks, so it sits above the roots.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "Import cycles make load order fragile and areas impossible to read alone.",
      from: {},
      to: { circular: true },
    },
    {
      name: "areas-through-index",
      severity: "error",
      comment: "Another area's internals are private: import its index.ts.",
      from: { path: "^src/([^/]+)/" },
      to: {
        path: "^src/([^/]+)/",
        pathNot: ["^src/$1/", "^src/core/", "^src/[^/]+/index\\.ts$"],
      },
    },
    {
      name: "core-is-a-leaf",
      severity: "error",
      comment: "core is shared plumbing: it must not depend on an area or a composition root.",
      from: { path: "^src/core/" },
      to: { path: "^src/", pathNot: "^src/core/" },
    },
    {
      name: "roots-import-areas-not-the-reverse",
      severity: "error",
      comment: "The composition roots (src/*.ts) assemble the areas; an area never reaches back.",
      from: { path: "^src/[^/]+/", pathNot: "^src/plan/" },
      to: { path: "^src/[^/]+\\.ts$" },
    },
    {
      name: "not-to-unresolvable",
      severity: "error",
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    exclude: { path: "^(node_modules|tests)/" },
  },
};
