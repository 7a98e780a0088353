#!/usr/bin/env node
// Completes package-lock.json with the platform-specific optional packages (biome, rollup)
// that the registry mirror on our build machines does not serve. `npm install` leaves them out
// of the lock when it cannot fetch their metadata, and `npm ci` then refuses the lock as out of
// sync. Each added entry carries the version its parent pins plus the os/cpu/libc that npm uses
// to skip it on other platforms, so `npm ci` is reproducible on Linux, macOS and Windows alike.
// Run after any `npm install` that changes the lock: `node scripts/complete-lockfile.mjs`.
import { readFileSync, writeFileSync } from "node:fs";

const file = new URL("../package-lock.json", import.meta.url);
const lock = JSON.parse(readFileSync(file, "utf8"));
const packages = lock.packages;

const OS = ["android", "darwin", "freebsd", "linux", "openbsd", "openharmony", "win32"];
const CPU = {
  "arm-eabi": "arm",
  arm64: "arm64",
  x64: "x64",
  arm: "arm",
  ia32: "ia32",
  loong64: "loong64",
  ppc64: "ppc64",
  riscv64: "riscv64",
  s390x: "s390x",
};

function platformOf(name) {
  const base = name.split("/").pop();
  const parts = base.split("-");
  const os = parts.find((p) => OS.includes(p));
  const cpuKey = Object.keys(CPU).find((k) => base.includes(`-${k}`));
  const libc =
    base.endsWith("-musl") || base.includes("-musleabihf")
      ? "musl"
      : base.includes("-gnu")
        ? "glibc"
        : undefined;
  return { os, cpu: cpuKey && CPU[cpuKey], libc };
}

let added = 0;
for (const [path, entry] of Object.entries(packages)) {
  for (const [dep, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const key = `node_modules/${dep}`;
    if (packages[key]) continue;
    const { os, cpu, libc } = platformOf(dep);
    if (!os || !cpu) continue; // only platform binaries are completed
    packages[key] = {
      version,
      ...(entry.dev ? { dev: true } : {}),
      optional: true,
      os: [os],
      cpu: [cpu],
      ...(libc ? { libc: [libc] } : {}),
    };
    added++;
  }
  void path;
}
const sorted = Object.fromEntries(
  Object.entries(packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a.localeCompare(b))),
);
lock.packages = sorted;
writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`complete-lockfile: added ${added} platform entries`);
