/**
 * Builds the browser viewer: bundles web/main.ts (three.js included, minified, no CDN) with
 * `deno bundle` and writes dist/web/index.html + dist/web/viewer.js, which the daemon serves
 * from source and scripts/compile.ts embeds in the binaries.
 *
 * Usage: `deno task build-web [--outdir DIR]`
 */

const ROOT = decodeURIComponent(new URL("../", import.meta.url).pathname).replace(/\/$/, "");

/** The built viewer files. */
export interface WebBuild {
  html: string;
  js: string;
}

/** Bundles the viewer into `outDir` (default dist/web) and returns its files. */
export async function buildWeb(outDir = `${ROOT}/dist/web`): Promise<WebBuild> {
  await Deno.mkdir(outDir, { recursive: true });
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "bundle",
      "--quiet",
      "--platform",
      "browser",
      "--minify",
      "--config",
      `${ROOT}/deno.json`,
      "-o",
      `${outDir}/viewer.js.${Deno.pid}.tmp`,
      `${ROOT}/web/main.ts`,
    ],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    const err = new TextDecoder().decode(out.stderr).trim();
    throw new Error(`Cannot bundle the viewer: ${err || `exit code ${out.code}`}`);
  }
  // Renamed into place, so a test running beside another build never reads half a file.
  const js = await Deno.readTextFile(`${outDir}/viewer.js.${Deno.pid}.tmp`);
  await Deno.rename(`${outDir}/viewer.js.${Deno.pid}.tmp`, `${outDir}/viewer.js`);
  const html = await Deno.readTextFile(`${ROOT}/web/index.html`);
  await Deno.writeTextFile(`${outDir}/index.html.${Deno.pid}.tmp`, html);
  await Deno.rename(`${outDir}/index.html.${Deno.pid}.tmp`, `${outDir}/index.html`);
  return { html, js };
}

/** Builds the viewer unless dist/web is newer than every file in web/ and protocol/tiles_wire.ts. */
export async function ensureWebBuilt(): Promise<void> {
  const built = await Deno.stat(`${ROOT}/dist/web/viewer.js`).then((s) => s.mtime!.getTime())
    .catch(() => 0);
  const sources = [`${ROOT}/protocol/tiles_wire.ts`];
  for await (const e of Deno.readDir(`${ROOT}/web`)) sources.push(`${ROOT}/web/${e.name}`);
  for (const f of sources) {
    if ((await Deno.stat(f)).mtime!.getTime() > built) return void await buildWeb();
  }
}

if (import.meta.main) {
  try {
    const i = Deno.args.indexOf("--outdir");
    const b = await buildWeb(i >= 0 ? Deno.args[i + 1] : undefined);
    console.log(`viewer built: ${(b.js.length / 1024).toFixed(0)} KiB of script`);
  } catch (err) {
    console.error((err as Error).message);
    Deno.exit(1);
  }
}
